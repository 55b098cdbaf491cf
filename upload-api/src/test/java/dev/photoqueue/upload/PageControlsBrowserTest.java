package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.service.SettingsFile;
import dev.photoqueue.worker.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.WAIT;
import static dev.photoqueue.upload.HeadlessChromium.onPage;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's admin forms in headless Chromium: they show what the server runs, also what another
 * client changed (chaos, the partition key), while every control the user changed and has not
 * applied keeps its value through the page's once-a-second refresh, and Apply sends only the settings
 * changed (a field sent is saved and wins over the environment); a worker's crash button stays
 * the same element through it; what an action did is said in the card of its button; and a replay
 * the form does not say where to start is not sent, and its answer is told in the browser's time
 * zone. Each press of + worker counts, however quickly they follow; - worker is disabled while the
 * group keeps no worker, and + worker while the pool keeps its maximum, since the server refuses
 * them then. The load generator asks for the
 * admin token only to change the partition key.
 */
class PageControlsBrowserTest {

    @Test
    void editsOfSeveralSettingsSurviveTheRefreshUntilAppliedWhileTheOtherControlsFollowTheServer() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && "1000".equals(d.findElement(By.id("max-backlog")).getDomProperty("value")));

            new Select(driver.findElement(By.id("delivery"))).selectByValue("exactly-once");
            driver.findElement(By.id("autoscale")).click();
            // changed elsewhere after the edits: the page shows these once a refresh ran since
            assertEquals(200, running.client.admin("PUT", "/api/settings",
                    "{\"maxBacklog\":77,\"partitionKey\":\"city\"}").statusCode());
            HttpResponse<String> chaos = running.client.admin("PUT", "/api/chaos",
                    "{\"namePattern\":\"^crash-\",\"crashes\":3,\"point\":\"after-publish\"}");
            assertEquals(200, chaos.statusCode(), chaos.body());
            wait.withMessage("the page showing the settings and chaos another client set").until(d ->
                    "77".equals(d.findElement(By.id("max-backlog")).getDomProperty("value"))
                            && "city".equals(d.findElement(By.id("load-key")).getDomProperty("value"))
                            && "^crash-".equals(d.findElement(By.id("chaos-pattern")).getDomProperty("value"))
                            && "3".equals(d.findElement(By.id("chaos-crashes")).getDomProperty("value"))
                            && "after-publish".equals(d.findElement(By.id("chaos-point")).getDomProperty("value")));
            assertEquals("exactly-once", driver.findElement(By.id("delivery")).getDomProperty("value"),
                    "the delivery the user chose and has not applied");
            assertTrue(driver.findElement(By.id("autoscale")).isSelected(), "the autoscale the user ticked");

            driver.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
            running.client.await("/api/settings", s -> s.get("delivery").asText().equals("exactly-once")
                    && s.get("autoscale").asBoolean() && s.get("maxBacklog").asInt() == 77, WAIT);
            wait.until(d -> d.findElement(By.id("admin-status")).getText()
                    .startsWith("settings applied: exactly-once"));
        });
    }

    @Test
    void applyingTheSettingsSavesOnlyTheFieldsChangedSoTheEnvironmentStillDecidesTheOthersAfterARestart()
            throws Exception {
        Path[] dataDir = new Path[1];
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1", "MAX_BACKLOG", "500"), (running, driver, wait) -> {
            dataDir[0] = running.dataDir;
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && "500".equals(d.findElement(By.id("max-backlog")).getDomProperty("value")));
            JavascriptExecutor js = (JavascriptExecutor) driver;
            recordPuts(js);

            new Select(driver.findElement(By.id("delivery"))).selectByValue("at-most-once");
            driver.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
            wait.until(d -> d.findElement(By.id("admin-status")).getText()
                    .startsWith("settings applied: at-most-once"));
            assertEquals(List.of("/api/settings {\"delivery\":\"at-most-once\"}"),
                    js.executeScript("return window.puts"));
            assertEquals(TestClient.JSON.readTree("{\"delivery\": \"at-most-once\"}"),
                    TestClient.JSON.readTree(running.dataDir.resolve(SettingsFile.FILE_NAME).toFile()),
                    "only the field changed is saved");

            // a field changed and changed back is no change: nothing is sent, and that is said
            new Select(driver.findElement(By.id("consumption"))).selectByValue("shared");
            new Select(driver.findElement(By.id("consumption"))).selectByValue("ordered");
            driver.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
            wait.until(d -> d.findElement(By.id("admin-status")).getText()
                    .equals("settings unchanged: nothing to apply"));
            assertEquals("muted", driver.findElement(By.id("admin-status")).getDomAttribute("class"));
            assertEquals(1L, js.executeScript("return window.puts.length"), "no second PUT");
        });

        // MAX_BACKLOG changed in the environment applies at the next start; the saved delivery stays
        try (RunningApp again = RunningApp.start(dataDir[0], Map.of("WORKERS", "1", "PARTITIONS", "1",
                "MAX_BACKLOG", "700"))) {
            JsonNode settings = json(again.client.get("/api/settings"));
            assertEquals(700, settings.get("maxBacklog").asLong(), settings.toString());
            assertEquals("at-most-once", settings.get("delivery").asText(), settings.toString());
        }
    }

    @Test
    void minusWorkerIsDisabledWhileTheGroupHasNoWorkerAndEnabledByPlusWorker() throws Exception {
        onPage(Map.of("WORKERS", "0", "PARTITIONS", "1"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && d.findElement(By.id("fact-workers")).getText().startsWith("0 of 0"));
            wait.withMessage("- worker disabled at 0 workers").until(d -> !d.findElement(By.id("worker-remove"))
                    .isEnabled());
            assertEquals("the group has no worker to remove",
                    driver.findElement(By.id("worker-remove")).getDomAttribute("title"));

            driver.findElement(By.id("worker-add")).click();
            wait.withMessage("- worker enabled by the worker added").until(d ->
                    d.findElement(By.id("worker-remove")).isEnabled()
                            && d.findElement(By.id("group-status")).getText().equals("workers: 1"));

            driver.findElement(By.id("worker-remove")).click();
            // disabled by the target, 0 at once: the answer's count may still hold the worker on its way out
            wait.withMessage("- worker disabled again once the last worker is removed").until(d ->
                    !d.findElement(By.id("worker-remove")).isEnabled());
            running.client.await("/api/workers", w -> w.get("target").asInt() == 0 && w.get("count").asInt() == 0,
                    WAIT);
            // a press of the disabled button sends nothing (the page calls fetch in the press's own task)
            JavascriptExecutor js = (JavascriptExecutor) driver;
            recordPuts(js);
            js.executeScript("document.getElementById('worker-remove').click()");
            assertEquals(List.of(), js.executeScript("return window.puts"));
            assertEquals("muted", driver.findElement(By.id("group-status")).getDomAttribute("class"));
        });
    }

    /**
     * The page's reads of {@code GET /api/workers} get the server's answer with its {@code target}
     * set to its {@code max}: a real pool at the maximum runs 64 workers, too many to start in a
     * test, and no setting lowers the maximum.
     */
    @Test
    void plusWorkerIsDisabledWhileThePoolKeepsTheMostWorkersItMayAndEnabledOnceItKeepsFewer() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && d.findElement(By.id("fact-workers")).getText().startsWith("1 of 1"));
            assertTrue(driver.findElement(By.id("worker-add")).isEnabled(), "+ worker enabled below the maximum");
            JavascriptExecutor js = (JavascriptExecutor) driver;
            js.executeScript("window.realFetch = window.fetch;"
                    + " window.fetch = async (url, init) => { const answer = await window.realFetch(url, init);"
                    + " if (url !== '/api/workers' || (init && init.method !== 'GET')) return answer;"
                    + " const workers = await answer.json(); workers.target = workers.max;"
                    + " return new Response(JSON.stringify(workers), { status: answer.status,"
                    + " headers: { 'Content-Type': 'application/json' } }); };");
            int max = WorkerConfig.MAX_WORKER_COUNT;
            wait.withMessage("+ worker disabled at the maximum").until(d ->
                    d.findElement(By.id("fact-workers")).getText().startsWith("1 of " + max)
                            && !d.findElement(By.id("worker-add")).isEnabled());
            assertEquals("the pool keeps the most workers it may: " + max,
                    driver.findElement(By.id("worker-add")).getDomAttribute("title"));
            assertTrue(driver.findElement(By.id("worker-remove")).isEnabled(), "- worker stays enabled");

            recordPuts(js);
            js.executeScript("document.getElementById('worker-add').click()");
            assertEquals(List.of(), js.executeScript("return window.puts"), "a press of + worker sent nothing");

            js.executeScript("window.fetch = window.realFetch");
            wait.withMessage("+ worker enabled again by the server's own answer").until(d ->
                    d.findElement(By.id("fact-workers")).getText().startsWith("1 of 1")
                            && d.findElement(By.id("worker-add")).isEnabled());
            assertEquals("", driver.findElement(By.id("worker-add")).getDomAttribute("title"));
        });
    }

    /** From now on the page keeps each PUT it sends, as its path and body, in {@code window.puts}. */
    private static void recordPuts(JavascriptExecutor js) {
        js.executeScript("window.puts = []; const send = window.fetch;"
                + " window.fetch = (url, init) => { if (init && init.method === 'PUT')"
                + " window.puts.push(url + ' ' + init.body); return send(url, init); };");
    }

    @Test
    void aReplayWithNeitherAStartNorATimeChosenIsRefusedOnThePage() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && "thumbnailers".equals(d.findElement(By.id("replay-group")).getDomProperty("value")));
            assertEquals("", driver.findElement(By.id("replay-start")).getDomProperty("value"));
            assertEquals("", driver.findElement(By.id("replay-from")).getDomProperty("value"));

            driver.findElement(By.cssSelector("#replay-form button[type=submit]")).click();
            wait.withMessage("the page asking where the replay starts").until(d -> d.findElement(By.id("admin-status"))
                    .getText().equals("choose where the replay starts: the start of a worker version, or a time"));
            assertEquals("error", driver.findElement(By.id("admin-status")).getDomAttribute("class"));

            // an hour ago is a start of its own
            new Select(driver.findElement(By.id("replay-start"))).selectByVisibleText("an hour ago");
            driver.findElement(By.cssSelector("#replay-form button[type=submit]")).click();
            wait.until(d -> d.findElement(By.id("admin-status")).getText().startsWith("replaying thumbnailers from "));
        });
    }

    @Test
    void theLoadGeneratorNeedsNoAdminTokenWhileItKeepsThePartitionKey() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1", "ADMIN_TOKEN", "s3cret"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && "photoId".equals(d.findElement(By.id("load-key")).getDomProperty("value"))
                    && !d.findElement(By.id("fact-delivery")).getText().equals("?"));
            driver.findElement(By.id("load-count")).clear();
            driver.findElement(By.id("load-count")).sendKeys("3");
            driver.findElement(By.id("load-button")).click();
            wait.withMessage("the load generator's uploads, no token typed").until(d ->
                    d.findElement(By.id("load-status")).getText().equals("3 accepted, 0 refused of 3 (key photoId)"));

            // another key is an admin change: without the token it is refused, and said
            new Select(driver.findElement(By.id("load-key"))).selectByValue("city");
            driver.findElement(By.id("load-button")).click();
            wait.until(d -> d.findElement(By.id("load-status")).getText()
                    .startsWith("cannot set the partition key: 401"));
        });
    }

    @Test
    void aWorkerAddedOrArmedToCrashIsToldInTheConsumerGroupCard() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "2"), (running, driver, wait) -> {
            wait.until(d -> d.findElements(By.cssSelector("#members tr")).size() == 1);

            driver.findElement(By.id("worker-add")).click();
            wait.withMessage("the consumer group card telling the new worker count").until(d ->
                    d.findElement(By.id("group-status")).getText().equals("workers: 2"));
            assertEquals(2, running.client.await("/api/workers", w -> w.get("count").asInt() == 2, WAIT)
                    .get("count").asInt());

            // the group settled: each of the two workers owns one of the two partitions
            running.client.await("/api/queue", q -> {
                for (JsonNode group : q.get("groups")) {
                    if (group.get("id").asText().equals("thumbnailers")) {
                        JsonNode members = group.get("members");
                        return members.size() == 2 && members.get(0).get("partitions").size() == 1
                                && members.get(1).get("partitions").size() == 1;
                    }
                }
                return false;
            }, WAIT);
            wait.until(d -> d.findElements(By.cssSelector("#members tr")).size() == 2
                    && !d.findElement(By.id("members")).getText().contains("(none)"));
            String member = driver.findElement(By.cssSelector("#members tr td")).getText();
            WebElement crash = driver.findElement(By.cssSelector("#members tr button"));
            // a refresh runs between finding the button and pressing it, as between a press and its release
            assertEquals(200, running.client.admin("PUT", "/api/settings", "{\"maxBacklog\":77}").statusCode());
            wait.until(d -> "77".equals(d.findElement(By.id("max-backlog")).getDomProperty("value")));
            crash.click();
            wait.withMessage("the consumer group card telling the armed crash").until(d ->
                    d.findElement(By.id("group-status")).getText().equals(member + " dies at its next photo"));
            assertTrue(driver.findElement(By.id("events")).getText().contains(member + " dies at its next photo"),
                    driver.findElement(By.id("events")).getText());
        });
    }

    @Test
    void twoQuickPressesOfPlusWorkerAddTwoWorkers() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "2"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && d.findElement(By.id("fact-workers")).getText().startsWith("1 of 1"));

            // two presses in one task of the page: the second comes before the first is answered
            ((JavascriptExecutor) driver).executeScript(
                    "const add = document.getElementById('worker-add'); add.click(); add.click();");
            wait.withMessage("the header telling both workers added").until(d ->
                    d.findElement(By.id("fact-workers")).getText().startsWith("3 of 3"));
            JsonNode workers = running.client.await("/api/workers", w -> w.get("count").asInt() == 3, WAIT);
            assertEquals(3, workers.get("target").asInt(), workers.toString());
            assertTrue(driver.findElement(By.id("group-status")).getText().matches("workers: [23]"),
                    driver.findElement(By.id("group-status")).getText());
        });
    }

    @Test
    void aReplaysAnswerIsToldInTheBrowsersTimeZone() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1"), (running, driver, wait) -> {
            // UTC+05:30, so that a time told in UTC reads differently from the one typed
            ((ChromeDriver) driver).executeCdpCommand("Emulation.setTimezoneOverride",
                    Map.of("timezoneId", "Asia/Kolkata"));
            driver.navigate().refresh();
            JavascriptExecutor js = (JavascriptExecutor) driver;
            assertEquals(12L, js.executeScript("return new Date('2026-01-31T06:30:00Z').getHours()"),
                    "the browser's time zone");
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                    && "thumbnailers".equals(d.findElement(By.id("replay-group")).getDomProperty("value")));

            js.executeScript("document.getElementById('replay-from').value = '2026-01-31T12:00:00'");
            driver.findElement(By.cssSelector("#replay-form button[type=submit]")).click();
            wait.until(d -> d.findElement(By.id("admin-status")).getText().startsWith("replaying thumbnailers from "));
            String told = driver.findElement(By.id("admin-status")).getText();
            assertTrue(told.contains("12:00:00") && !told.contains("06:30") && !told.contains("Z"),
                    "the time typed, in the browser's time zone: " + told);
        });
    }
}
