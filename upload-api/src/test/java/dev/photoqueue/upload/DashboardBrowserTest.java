package dev.photoqueue.upload;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.WAIT;
import static dev.photoqueue.upload.HeadlessChromium.onPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in Debian's headless Chromium, driven by Selenium through /usr/bin/chromedriver:
 * upload a sample photo through the real form, see its thumbnail appear in the gallery and the
 * consumer group on the dashboard, and save a screenshot to {@code target/screenshots/}; the
 * upload progress list keeps the latest uploads and says how many it hides; an empty table says
 * in one row what would appear in it. Outside
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

    @Test
    void theUploadProgressListKeepsTheLatestTenAndSaysHowManyItHides() throws Exception {
        onPage(Map.of("WORKERS", "0", "PARTITIONS", "1"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
            Path folder = Files.createTempDirectory("photoqueue-uploads");
            List<String> files = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                files.add(Files.write(folder.resolve("p" + i + ".jpg"), StatsSummaryApiTest.tinyJpeg(i)).toString());
            }
            driver.findElement(By.id("file-input")).sendKeys(String.join("\n", files));
            driver.findElement(By.id("upload-button")).click();

            wait.withMessage("the last upload answered, two older lines hidden").until(d ->
                    d.findElement(By.cssSelector("#progress li")).getText().startsWith("p11.jpg: QUEUED")
                            && d.findElement(By.id("progress-hidden")).getText().equals("2 earlier uploads not shown"));
            List<WebElement> lines = driver.findElements(By.cssSelector("#progress li"));
            assertEquals(10, lines.size(), "the latest ten uploads");
            assertTrue(lines.get(9).getText().startsWith("p2.jpg: "), lines.get(9).getText());
            assertEquals(12, running.client.await("/api/photos?limit=20", p -> p.size() == 12, WAIT).size());
        });
    }

    @Test
    void anEmptyTableSaysInOneRowWhatWouldAppearInIt() throws Exception {
        onPage(Map.of("WORKERS", "0", "PARTITIONS", "1"), (running, driver, wait) -> {
            wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
            Map<String, String> expected = Map.of(
                    "members", "no workers in the group: + worker adds one, shown here with its partitions",
                    "cluster-partitions", "one copy of each partition on the in-house log: on Kafka each "
                            + "partition's leader and replicas are listed here",
                    "stats", "no photo processed yet: each user's counts appear here",
                    "dlq", "no dead letters: a job a worker rejects, or one delivered too often, appears here");
            // read in one script: the page draws some tables again each second
            String emptyRow = """
                    const body = document.getElementById(arguments[0]), rows = body.rows;
                    if (rows.length !== 1 || !rows[0].classList.contains('empty')) return null;
                    return [rows[0].textContent, rows[0].cells.length, rows[0].cells[0].colSpan,
                      body.closest('table').tHead.rows[0].cells.length];""";
            JavascriptExecutor js = (JavascriptExecutor) driver;
            for (Map.Entry<String, String> table : expected.entrySet()) {
                @SuppressWarnings("unchecked")
                List<Object> row = wait.withMessage("the empty row of #" + table.getKey()).until(d -> {
                    List<Object> seen = (List<Object>) js.executeScript(emptyRow, table.getKey());
                    return seen != null && seen.get(0).equals(table.getValue()) ? seen : null;
                });
                assertEquals(1L, row.get(1), "one cell: " + row);
                assertEquals(row.get(3), row.get(2), "the cell spans every column of #" + table.getKey() + ": " + row);
            }

            // the row goes once there is something to show
            assertEquals(200, running.client.admin("PUT", "/api/workers", "{\"count\":1}").statusCode());
            wait.until(d -> d.findElements(By.cssSelector("#members tr")).size() == 1
                    && d.findElements(By.cssSelector("#members tr.empty")).isEmpty());
        });
    }
}
