package dev.photoqueue.upload;

import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Settings card, in headless Chromium, says whom its settings reach: a {@code PUT /api/settings}
 * changes the workers embedded in the app, so while a member of thumbnailers from another process
 * (a worker.jar) is in the group the card says it keeps the settings it started with, and says
 * nothing once it has left; that member's crash button is disabled (the app can crash only its own
 * workers), its title saying where to crash it.
 */
class SettingsReachBrowserTest {

    private static final String ELSEWHERE = "worker-elsewhere-0";

    @TempDir
    Path dataDir;

    @Test
    void aMemberOfThumbnailersFromAnotherProcessIsSaidToKeepItsOwnSettings() throws Exception {
        HeadlessChromium.requireBrowser();
        AppConfig config = AppConfig.fromSources(Map.of("PORT", "0", "HOST", "127.0.0.1", "WORKERS", "1",
                "PARTITIONS", "2", "DATA_DIR", dataDir.toString()), new Properties());
        // opened here so that the test can add a member of its own to the workers' group; the app owns it
        QueueBackend backend = QueueBackends.open(config.backendSettings());
        try (App app = App.start(config, backend, FileIO.local())) {
            WebDriver driver = HeadlessChromium.start();
            try {
                driver.get("http://127.0.0.1:" + app.port() + "/");
                Predicate<WebDriver> said = d -> d.findElement(By.id("settings-reach")).getText().equals(
                        "delivery, consumption and worker version apply to the 1 worker of this app; 1 other"
                                + " member of thumbnailers, in another process (worker.jar), keeps the settings"
                                + " it started with");
                try (GroupConsumer elsewhere = backend.groupConsumer(GroupConsumerConfig.builder(Topics.THUMBNAILERS)
                        .clientId(ELSEWHERE).build())) {
                    elsewhere.subscribe(List.of(Topics.PHOTO_UPLOADED));
                    long deadline = System.nanoTime() + HeadlessChromium.WAIT.toNanos();
                    // the member stays in the group by polling; nothing is uploaded, so it takes no job
                    while (!said.test(driver) || crashButton(driver, ELSEWHERE) == null) {
                        assertTrue(elsewhere.poll(Duration.ofMillis(100)).isEmpty());
                        assertTrue(System.nanoTime() < deadline, "the card did not name the other member within "
                                + HeadlessChromium.WAIT + ": '" + driver.findElement(By.id("settings-reach"))
                                .getText() + "'");
                    }
                    WebElement foreign = crashButton(driver, ELSEWHERE);
                    assertFalse(foreign.isEnabled(), "the crash button of a member of another process");
                    assertTrue(foreign.getDomAttribute("title").startsWith("a worker of another process (worker.jar)"),
                            foreign.getDomAttribute("title"));
                    String own = TestClient.json(new TestClient(app.port(), null).get("/api/workers"))
                            .get("workers").get(0).asText();
                    assertTrue(crashButton(driver, own).isEnabled(), "the crash button of the app's worker " + own);
                }
                new WebDriverWait(driver, HeadlessChromium.WAIT)
                        .withMessage("the card's note gone once the other member left")
                        .until(d -> d.findElement(By.id("settings-reach")).getText().isEmpty());
            } finally {
                driver.quit();
            }
        }
    }

    /** The crash button on the members table's row of {@code clientId}, or null while there is none. */
    private static WebElement crashButton(WebDriver driver, String clientId) {
        for (WebElement row : driver.findElements(By.cssSelector("#members tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (!cells.isEmpty() && cells.get(0).getText().equals(clientId)) {
                return row.findElement(By.tagName("button"));
            }
        }
        return null;
    }
}
