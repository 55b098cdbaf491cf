package dev.photoqueue.upload;

import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
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

    /** What the journey panel showed at one look: its steps' names, its text, and its hops with a time. */
    private record Journey(List<String> steps, String text, long timedHops) {
    }

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
                // The page draws the gallery and the journey again as events arrive: each look
                // reads what it needs at once, and a look that meets an element drawn over is taken again.
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                wait.ignoring(StaleElementReferenceException.class);
                String status = wait.until(d -> {
                    List<WebElement> items = d.findElements(By.cssSelector("#gallery li[data-photo='" + id + "']"));
                    if (items.isEmpty() || !items.get(0).getText().contains("duplicate")) {
                        return null;
                    }
                    String shown = items.get(0).findElement(By.className("status")).getText();
                    items.get(0).click();
                    return shown;
                });
                assertTrue(status.startsWith("DONE"), status);
                Journey journey = wait.until(d -> {
                    WebElement shown = d.findElement(By.id("journey"));
                    List<String> steps = shown.findElements(By.tagName("strong")).stream()
                            .map(s -> s.getText().trim()).toList();
                    return steps.size() != 6 ? null : new Journey(steps, shown.getText(),
                            shown.findElements(By.className("hop")).stream()
                                    .filter(hop -> hop.getText().trim().matches("\\+\\d+ ms")).count());
                });
                assertEquals(List.of("uploaded", "delivered", "processed", "crashed", "delivered", "processed"),
                        journey.steps());
                assertTrue(journey.text().contains("duplicate true"), journey.text());
                // every hop is timed: the time since the step before, the upload's receipt and the worker's time
                assertEquals(5, journey.timedHops(), journey.text());
                String hops = "(?s).*uploaded .*received .*stored .*processing [0-9.]+ ms.*shown .*";
                assertTrue(journey.text().matches(hops), journey.text());
                // the milliseconds follow the seconds, also where the clock has a day period (7:28:34 AM.168 was shown)
                @SuppressWarnings("unchecked")
                List<String> times = (List<String>) ((JavascriptExecutor) driver).executeScript(
                        "return [...document.querySelectorAll('#journey time')].map((t) => t.textContent)");
                assertEquals(6, times.size(), times.toString());
                for (String time : times) {
                    assertTrue(time.matches("\\d{1,2}:\\d{2}:\\d{2}\\.\\d{3}(\\h?[AP]M)?"), time);
                }
                wait.withMessage("the workers' card saying one worker restarted after a crash").until(d -> d
                        .findElement(By.id("fact-workers")).getText().contains("1 restarted after a crash"));

                HeadlessChromium.saveScreenshot(driver, "journey.png");
            } finally {
                driver.quit();
            }
        }
    }
}
