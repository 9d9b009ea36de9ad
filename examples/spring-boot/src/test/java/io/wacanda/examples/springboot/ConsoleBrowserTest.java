package io.wacanda.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import io.wacanda.whatsapp.testkit.FakeEvolutionGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): sign in, create an integration from the form generated from
 * {@code /admin/templates}, see it listed, run its connectivity test, and see a status change
 * made elsewhere arrive over the event stream, then save a screenshot. Skipped with a message when
 * Chromium is not installed, unless {@code WACANDA_TEST_BROWSER_REQUIRED=true} (CI), where a
 * missing browser fails the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
    "wacanda.admin.token=" + ConsoleBrowserTest.TOKEN,
    "example.demo-key=" + ConsoleBrowserTest.DEMO_KEY,
    "example.print-banner=false"})
class ConsoleBrowserTest {
  static final String TOKEN = "adm_browser_test_token_0123";
  static final String DEMO_KEY = "demo_key_for_the_browser_test_0123456789";
  static final Path CHROMIUM = Path.of(System.getProperty("wacanda.test.chromium",
      "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("wacanda.test.chromedriver",
      "/usr/bin/chromedriver"));
  static final Duration WAIT = Duration.ofSeconds(20);

  static final String GATEWAY_KEY = "fake-evolution-global-key";
  /** A fixed port, so the webhook URLs Wacanda hands out (to the fake gateway) are right. */
  static final int PORT = freePort();

  private static WebDriver driver;
  private static FakeEvolutionGateway gateway;
  private static ChromeDriverService service;
  private static Path profile;

  @LocalServerPort
  int port;

