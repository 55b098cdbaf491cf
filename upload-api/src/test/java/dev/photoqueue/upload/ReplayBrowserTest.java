package dev.photoqueue.upload;

import dev.photoqueue.worker.image.Quadrants;
import dev.photoqueue.upload.service.SettingsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The replay after a bug fix through the page, in headless Chromium: worker version v2 from the
 * settings form, a photo uploaded through the form shows upside down in the gallery, v3 from the
 * form, a replay of thumbnailers from "the start of v2", and the gallery shows the photo upright:
 * the pixels the browser drew, read back from a canvas, not only the URL. Skipped or failed without
 * Chromium as {@link DashboardBrowserTest} is.
 */
class ReplayBrowserTest {

    @Test
    void theGalleryHealsAfterAReplayUnderTheFixedVersion() throws Exception {
        HeadlessChromium.requireBrowser();
        Path photo = Files.createTempFile("quadrants", ".png");
        Files.write(photo, Quadrants.png(640, 480));
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "2", "PARTITIONS", "3"))) {
            WebDriver driver = HeadlessChromium.start();
            try {
                driver.get(running.client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, HeadlessChromium.WAIT);
                wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                wait.until(d -> d.findElements(By.cssSelector("#members tr")).size() == 2);

                deploy(driver, wait, "v2");
                driver.findElement(By.id("file-input")).sendKeys(photo.toRealPath().toString());
                driver.findElement(By.id("upload-button")).click();
                WebElement thumb = wait.until(d -> {
                    List<WebElement> images = d.findElements(By.cssSelector("#gallery img"));
                    return images.isEmpty() ? null : images.get(0);
                });
                wait.until(d -> thumb.getAttribute("src").endsWith("/v2/thumb.jpg") && topLeftColour(d, thumb) != null);
                // upside down: the top left shows the photo's bottom right quadrant, white
                assertEquals("white", topLeftColour(driver, thumb), thumb.getAttribute("src"));

                deploy(driver, wait, "v3");
                new Select(driver.findElement(By.id("replay-group"))).selectByValue("thumbnailers");
                // the page draws the list of starts again when v3's run shows up: wait for that
                // (an option read during the redraw is stale), then the list stays as it is
                new WebDriverWait(driver, HeadlessChromium.WAIT).ignoring(StaleElementReferenceException.class)
                        .until(d -> replayStart(d, "the start of v3") != null);
                replayStart(driver, "the start of v2").click();
                driver.findElement(By.cssSelector("#replay-form button")).click();
                wait.until(d -> d.findElement(By.id("admin-status")).getText().startsWith("replaying thumbnailers"));

                wait.until(d -> thumb.getAttribute("src").endsWith("/v3/thumb.jpg")
                        && "red".equals(topLeftColour(d, thumb)));
                wait.until(d -> d.findElements(By.cssSelector("#members tr")).size() == 2);

                HeadlessChromium.saveScreenshot(driver, "replay-healed.png");
            } finally {
                driver.quit();
            }
        }
    }

    @Test
    void aWorkerVersionsRunFromBeforeARestartIsOfferedAsAReplayStartWithItsDate(@TempDir Path dataDir)
            throws Exception {
        HeadlessChromium.requireBrowser();
        String since = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS).toString();
        Files.writeString(dataDir.resolve(SettingsFile.VERSION_RUNS_FILE_NAME),
                "[{\"version\": \"v2\", \"since\": \"" + since + "\"}]");
        try (RunningApp running = RunningApp.start(dataDir, Map.of("WORKERS", "0"))) {
            WebDriver driver = HeadlessChromium.start();
            try {
                driver.get(running.client.base() + "/");
                WebElement start = new WebDriverWait(driver, HeadlessChromium.WAIT)
                        .ignoring(StaleElementReferenceException.class)
                        .until(d -> replayStart(d, "the start of v1") != null ? replayStart(d, "the start of v2") : null);
                String date = (String) ((JavascriptExecutor) driver).executeScript(
                        "return new Date(arguments[0]).toLocaleString();", since);
                assertEquals("the start of v2 (" + date + ")", start.getText(), "a run of an earlier day, dated");
                assertEquals(since, start.getAttribute("value"), "the replay starts where v2 started");
            } finally {
                driver.quit();
            }
        }
    }

    /** The option of the replay form's start whose text begins with {@code prefix}, or null. */
    private static WebElement replayStart(WebDriver driver, String prefix) {
        return new Select(driver.findElement(By.id("replay-start"))).getOptions().stream()
                .filter(o -> o.getText().startsWith(prefix)).findFirst().orElse(null);
    }

    /** Picks {@code version} in the settings form and applies it; waits until the page reports it. */
    private static void deploy(WebDriver driver, WebDriverWait wait, String version) {
        new Select(driver.findElement(By.id("worker-version"))).selectByValue(version);
        driver.findElement(By.cssSelector("#settings-form button")).click();
        wait.until(d -> d.findElement(By.id("admin-status")).getText().endsWith("worker version " + version));
    }

    /**
     * The colour the browser drew at the centre of the image's top left quadrant, as red, green, blue
     * or white; null while the image is not loaded, something else when it is none of them.
     */
    private static String topLeftColour(WebDriver driver, WebElement image) {
        Object rgb = ((JavascriptExecutor) driver).executeScript(
                "const img = arguments[0];"
                        + "if (!img.complete || img.naturalWidth === 0) return null;"
                        + "const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
                        + "const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
                        + "const p = g.getImageData(Math.floor(c.width / 4), Math.floor(c.height / 4), 1, 1).data;"
                        + "return [p[0], p[1], p[2]].join(',');", image);
        if (rgb == null) {
            return null;
        }
        String[] parts = rgb.toString().split(",");
        boolean r = Integer.parseInt(parts[0]) > 200;
        boolean g = Integer.parseInt(parts[1]) > 200;
        boolean b = Integer.parseInt(parts[2]) > 200;
        return r && g && b ? "white" : r && !g && !b ? "red" : !r && g && !b ? "green" : !r && !g && b ? "blue" : rgb.toString();
    }
}
