package dev.photoqueue.upload;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;

import static dev.photoqueue.upload.HeadlessChromium.onPage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An admin action the server refuses for its token (401) is told in the card of its button in
 * words, as what to do: type the admin token in the field at the top of the page, or correct the
 * one typed there. The status code leads the line, as it does for every refusal the page shows, so
 * a 401 stays told apart from the others.
 */
class AdminTokenBrowserTest {

    static final String NO_TOKEN = "401 this action needs the admin token: type it in the admin token field at the"
            + " top of the page";
    static final String WRONG_TOKEN = "401 the admin token typed at the top of the page is not the server's:"
            + " correct it there and try again";

    @Test
    void anAdminActionWithoutTheTokenOrWithAWrongOneSaysWhereToEnterIt() throws Exception {
        onPage(Map.of("WORKERS", "1", "PARTITIONS", "1", "ADMIN_TOKEN", "s3cret"), (running, driver, wait) -> {
            SettingsFormBrowserTest.awaitSettingsShown(wait);

            driver.findElement(By.id("worker-add")).click();
            wait.withMessage("the consumer group card asking for the token").until(d ->
                    d.findElement(By.id("group-status")).getText().startsWith("401 "));
            assertEquals(NO_TOKEN, driver.findElement(By.id("group-status")).getText());
            assertEquals("error", driver.findElement(By.id("group-status")).getDomAttribute("class"));

            driver.findElement(By.id("admin-token")).sendKeys("not-it");
            driver.findElement(By.id("max-backlog")).clear();
            driver.findElement(By.id("max-backlog")).sendKeys("50");
            driver.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
            wait.withMessage("the settings card saying the token typed is wrong").until(d ->
                    d.findElement(By.id("admin-status")).getText().startsWith("401 "));
            assertEquals(WRONG_TOKEN, driver.findElement(By.id("admin-status")).getText());

            driver.findElement(By.id("admin-token")).clear();
            driver.findElement(By.id("admin-token")).sendKeys("s3cret");
            driver.findElement(By.id("worker-add")).click();
            wait.withMessage("the worker added with the right token").until(d ->
                    d.findElement(By.id("group-status")).getText().equals("workers: 2"));
        });
    }
}
