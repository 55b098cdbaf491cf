package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.WAIT;
import static dev.photoqueue.upload.HeadlessChromium.onPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's dead-letter card in headless Chromium at 1400 px: a dead letter with a long key
 * and a long reason (a foreign record no worker can read) and one of a truncated photo uploaded
 * through the API. The table stays inside its card with the redrive buttons in view, shows key and
 * reason, cut with an ellipsis and whole in the cell's tooltip. A photo whose outcome was published
 * before every crash stays DONE, and the gallery says its job lies dead-lettered all the same.
 * Skipped or failed without Chromium as {@link DashboardBrowserTest} is.
 */
class DeadLetterBrowserTest {

    /** Longer than any cell of a third of a 1400 px page can show. */
    static final String LONG_KEY = "camera-upload-service/eu-west/batch-2026-11-28T10:00:00Z/"
            + "device-0123456789abcdef0123456789abcdef";

    @TempDir
    Path dataDir;

    @Test
    void theDeadLetterTableFitsItsCardAndShowsKeyAndReason() throws Exception {
        HeadlessChromium.requireBrowser();
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "1", "PARTITIONS", "2"));
        QueueBackend backend = QueueBackends.open(config.backendSettings());
        try (App app = App.start(config, backend, FileIO.local())) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            try (Producer producer = backend.producer()) {
                producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, LONG_KEY,
                        "a scan that is no photo job: " + "lorem ipsum ".repeat(30))).get();
            }
            byte[] photo = TestClient.sample("GreenMeadow.jpg");
            String truncatedId = TestClient.json(client.upload("", Map.of(),
                    TestClient.Part.file("file", "cut.jpg", Arrays.copyOf(photo, photo.length * 2 / 5))))
                    .get("id").asText();
            client.await("/api/dlq", l -> l.size() == 2, HeadlessChromium.WAIT);

            WebDriver driver = HeadlessChromium.start();
            try {
                driver.get(client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, HeadlessChromium.WAIT);
                wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                List<WebElement> rows = wait.until(d -> {
                    List<WebElement> found = d.findElements(By.cssSelector("#dlq tr.dead-letter"));
                    return found.size() == 2 ? found : null;
                });
                JavascriptExecutor js = (JavascriptExecutor) driver;
                js.executeScript("arguments[0].scrollIntoView()", rows.get(0));

                WebElement foreign = rows.stream().filter(r -> LONG_KEY.equals(cell(r, "key").getAttribute("title")))
                        .findFirst().orElseThrow(() -> new AssertionError("no row has the long key in its title"));
                WebElement key = cell(foreign, "key");
                assertTrue(LONG_KEY.startsWith(key.getText().replace("\u2026", "")) && !key.getText().isEmpty(),
                        "the key is shown: '" + key.getText() + "'");
                assertTrue(isCutWithAnEllipsis(js, key), "a long key is cut with an ellipsis");
                WebElement reason = cell(foreign, "reason");
                assertTrue(reason.getText().startsWith("malformed job message") && reason.getText().contains("not JSON"),
                        "the reason is shown: '" + reason.getText() + "'");
                assertEquals(reason.getText(), reason.getAttribute("title"), "the tooltip holds it whole");
                assertTrue(isCutWithAnEllipsis(js, reason), "a long reason is cut with an ellipsis");

                WebElement upload = rows.stream().filter(r -> cell(r, "key").getAttribute("title").equals(truncatedId))
                        .findFirst().orElseThrow(() -> new AssertionError("no row for photo " + truncatedId));
                assertTrue(cell(upload, "reason").getText().contains("truncated or corrupt"),
                        cell(upload, "reason").getText());

                @SuppressWarnings("unchecked")
                Map<String, Number> box = (Map<String, Number>) js.executeScript("""
                        const table = document.getElementById('dlq').closest('table');
                        const card = table.closest('.card');
                        const buttons = [...document.querySelectorAll('#dlq button')].map((b) => b.getBoundingClientRect());
                        return { windowWidth: window.innerWidth,
                          tableRight: table.getBoundingClientRect().right, cardRight: card.getBoundingClientRect().right,
                          buttonRight: Math.max(...buttons.map((b) => b.right)),
                          buttonWidth: Math.min(...buttons.map((b) => b.width)) };""");
                assertEquals(1400, box.get("windowWidth").intValue(), "the window the test is about: " + box);
                assertTrue(box.get("tableRight").doubleValue() <= box.get("cardRight").doubleValue(),
                        "the table ends inside its card: " + box);
                assertTrue(box.get("buttonRight").doubleValue() <= box.get("cardRight").doubleValue()
                        && box.get("buttonWidth").doubleValue() > 0, "every redrive button is inside the card: " + box);
                for (WebElement row : rows) {
                    assertTrue(row.findElement(By.tagName("button")).isDisplayed(), "its redrive button is visible");
                }

                // The page reads /api/dlq every second: unchanged dead letters keep their rows and buttons, so
                // a press on Redrive is never lost to a row drawn again under the pointer.
                js.executeScript("""
                        window.firstDeadLetter = document.querySelector('#dlq tr.dead-letter');
                        window.deadLetterReads = 0;
                        const fetchBefore = window.fetch;
                        window.fetch = (...args) => fetchBefore(...args).then((response) => {
                          if (String(args[0]).startsWith('/api/dlq')) window.deadLetterReads++;
                          return response;
                        });""");
                wait.until(d -> ((Number) js.executeScript("return window.deadLetterReads")).intValue() >= 3);
                assertEquals(Boolean.TRUE, js.executeScript("return document.contains(window.firstDeadLetter)"),
                        "after two more reads of the same dead letters, the first row is still the one drawn before");

                HeadlessChromium.saveScreenshot(driver, "dead-letters.png");
            } finally {
                driver.quit();
            }
        }
    }

    @Test
    void aPhotoDoneBeforeEveryCrashOfItsWorkerIsShownDoneWithItsJobDeadLettered() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1", "MAX_DELIVERIES", "2", "SESSION_TIMEOUT_MS", "3000"),
                (running, driver, wait) -> {
                    wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                    // every delivery publishes the photo's outcome, then its worker dies before the ack
                    HttpResponse<String> armed = running.client.admin("PUT", "/api/chaos",
                            "{\"namePattern\":\"^poison\",\"point\":\"after-publish\",\"mode\":\"thread\"}");
                    assertEquals(200, armed.statusCode(), armed.body());
                    String id = TestClient.json(running.client.upload("", Map.of(), TestClient.Part.file("file",
                            "poison.jpg", TestClient.sample("GreenMeadow.jpg")))).get("id").asText();
                    JsonNode letters = running.client.await("/api/dlq", l -> l.size() == 1, WAIT);
                    String reason = letters.get(0).get("reason").asText();

                    JsonNode photo = running.client.await("/api/photos/" + id,
                            p -> p.path("deadLettered").asBoolean(), WAIT);
                    assertEquals("DONE", photo.get("status").asText(), "its variants exist: " + photo);
                    assertFalse(photo.get("variants").isEmpty(), photo.toString());
                    assertEquals(reason, photo.get("error").asText(), "the dead letter's reason");

                    By status = By.cssSelector("#gallery [data-photo='" + id + "'] .status");
                    wait.withMessage("the gallery telling the photo's job is dead-lettered").until(d ->
                            d.findElements(status).size() == 1 && ("DONE (job dead-lettered): " + reason)
                                    .equals(d.findElement(status).getDomProperty("textContent")));
                    String shownAs = driver.findElement(status).getDomAttribute("class");
                    assertTrue(shownAs.contains("status-dead-lettered"), shownAs);
                });
    }

    private static WebElement cell(WebElement row, String name) {
        return row.findElement(By.cssSelector("td.dlq-" + name));
    }

    /** Whether the browser draws the cell's text cut: it is wider than the cell, which clips it with an ellipsis. */
    private static boolean isCutWithAnEllipsis(JavascriptExecutor js, WebElement cell) {
        return (Boolean) js.executeScript("const c = arguments[0], s = getComputedStyle(c);"
                + "return c.scrollWidth > c.clientWidth && s.textOverflow === 'ellipsis' && s.overflow === 'hidden';",
                cell);
    }
}
