package dev.photoqueue.upload;

import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.WAIT;
import static dev.photoqueue.upload.HeadlessChromium.requireBrowser;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journey of a redelivered photo, through the page in headless Chromium: one worker dies
 * between publishing and acking (the chaos switch, armed for one crash), the pool replaces it, the
 * job comes again and is found done before; the gallery says {@code duplicate}, and clicking the
 * photo shows its steps, the crash among them. Saves the screenshot the README shows.
 */
class JourneyBrowserTest {

    @Test
    void clickingARedeliveredPhotoShowsItsJourneyWithTheCrashAndTheDuplicate() throws Exception {
        requireBrowser();
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "1",
                "SESSION_TIMEOUT_MS", "3000"))) {
            HttpResponse<String> armed = running.client.admin("PUT", "/api/chaos",
                    "{\"crashes\":1,\"point\":\"after-publish\",\"mode\":\"thread\"}");
            assertEquals(200, armed.statusCode(), armed.body());
            HttpResponse<String> up = running.client.upload("", Map.of(), Part.file("file", "GreenMeadow.jpg",
                    TestClient.sample("GreenMeadow.jpg")), Part.field("user", "ada"));
            assertEquals(202, up.statusCode(), up.body());
            String id = json(up).get("id").asText();

            WebDriver driver = HeadlessChromium.start();
            try {
                driver.manage().window().setSize(new Dimension(1400, 1800));
                driver.get(running.client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                WebElement item = wait.until(d -> {
                    List<WebElement> items = d.findElements(By.cssSelector("#gallery li[data-photo='" + id + "']"));
                    return items.isEmpty() || !items.get(0).getText().contains("duplicate") ? null : items.get(0);
                });
                assertTrue(item.findElement(By.className("status")).getText().startsWith("DONE"), item.getText());
                item.click();
                WebElement journey = driver.findElement(By.id("journey"));
                wait.until(d -> journey.findElements(By.tagName("li")).size() == 6);
                List<String> steps = journey.findElements(By.tagName("strong")).stream()
                        .map(s -> s.getText().trim()).toList();
                assertEquals(List.of("uploaded", "delivered", "processed", "crashed", "delivered", "processed"), steps);
                assertTrue(journey.getText().contains("duplicate true"), journey.getText());
                // every hop is timed: the time since the step before, the upload's receipt and the worker's time
                assertEquals(5, journey.findElements(By.className("hop")).stream()
                        .filter(hop -> hop.getText().trim().matches("\\+\\d+ ms")).count(), journey.getText());
                assertTrue(journey.getText().matches("(?s).*uploaded .*received .*stored .*processing [0-9.]+ ms.*shown .*"),
                        journey.getText());
                assertTrue(driver.findElement(By.id("fact-workers")).getText().contains("1 restarted after a crash"),
                        driver.findElement(By.id("fact-workers")).getText());

                HeadlessChromium.saveScreenshot(driver, "journey.png");
            } finally {
                driver.quit();
            }
        }
    }
}
