package dev.photoqueue.upload;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.onPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Settings form in headless Chromium offers only settings the server runs: exactly-once needs
 * ordered consumption (the server refuses it with shared, 400), so while one of the two is shown
 * the other's option is disabled with a title saying why, whether the user chose it or the server
 * runs it; an edit that another client's change makes a refused pair is given up, and said. Beside
 * the autoscale checkbox: the most workers the autoscaler runs, as the server tells it.
 */
class SettingsFormBrowserTest {

    /** The title of a disabled option: the server's reason, in its words. */
    static final String NEEDS_ORDERED = "exactly-once needs consumption ordered, not shared: a shared record's lock"
            + " cannot be acknowledged in a transaction";

    private static final Map<String, String> ONE_WORKER = Map.of("WORKERS", "1", "PARTITIONS", "1");

    @Test
    void choosingExactlyOnceDisablesSharedConsumptionAndChoosingSharedDisablesExactlyOnce() throws Exception {
        onPage(ONE_WORKER, (running, driver, wait) -> {
            awaitSettingsShown(wait);
            HttpResponse<String> refused = running.client.admin("PUT", "/api/settings",
                    "{\"delivery\": \"exactly-once\", \"consumption\": \"shared\"}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(TestClient.json(refused).get("detail").asText().contains(NEEDS_ORDERED),
                    "the page's title is the server's reason: " + refused.body());
            WebElement exactlyOnce = option(driver, "delivery", "exactly-once");
            WebElement shared = option(driver, "consumption", "shared");
            assertTrue(exactlyOnce.isEnabled() && shared.isEnabled(), "at-least-once, ordered: both on offer");

            new Select(driver.findElement(By.id("delivery"))).selectByValue("exactly-once");
            assertFalse(shared.isEnabled(), "shared consumption offered beside exactly-once");
            assertEquals(NEEDS_ORDERED, shared.getDomAttribute("title"));

            new Select(driver.findElement(By.id("delivery"))).selectByValue("at-most-once");
            assertTrue(shared.isEnabled(), "shared consumption offered again beside at-most-once");
            assertEquals("", shared.getDomAttribute("title"));

            new Select(driver.findElement(By.id("consumption"))).selectByValue("shared");
            assertFalse(exactlyOnce.isEnabled(), "exactly-once offered beside shared consumption");
            assertEquals(NEEDS_ORDERED, exactlyOnce.getDomAttribute("title"));

            driver.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
            wait.until(d -> d.findElement(By.id("admin-status")).getText()
                    .startsWith("settings applied: at-most-once, shared"));
        });
    }

    @Test
    void theSettingsReadFromTheServerDisableWhatCannotRunBesideThem() throws Exception {
        onPage(ONE_WORKER, (running, driver, wait) -> {
            awaitSettingsShown(wait);
            assertEquals(200, running.client.admin("PUT", "/api/settings", "{\"consumption\":\"shared\"}")
                    .statusCode());
            wait.withMessage("the page showing shared consumption with exactly-once disabled").until(d ->
                    "shared".equals(d.findElement(By.id("consumption")).getDomProperty("value"))
                            && !option(d, "delivery", "exactly-once").isEnabled());
            assertEquals(NEEDS_ORDERED, option(driver, "delivery", "exactly-once").getDomAttribute("title"));
        });
    }

    @Test
    void anEditThatAnotherClientsChangeMakesARefusedPairIsGivenUpAndSaid() throws Exception {
        onPage(ONE_WORKER, (running, driver, wait) -> {
            awaitSettingsShown(wait);
            new Select(driver.findElement(By.id("delivery"))).selectByValue("exactly-once");
            assertEquals(200, running.client.admin("PUT", "/api/settings", "{\"consumption\":\"shared\"}")
                    .statusCode());
            wait.withMessage("the form showing what the server runs, exactly-once disabled").until(d ->
                    "shared".equals(d.findElement(By.id("consumption")).getDomProperty("value"))
                            && "at-least-once".equals(d.findElement(By.id("delivery")).getDomProperty("value"))
                            && !option(d, "delivery", "exactly-once").isEnabled()
                            && option(d, "consumption", "shared").isEnabled());
            assertEquals("delivery exactly-once not applied: the server now runs consumption shared, and "
                    + NEEDS_ORDERED, driver.findElement(By.id("admin-status")).getText());
            assertEquals("error", driver.findElement(By.id("admin-status")).getDomAttribute("class"));
        });
    }

    /**
     * The autoscaler's bounds, beside its checkbox, are the server's ({@code autoscaleMin} and
     * {@code autoscaleMax} of {@code GET /api/workers}): the page's reads of them are then answered
     * with other bounds, which the page shows in turn.
     */
    @Test
    void theMostWorkersTheAutoscalerRunsIsShownBesideItsCheckboxAsTheServerTellsIt() throws Exception {
        onPage(ONE_WORKER, (running, driver, wait) -> {
            awaitSettingsShown(wait);
            assertEquals(App.AUTOSCALE_MAX_WORKERS, TestClient.json(running.client.get("/api/workers"))
                    .get("autoscaleMax").asInt());
            wait.withMessage("the autoscaler's limit beside its checkbox").until(d ->
                    d.findElement(By.id("autoscale-max")).getText()
                            .equals("1 to " + App.AUTOSCALE_MAX_WORKERS + " workers"));

            ((JavascriptExecutor) driver).executeScript("const realFetch = window.fetch;"
                    + " window.fetch = async (url, init) => { const answer = await realFetch(url, init);"
                    + " if (url !== '/api/workers' || (init && init.method !== 'GET')) return answer;"
                    + " const workers = await answer.json(); workers.autoscaleMin = 3; workers.autoscaleMax = 12;"
                    + " return new Response(JSON.stringify(workers), { status: answer.status,"
                    + " headers: { 'Content-Type': 'application/json' } }); };");
            wait.withMessage("the bounds the server's answer gives").until(d ->
                    d.findElement(By.id("autoscale-max")).getText().equals("3 to 12 workers"));
        });
    }

    /** Waits until the page is live and its Settings form shows what the server runs. */
    static void awaitSettingsShown(WebDriverWait wait) {
        wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected")
                && "1000".equals(d.findElement(By.id("max-backlog")).getDomProperty("value")));
    }

    static WebElement option(WebDriver driver, String select, String value) {
        return driver.findElement(By.cssSelector("#" + select + " option[value='" + value + "']"));
    }
}
