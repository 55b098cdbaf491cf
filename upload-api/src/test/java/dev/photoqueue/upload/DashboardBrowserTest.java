package dev.photoqueue.upload;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in Debian's headless Chromium, driven by Selenium through /usr/bin/chromedriver:
 * upload a sample photo through the real form, see its thumbnail appear in the gallery and the
 * consumer group on the dashboard, and save a screenshot to {@code target/screenshots/}. Outside
 * CI the test is skipped when Chromium is not installed; in CI ({@code CI} set) that is a failure,
 * since {@code .ci/run} installs it.
 */
class DashboardBrowserTest {

    @Test
    void aPhotoUploadedThroughTheFormAppearsAsAThumbnail() throws Exception {
        HeadlessChromium.requireBrowser();
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "2", "PARTITIONS", "3"))) {
            WebDriver driver = HeadlessChromium.start();
            try {
                driver.get(running.client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, HeadlessChromium.WAIT);
                wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                wait.until(d -> d.findElements(By.cssSelector("#members tr")).size() == 2);

                Path photo = Path.of(System.getProperty("photoqueue.samples", "../sample-images"), "GreenMeadow.jpg");
                driver.findElement(By.id("file-input")).sendKeys(photo.toRealPath().toString());
                driver.findElement(By.id("upload-button")).click();

                WebElement thumb = wait.until(d -> {
                    List<WebElement> images = d.findElements(By.cssSelector("#gallery img"));
                    return images.isEmpty() ? null : images.get(0);
                });
                assertTrue(thumb.getAttribute("src").endsWith("/thumb.jpg"), thumb.getAttribute("src"));
                JavascriptExecutor js = (JavascriptExecutor) driver;
                wait.until(d -> ((Number) js.executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0",
                        thumb)).intValue() > 0);
                assertEquals(150L, js.executeScript("return arguments[0].naturalWidth", thumb), "the 150x150 thumbnail");
                WebElement status = driver.findElement(By.cssSelector("#gallery li .status"));
                assertEquals("DONE", status.getText());
                // each event line names the delivery, so the two PROCESSING lines of one photo differ
                String id = driver.findElement(By.cssSelector("#gallery li")).getDomAttribute("data-photo");
                wait.until(d -> d.findElement(By.id("events")).getText().matches(
                        "(?s).*DONE " + id + " \\(partition \\d, delivery 1\\).*"));
                wait.until(d -> d.findElement(By.id("fact-backend")).getText().equals("inhouse"));
                assertTrue(driver.findElement(By.id("members")).getText().contains("photo.uploaded-"),
                        "the group's members are shown with their partitions");

                HeadlessChromium.saveScreenshot(driver, "dashboard.png");
            } finally {
                driver.quit();
            }
        }
    }
}
