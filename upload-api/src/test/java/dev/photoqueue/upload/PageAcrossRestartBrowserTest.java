package dev.photoqueue.upload;

import dev.photoqueue.upload.TestClient.Part;
import dev.photoqueue.upload.config.AppConfig;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.photoqueue.upload.HeadlessChromium.WAIT;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The page left open while the app stops and starts again on the same port and data: the header
 * says the server is unreachable while it is, and connected after; a photo that was finished while
 * the page had no event stream (no event will tell it) shows as done once the page is connected
 * again, without a reload.
 */
class PageAcrossRestartBrowserTest {

    @Test
    void aPhotoFinishedWhileThePageWasDisconnectedShowsDoneAfterTheReconnect() throws Exception {
        HeadlessChromium.requireBrowser();
        Path dataDir = Files.createTempDirectory("photoqueue-page-restart");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> noWorkers = Map.of("PORT", String.valueOf(port), "HOST", "127.0.0.1",
                "DATA_DIR", dataDir.toString(), "WORKERS", "0", "PARTITIONS", "1");
        TestClient client = new TestClient(port, null);
        WebDriver driver = HeadlessChromium.start();
        try {
            String id;
            try (App first = App.start(AppConfig.fromSources(noWorkers, new Properties()))) {
                driver.get(client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "GreenMeadow.jpg",
                        TestClient.sample("GreenMeadow.jpg")));
                assertEquals(202, up.statusCode(), up.body());
                id = json(up).get("id").asText();
                wait.until(d -> "QUEUED".equals(statusShown(d, id)));
            }
            WebDriverWait wait = new WebDriverWait(driver, WAIT);
            wait.ignoring(StaleElementReferenceException.class);
            wait.withMessage("the page saying the app is gone, in words (not 'error: Failed to fetch')").until(d ->
                    d.findElement(By.id("fact-live")).getText().equals("server unreachable"));

            // another run on the same data, on a port of its own the page does not know, does the job
            try (RunningApp worker = RunningApp.start(dataDir, Map.of("WORKERS", "1", "PARTITIONS", "1"))) {
                worker.client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
            }
            try (App again = App.start(AppConfig.fromSources(noWorkers, new Properties()))) {
                wait.withMessage("the page connected again").until(d ->
                        d.findElement(By.id("fact-live")).getText().equals("connected"));
                wait.withMessage("the gallery showing the photo done while the page was disconnected")
                        .until(d -> "DONE".equals(statusShown(d, id)));
                HeadlessChromium.saveScreenshot(driver, "page-after-restart.png");
            }
        } finally {
            driver.quit();
        }
    }

    /** The status the gallery shows for photo {@code id}, or null when it shows no such photo. */
    private static String statusShown(WebDriver driver, String id) {
        List<WebElement> items = driver.findElements(By.cssSelector("#gallery li[data-photo='" + id + "']"));
        return items.isEmpty() ? null : items.get(0).findElement(By.className("status")).getText();
    }
}
