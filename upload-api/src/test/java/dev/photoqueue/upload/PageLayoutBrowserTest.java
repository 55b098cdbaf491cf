package dev.photoqueue.upload;

import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.onPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole page at 1400 px, full of data (more users than the stats table shows, a dead letter
 * with a long reason, photos in the gallery), in headless Chromium: both charts are drawn by the
 * chart library, no element sticks out of its card and the page does not scroll sideways, the
 * stats table is bounded, and the page has its icon. At a phone's width, with uploads accepted and
 * refused, nothing sticks out of its card and the page does not scroll sideways either, and the
 * gallery shows at least two photos a row.
 */
class PageLayoutBrowserTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * Every visible element that reaches past the left or right edge of its card, as
     * "card id: tag.class (left..right) outside (left..right)". An element inside a box that
     * scrolls or clips (a table wrapper, the event list) is the box's business; the box itself is
     * checked. Text nodes are measured through their element.
     */
    static final String OVERFLOWING = """
            const found = [];
            for (const card of document.querySelectorAll('.card')) {
              if (card.getClientRects().length === 0) continue;
              const c = card.getBoundingClientRect();
              for (const e of card.querySelectorAll('*')) {
                if (e.getClientRects().length === 0) continue;
                let clipped = false;
                for (let a = e.parentElement; a && a !== card; a = a.parentElement) {
                  if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
                }
                if (clipped) continue;
                const r = e.getBoundingClientRect();
                if (r.width === 0) continue;
                if (r.right > c.right + 0.5 || r.left < c.left - 0.5) {
                  found.push((card.id || card.querySelector('h2').textContent.trim()) + ': ' + e.tagName.toLowerCase()
                    + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '')
                    + ' (' + Math.round(r.left) + '..' + Math.round(r.right) + ') outside ('
                    + Math.round(c.left) + '..' + Math.round(c.right) + ')');
                }
              }
            }
            return found;""";

    /** How many pixels of a canvas the chart library painted: 0 for a blank canvas. */
    static final String PAINTED = """
            const canvas = document.getElementById(arguments[0]);
            if (!canvas || !window.Chart || !Chart.getChart(canvas)) return -1;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
            return painted;""";

    @Test
    void atPhoneWidthThePageDoesNotScrollSidewaysAndEveryElementStaysInItsCard() throws Exception {
        HeadlessChromium.requireBrowser();
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "3"))) {
            WebDriver driver = HeadlessChromium.start();
            try {
                driver.manage().window().setSize(new Dimension(390, 844));
                driver.get(running.client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                JavascriptExecutor js = (JavascriptExecutor) driver;
                wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                long width = ((Number) js.executeScript("return window.innerWidth")).longValue();
                assertTrue(width <= 420, "the window is narrower than a column of the grid: " + width);
                // an accepted upload and a refused one, so that the progress list has both kinds of line
                Path photo = Path.of(System.getProperty("photoqueue.samples", "../sample-images"), "GreenMeadow.jpg");
                Path notAPhoto = Files.writeString(Files.createTempDirectory("photoqueue-page").resolve("notes.jpg"),
                        "not a photo at all, whatever its name says");
                driver.findElement(By.id("file-input")).sendKeys(photo.toRealPath() + "\n" + notAPhoto);
                driver.findElement(By.id("upload-button")).click();
                wait.until(d -> d.findElements(By.cssSelector("#progress .error")).size() == 1
                        && !d.findElements(By.cssSelector("#gallery img")).isEmpty());

                HeadlessChromium.saveScreenshot(driver, "page-390.png");
                assertEquals(List.of(), js.executeScript(OVERFLOWING),
                        "elements outside their card at " + width + " px");
                assertEquals(Boolean.TRUE, js.executeScript(
                        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                        "the page scrolls sideways at " + width + " px: "
                                + js.executeScript("return document.documentElement.scrollWidth") + " px wide");
            } finally {
                driver.quit();
            }
        }
    }

    @Test
    void atPhoneWidthTheGalleryShowsTwoPhotosARow() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1"), (running, driver, wait) -> {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = running.client.upload("", Map.of(),
                        Part.file("file", "p" + i + ".jpg", StatsSummaryApiTest.tinyJpeg(i)));
                assertEquals(202, r.statusCode(), r.body());
            }
            driver.manage().window().setSize(new Dimension(390, 844));
            driver.navigate().refresh();
            wait.until(d -> d.findElements(By.cssSelector("#gallery img")).size() == 3);
            JavascriptExecutor js = (JavascriptExecutor) driver;
            long width = ((Number) js.executeScript("return window.innerWidth")).longValue();
            assertTrue(width <= 420, "the window is a phone's: " + width);

            @SuppressWarnings("unchecked")
            List<Map<String, Number>> boxes = (List<Map<String, Number>>) js.executeScript("""
                    return [...document.querySelectorAll('#gallery li')].map((li) => {
                      const box = li.getBoundingClientRect(), img = li.querySelector('img').getBoundingClientRect();
                      return { top: box.top, left: box.left, imgWidth: img.width, imgHeight: img.height };
                    });""");
            assertEquals(boxes.get(0).get("top").doubleValue(), boxes.get(1).get("top").doubleValue(), 0.5,
                    "the first two photos share a row at " + width + " px: " + boxes);
            assertTrue(boxes.get(1).get("left").doubleValue() > boxes.get(0).get("left").doubleValue(),
                    boxes.toString());
            for (Map<String, Number> box : boxes) {
                assertTrue(box.get("imgWidth").doubleValue() >= 80, "a thumbnail still worth looking at: " + box);
                assertEquals(box.get("imgWidth").doubleValue(), box.get("imgHeight").doubleValue(), 0.5,
                        "a square thumbnail stays square: " + box);
            }
            assertEquals(List.of(), js.executeScript(OVERFLOWING), "elements outside their card at " + width + " px");
        });
    }

    @Test
    void atFourteenHundredPixelsTheChartsAreDrawnAndEveryElementStaysInItsCard() throws Exception {
        HeadlessChromium.requireBrowser();
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "2", "PARTITIONS", "3"))) {
            TestClient client = running.client;
            for (int u = 0; u < 12; u++) {
                HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "p" + u + ".jpg",
                        StatsSummaryApiTest.tinyJpeg(u)), Part.field("user", "a-user-with-a-rather-long-name-" + u));
                assertEquals(202, r.statusCode(), r.body());
            }
            byte[] photo = TestClient.sample("GreenMeadow.jpg");
            HttpResponse<String> cut = client.upload("", Map.of(), Part.file("file",
                    "a-photo-whose-name-is-long-enough-to-test-the-table-" + "x".repeat(60) + ".jpg",
                    Arrays.copyOf(photo, photo.length * 2 / 5)));
            assertEquals(202, cut.statusCode(), cut.body());
            client.await("/api/dlq", l -> l.size() == 1, WAIT);
            client.await("/api/stats", s -> s.get("total").get("counted").asInt() == 12, WAIT);

            WebDriver driver = HeadlessChromium.start();
            try {
                driver.get(client.base() + "/");
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                JavascriptExecutor js = (JavascriptExecutor) driver;
                assertEquals(1400L, js.executeScript("return window.innerWidth"), "the window the layout is checked at");
                wait.until(d -> d.findElement(By.id("fact-live")).getText().equals("connected"));
                // the library's script runs before the page's own, which reported "connected"
                assertEquals(Boolean.TRUE, js.executeScript("return typeof window.Chart === 'function'"),
                        "the chart library did not load: " + driver.findElement(By.id("events")).getText());
                wait.until(d -> d.findElements(By.cssSelector("#dlq tr.dead-letter")).size() == 1
                        && d.findElements(By.cssSelector("#gallery li")).size() == 13
                        && d.findElements(By.cssSelector("#stats-total tr")).size() == 1);
                // a tick of the rate chart needs two refreshes: wait for its second point
                wait.until(d -> ((Number) js.executeScript(
                        "return window.Chart && Chart.getChart('rate-chart') ? "
                                + "Chart.getChart('rate-chart').data.labels.length : 0")).intValue() >= 2);

                for (String chart : List.of("partition-chart", "rate-chart")) {
                    long painted = ((Number) js.executeScript(PAINTED, chart)).longValue();
                    assertTrue(painted > 1000, chart + " is not drawn by the chart library: " + painted
                            + " painted pixels (-1: no chart on the canvas)");
                }
                assertEquals(List.of(), driver.findElements(By.className("charts-missing")));

                assertEquals(10, driver.findElements(By.cssSelector("#stats tr:not(.muted)")).size(),
                        "the ten users with the most events");
                assertEquals("and 2 more users", driver.findElement(By.cssSelector("#stats tr.muted td")).getText());
                assertTrue(driver.findElement(By.id("stats-total")).getText().startsWith("all 12 users 12 12"),
                        driver.findElement(By.id("stats-total")).getText());

                HeadlessChromium.saveScreenshot(driver, "page-1400.png");
                assertEquals(List.of(), js.executeScript(OVERFLOWING), "elements outside their card at 1400 px");
                assertEquals(Boolean.TRUE, js.executeScript(
                        "return document.documentElement.scrollWidth <= window.innerWidth"),
                        "the page scrolls sideways at 1400 px");

                String icon = (String) js.executeScript(
                        "const l = document.querySelector('link[rel=icon]'); return l ? l.href : null");
                assertTrue(icon != null && icon.endsWith("/favicon.svg"), "the page names its icon: " + icon);
                HttpResponse<String> favicon = client.get("/favicon.svg");
                assertEquals(200, favicon.statusCode());
                assertTrue(favicon.headers().firstValue("Content-Type").orElse("").startsWith("image/svg+xml"),
                        favicon.headers().toString());
                assertTrue(favicon.body().contains("<svg"), favicon.body());
            } finally {
                driver.quit();
            }
        }
    }
}
