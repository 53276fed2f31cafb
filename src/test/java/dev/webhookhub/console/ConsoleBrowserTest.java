package dev.webhookhub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver; .ci/run installs them): sign in,
 * create a webhook, watch a pushed event's delivery appear, retry a dead one, read its attempts, browse events, use
 * the mapping playground and the health view. Each screen is saved to {@code target/screenshots/}
 * ({@code -Dscreenshots.dir=docs/screenshots} refreshes the README's).
 */
class ConsoleBrowserTest extends HubTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static ChromeDriver browser;
    private static Path userData;

    @BeforeAll
    static void startBrowser() throws Exception {
        assertThat(CHROMIUM).as("headless Chromium for the console tests: apt-get install chromium chromium-driver").exists();
        assertThat(CHROMEDRIVER).as("chromedriver for the console tests: apt-get install chromium-driver").exists();
        userData = Files.createTempDirectory("hub-chromium");
        var options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-default-apps", "--user-data-dir=" + userData);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorManagesTheWholeFlowWithoutCurl() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start(); var ops = TestReceiver.start()) {
            // sign in
            browser.get("http://127.0.0.1:" + port + "/");
            WebElement key = waitFor(By.id("api-key"));
            screenshot("1-sign-in");
            key.sendKeys(env.token());
            click(By.id("signin"));
            click(By.id("new-webhook"));

            // create a webhook, event type picked from the catalog
            waitFor(By.id("webhook-url")).sendKeys(receiver.url("/console"));
            browser.findElement(By.id("webhook-description")).sendKeys("Ops alerts");
            click(By.cssSelector("input[name=event-type][value='connection.sync_failed']"));
            screenshot("2-new-webhook");
            click(By.id("create-webhook"));
            WebElement secret = waitFor(By.id("secret"));
            assertThat(secret.getText()).as("the secret is shown only on demand").isEqualTo("hidden");
            click(By.id("reveal-secret"));
            waiting().until(d -> d.findElement(By.id("secret")).getText().startsWith("whsec_"));
            String webhookPage = browser.getCurrentUrl();
            var listed = env.get("/v1/webhooks").json();
            assertThat(listed.toString()).contains(receiver.url("/console"), "Ops alerts", "connection.sync_failed");

            // push an event: its delivery appears
            ingest(env, "configly", syncFailed("console-1"));
            awaitReceived(receiver, 1);
            awaitRow(webhookPage, "tr[data-status=delivered]");
            assertThat(browser.findElement(By.id("webhook-stats")).getText()).contains("last 1h", "1 attempts", "100 % succeeded",
                    "last 24h", "0 deliveries");
            assertThat(browser.findElements(By.cssSelector("#chart-attempts g.hour"))).hasSize(24);
            assertThat(browser.findElements(By.cssSelector("#chart-attempts g.hour[data-attempts='1']"))).hasSize(1);
            assertThat(browser.findElement(By.cssSelector("#chart-latency polyline")).getAttribute("points")).isNotBlank();
            screenshot("3-webhook-deliveries");

            // an operational webhook, told about the failures below
            browser.get("http://127.0.0.1:" + port + "/#/webhooks");
            waitFor(By.id("ops-url")).sendKeys(ops.url("/ops"));
            click(By.cssSelector("input[name=ops-type][value='webhook.lagging']"));
            click(By.id("add-ops"));
            waiting().until(d -> d.findElements(By.cssSelector("#operational-webhooks tr[data-id]")).size() == 1);
            assertThat(browser.findElement(By.id("operational-webhooks")).getText()).contains(ops.url("/ops"), "delivery.dead")
                    .doesNotContain("webhook.lagging");

            // a failing endpoint: the delivery dies after the (compressed) schedule; retry it once the endpoint is back
            receiver.byDefault(Reply.status(500).withBody("{\"error\":\"maintenance\"}"));
            ingest(env, "configly", syncFailed("console-2"));
            awaitRow(webhookPage, "tr[data-status=dead]");
            await().atMost(Duration.ofSeconds(10)).until(() -> ops.received().stream().anyMatch(r -> r.body().contains("\"delivery.dead\"")));
            receiver.byDefault(Reply.status(204));
            assertThat(browser.findElements(By.cssSelector("tr[data-status=dead] button.retry"))).hasSize(1);
            // bulk recovery instead of that one retry: a preview count, then a job followed to its end
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "document.getElementById('recover-since').value = '2020-01-01T00:00';");
            click(By.id("recover-preview"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("recover-progress"), "1 deliveries would be sent again"));
            click(By.id("recover-start"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("recover-progress"), "1 of 1"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("recover-progress"), "done"));
            awaitCount(webhookPage, "tr[data-status=delivered]", 2);

            // the delivery's attempts: status codes, latency, response body
            click(By.cssSelector("#deliveries tr[data-id]"));
            WebElement attempts = waitFor(By.id("attempts"));
            assertThat(attempts.getText()).contains("500", "204", "maintenance", " ms");
            screenshot("4-delivery-attempts");

            // rotate the secret, send a test event, disable and enable
            browser.get(webhookPage);
            waitFor(By.id("secret"));
            click(By.id("reveal-secret"));
            waiting().until(d -> d.findElement(By.id("secret")).getText().startsWith("whsec_"));
            String before = browser.findElement(By.id("secret")).getText();
            click(By.id("rotate-secret"));
            browser.switchTo().alert().accept();
            waiting().until(d -> d.findElement(By.id("secret")).getText().equals("hidden"));
            click(By.id("reveal-secret"));
            waiting().until(d -> d.findElement(By.id("secret")).getText().startsWith("whsec_")
                    && !d.findElement(By.id("secret")).getText().equals(before));
            int received = receiver.received().size();
            click(By.id("send-test"));
            awaitReceived(receiver, received + 1);
            click(By.id("toggle-active"));
            waiting().until(ExpectedConditions.textToBe(By.id("toggle-active"), "Enable"));
            assertThat(env.get("/v1/webhooks").json().toString()).contains("is_active=false");
            click(By.id("toggle-active"));
            waiting().until(ExpectedConditions.textToBe(By.id("toggle-active"), "Disable"));

            // events, live, with the envelope as JSON
            browser.get("http://127.0.0.1:" + port + "/#/events");
            waiting().until(d -> d.findElements(By.cssSelector("#events tr[data-id]")).size() >= 2);
            new Select(browser.findElement(By.id("event-type"))).selectByValue("connection.sync_failed");
            // the live list redraws every 2 s: click whichever row is there when the click lands
            waiting().until(d -> {
                d.findElement(By.cssSelector("#events tr[data-id]")).click();
                return true;
            });
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("event-detail"), "connection.sync_failed"));
            screenshot("5-events");

            // sources and the mapping playground
            browser.get("http://127.0.0.1:" + port + "/#/sources");
            new Select(waitFor(By.id("playground-source"))).selectByValue("configly");
            browser.findElement(By.id("playground-raw")).sendKeys(syncFailed("playground"));
            click(By.id("preview"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("playground-result"), "connection.sync_failed"));
            assertThat(browser.findElement(By.id("sources")).getText()).contains("configly", "feedback", "integration-sync", "synq", "unified-api");
            assertThat(browser.findElement(By.id("routes")).getText()).contains("hub-ingest", "Started", "direct://hub-ingest",
                    "hub-ingest.yaml", "kafka-inbound", "Stopped");
            assertThat(browser.findElement(By.id("route-errors")).getText()).isEqualTo("Every route file loaded.");
            screenshot("6-playground");
            browser.findElement(By.id("playground-raw")).clear();
            browser.findElement(By.id("playground-raw")).sendKeys("{\"kind\":\"nope\",\"connection\":\"c\"}");
            click(By.id("preview"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("playground-result"), "not a valid configly event"));

            // the AsyncAPI document, fetched with the console's key and handed over as a file
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("""
                    const create = URL.createObjectURL;
                    URL.createObjectURL = (blob) => { blob.text().then((t) => { window.asyncApiText = t; }); return create(blob); };""");
            click(By.id("download-asyncapi"));
            String asyncApi = waiting().until(d -> (String) ((org.openqa.selenium.JavascriptExecutor) d)
                    .executeScript("return window.asyncApiText || null;"));
            assertThat(asyncApi).startsWith("asyncapi:").contains("connection.sync_failed");

            // health
            browser.get("http://127.0.0.1:" + port + "/#/health");
            waiting().until(d -> Integer.parseInt(d.findElement(By.id("stat-delivered")).getText()) >= 3);
            assertThat(browser.findElement(By.id("stat-dead")).getText()).isEqualTo("0");
            screenshot("7-health");
        }
    }

    private static String syncFailed(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"clx_console\",\"run\":{\"id\":\"" + run
                + "\",\"status\":\"failed\",\"error\":\"Timeout reaching Salesforce\"}}";
    }

    @Test
    void theApiExplorerRendersUnderTheContentSecurityPolicy() {
        browser.get("http://127.0.0.1:" + port + "/docs");
        var operations = new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(d -> {
                    var drawn = d.findElements(By.cssSelector(".opblock-summary-path"));
                    return drawn.isEmpty() ? null : drawn;
                });
        assertThat(operations).as("Swagger UI fetched /v3/api-docs and drew its operations").isNotEmpty();
        assertThat(operations.stream().map(WebElement::getText).toList()).anyMatch(text -> text.contains("/v1/webhooks"));
    }

    /** The console redraws a view after each action: an element found a moment ago may be gone, so look again. */
    private static WebDriverWait waiting() {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Clicks what is there when the click lands: a view redrawn meanwhile only means looking for it again. */
    private static void click(By locator) {
        waiting().until(d -> {
            d.findElement(locator).click();
            return true;
        });
    }

    private static WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.elementToBeClickable(locator));
    }

    /** The console shows what the API says when the page is drawn; reload it until the row is there. */
    private static void awaitRow(String page, String css) throws Exception {
        awaitCount(page, css, 1);
    }

    private static void awaitCount(String page, String css, int count) throws Exception {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(500)).until(d -> {
                d.get(page);
                d.navigate().refresh();
                List<WebElement> rows = new WebDriverWait(d, Duration.ofSeconds(5)).until(x -> {
                    x.findElement(By.id("secret"));
                    return x.findElements(By.cssSelector(css));
                });
                return rows.size() >= count;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failure");
            Files.writeString(Path.of(System.getProperty("screenshots.dir", "target/screenshots"), "failure.html"), browser.getPageSource());
            throw e;
        }
    }

    private static void screenshot(String name) throws Exception {
        Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
        Files.createDirectories(dir);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
