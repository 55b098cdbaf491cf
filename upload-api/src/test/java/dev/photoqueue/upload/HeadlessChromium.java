package dev.photoqueue.upload;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's headless Chromium, driven by Selenium through /usr/bin/chromedriver, for the page tests.
 * Outside CI a page test is skipped when Chromium is not installed; in CI ({@code CI} set) that is
 * a failure, since {@code .ci/run} installs it. Each browser gets a fresh profile of its own, so
 * no test sees another's storage.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** How long a page may take to show what a test waits for. */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Where the screenshots go; the README shows some of them. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private HeadlessChromium() {
    }

    /** Skips the calling test outside CI when Chromium is missing; fails it in CI. */
    static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (present) {
            return;
        }
        String missing = CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium and chromium-driver)";
        if (System.getenv("CI") != null) {
            fail("CI must run the browser test, but " + missing + " are not installed; .ci/run installs them");
        }
        Assumptions.abort("browser test skipped: " + missing + " are not installed; "
                + "apt-get install -y chromium chromium-driver");
    }

    /** Starts a browser with a 1400x1800 window and a new profile; the caller quits it. */
    static WebDriver start() throws IOException {
        Path profile = Files.createTempDirectory("photoqueue-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1400,1800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Saves what {@code driver} shows as {@code fileName} in {@link #SCREENSHOTS}, replacing an older one. */
    static void saveScreenshot(WebDriver driver, String fileName) throws IOException {
        Path shots = Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), shots.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
    }

    /** What a test does on the page of a running app: the browser shows it, {@code wait} waits up to {@link #WAIT}. */
    @FunctionalInterface
    interface PageSteps {
        void run(RunningApp running, WebDriver driver, WebDriverWait wait) throws Exception;
    }

    /**
     * Starts an app with {@code environment}, opens its page in headless Chromium, runs {@code steps},
     * closes both; skips or fails as {@link #requireBrowser} does when Chromium is missing.
     */
    static void onPage(Map<String, String> environment, PageSteps steps) throws Exception {
        requireBrowser();
        try (RunningApp running = RunningApp.start(environment)) {
            WebDriver driver = start();
            try {
                driver.get(running.client.base() + "/");
                steps.run(running, driver, new WebDriverWait(driver, WAIT));
            } finally {
                driver.quit();
            }
        }
    }
}