  @DynamicPropertySource
  static void port(DynamicPropertyRegistry registry) {
    registry.add("server.port", () -> PORT);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Why the browser is unavailable; null when it is installed. */
  private static String missing;

  @BeforeAll
  static void startBrowser() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      missing = "Chromium not found at " + CHROMIUM + " / " + CHROMEDRIVER
          + "; install it with: apt-get install -y chromium chromium-driver";
      System.err.println("ConsoleBrowserTest: " + missing);
      return;
    }
    profile = Files.createTempDirectory("wacanda-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1440,1650",
        "--user-data-dir=" + profile);
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    gateway = FakeEvolutionGateway.start(GATEWAY_KEY);
  }

  @AfterAll
  static void stopBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (service != null) {
      service.stop();
    }
    if (profile != null) {
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @BeforeEach
  void requireBrowser() {
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("WACANDA_TEST_BROWSER_REQUIRED"))) {
      fail(missing + " (WACANDA_TEST_BROWSER_REQUIRED=true, so this fails instead of skipping)");
    }
    Assumptions.abort(missing + "; browser test skipped");
  }

  private WebDriverWait waiting() {
    // The console re-renders the list on every event: an element may go stale between reads.
    return (WebDriverWait) new WebDriverWait(driver, WAIT)
        .ignoring(StaleElementReferenceException.class);
  }

  private WebElement byTestId(String id) {
    return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  private String rowStatus(String name) {
    for (WebElement row : driver.findElements(By.cssSelector("#integrations tr"))) {
      if (row.findElement(By.cssSelector("[data-testid='name']")).getText().equals(name)) {
        return row.findElement(By.cssSelector("[data-testid='status']")).getText();
      }
    }
    return "";
  }

  @Test
  void createsTestsAndWatchesAnIntegrationLive() throws Exception {
    String base = "http://localhost:" + port;
    driver.get(base + "/");
    driver.findElement(By.id("token")).sendKeys(TOKEN);
    driver.findElement(By.cssSelector("#login-form button[type='submit']")).click();
    waiting().until(d -> byTestId("live").getText().equals("live"));
    waiting().until(d -> rowStatus("Demo assistant").equals("connected"));

    // The form is generated from /admin/templates.
    byTestId("new-integration").click();
    waiting().until(ExpectedConditions.visibilityOf(byTestId("form-dialog")));
    new Select(byTestId("form-type")).selectByValue("custom");
    List<String> fields = driver.findElements(By.cssSelector("#form-fields [data-field]"))
        .stream().map(e -> e.getAttribute("data-field")).toList();
    assertThat(fields).containsExactly("webhook_url", "webhook_secret", "health_url",
        "max_text_length");
    assertThat(driver.findElement(By.id("field-webhook_secret")).getAttribute("type"))
        .isEqualTo("password");
    assertThat(driver.findElement(By.id("field-max_text_length")).getAttribute("value"))
        .isEqualTo("10000");
    byTestId("form-name").sendKeys("Selenium support bot");
    driver.findElement(By.id("field-health_url")).sendKeys(base + "/actuator/health");
    byTestId("form-submit").click();

    // The key is shown once; the new integration is listed and connected.
    waiting().until(ExpectedConditions.visibilityOf(byTestId("key-dialog")));
    assertThat(byTestId("key-value").getAttribute("value")).hasSizeGreaterThan(20);
    driver.findElement(By.id("key-close")).click();
    waiting().until(d -> rowStatus("Selenium support bot").equals("connected"));
    waiting().until(d -> byTestId("webhook-url").getAttribute("value").contains("/webhooks/int"));

    // Run its connectivity test: the health URL answers, the result shows in the history.
    byTestId("run-test").click();
    waiting().until(d -> !d.findElements(By.cssSelector("[data-testid='test-result']")).isEmpty());
    WebElement result = driver.findElement(By.cssSelector("[data-testid='test-result']"));
    assertThat(result.getText()).startsWith("passed").contains("health_url");

    // A status change made elsewhere (another admin, the API) arrives over the event stream:
    // the console never polls, so only the stream can turn the badge.
    String id = byTestId("webhook-url").getAttribute("value").replaceAll(".*/webhooks/", "");
    HttpResponse<String> disabled = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(base + "/wacanda/admin/integrations/" + id + "/disable"))
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(disabled.statusCode()).isEqualTo(200);
    waiting().until(d -> rowStatus("Selenium support bot").equals("disconnected"));
    assertThat(driver.findElements(By.cssSelector("#events li[data-type='integration.status']")))
        .isNotEmpty();

    // A customer asks for a person on the demo integration: the queue fills live, an agent claims.
    HttpResponse<String> chat = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(base + "/wacanda/external-api"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"action\":\"chat\",\"integration_key\":\"" + DEMO_KEY + "\",\"sender_id\":"
                + "\"c-42\",\"sender_name\":\"Ana\",\"message\":\"I want to talk to a human"
                + " please\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    waiting().until(d -> !d.findElements(By.cssSelector("#handoffs li")).isEmpty());
    driver.findElement(By.xpath("//ul[@id='handoffs']/li//button[text()='Claim']")).click();
    waiting().until(d -> d.findElement(By.cssSelector("#handoffs li .badge")).getText()
        .equals("claimed"));

    // Back on.
    selectRow("Selenium support bot");
    byTestId("toggle-enabled").click();
    waiting().until(d -> rowStatus("Selenium support bot").equals("connected"));

    // WhatsApp Web through a Baileys gateway (a fake Evolution API on loopback): connect, show
    // the QR code, and when the phone scans it the gateway's webhook turns the badge live.
    byTestId("new-integration").click();
    waiting().until(ExpectedConditions.visibilityOf(byTestId("form-dialog")));
    new Select(byTestId("form-type")).selectByValue("whatsapp-baileys");
    byTestId("form-name").sendKeys("WhatsApp shop");
    driver.findElement(By.id("field-gateway_url")).sendKeys(gateway.baseUrl());
    driver.findElement(By.id("field-gateway_api_key")).sendKeys(GATEWAY_KEY);
    driver.findElement(By.id("field-instance_name")).sendKeys("shop-support");
    byTestId("form-submit").click();
    waiting().until(ExpectedConditions.visibilityOf(byTestId("key-dialog")));
    driver.findElement(By.id("key-close")).click();
    waiting().until(d -> !rowStatus("WhatsApp shop").isEmpty());
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("connect")));
    driver.findElement(By.id("connect")).click();
    waiting().until(d -> !d.findElements(By.cssSelector("#qr svg")).isEmpty());
    assertThat(gateway.currentQr("shop-support")).isPresent();
    waiting().until(d -> !byTestId("stats").getText().isEmpty());
    screenshot(Path.of("target", "screenshots", "console.png"));

    gateway.scan("shop-support");
    waiting().until(d -> rowStatus("WhatsApp shop").equals("connected"));
    waiting().until(d -> byTestId("qr").getText().contains("Connected"));
    screenshot(Path.of("target", "screenshots", "console-connected.png"));
  }

  private void selectRow(String name) {
    for (WebElement row : driver.findElements(By.cssSelector("#integrations tr"))) {
      if (row.findElement(By.cssSelector("[data-testid='name']")).getText().equals(name)) {
        row.click();
        waiting().until(d -> byTestId("detail").getText().contains(name));
        return;
      }
    }
    throw new AssertionError("no row named " + name);
  }

  private static void screenshot(Path shot) throws IOException {
    Files.createDirectories(shot.getParent());
    Files.copy(((ChromeDriver) driver).getScreenshotAs(OutputType.FILE).toPath(), shot,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }
}
