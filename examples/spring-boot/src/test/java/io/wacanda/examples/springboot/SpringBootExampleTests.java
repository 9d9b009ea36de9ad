package io.wacanda.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "wacanda.admin.token=" + SpringBootExampleTests.TOKEN,
    "example.demo-key=" + SpringBootExampleTests.DEMO_KEY,
    "example.print-banner=false"})
class SpringBootExampleTests {
  static final String TOKEN = "adm_example_test_token_0123";
  static final String DEMO_KEY = "demo_key_for_the_example_test_0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort
  int port;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheConsoleAsStaticFiles() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<title>Wacanda console</title>")
        .contains("name=\"wacanda-base\" content=\"/wacanda\"");
    assertThat(get("/console.js").statusCode()).isEqualTo(200);
    assertThat(get("/vendor/qrcode-generator-1.4.4.js").body()).contains("MIT license");
  }

  @Test
  void demoIntegrationAnswersFromTheSampleHelpCentre() throws Exception {
    HttpRequest chat = HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/wacanda/external-api"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"chat\",\"integration_key\":\""
            + DEMO_KEY + "\",\"sender_id\":\"u1\",\"message\":\"How long do I have to return an"
            + " item?\"}")).build();
    HttpResponse<String> r = http.send(chat, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode data = JSON.readTree(r.body()).get("data");
    assertThat(data.get("sources").toString()).contains("sample-kb/returns.md");
    assertThat(data.get("response").asText()).isNotBlank();
  }

  @Test
  void adminApiNeedsTheTokenAndListsTheDemoIntegration() throws Exception {
    assertThat(get("/wacanda/admin/integrations").statusCode()).isEqualTo(401);
    HttpResponse<String> r = get("/wacanda/admin/integrations", "Authorization",
        "Bearer " + TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("data").toString()).contains("Demo assistant");
  }

  @Test
  void everyChannelModuleOnTheClassPathIsATemplate() throws Exception {
    HttpResponse<String> r = get("/wacanda/admin/templates", "Authorization", "Bearer " + TOKEN);
    java.util.List<String> types = new java.util.ArrayList<>();
    JSON.readTree(r.body()).get("data").forEach(t -> types.add(t.get("type").asText()));
    assertThat(types).contains("custom", "telegram", "whatsapp-cloud", "whatsapp-baileys",
        "whatwut");
  }

  @Test
  void healthIsExposedWithTheIntegrations() throws Exception {
    HttpResponse<String> r = get("/actuator/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).at("/components/wacanda/status").asText())
        .isEqualTo("UP");
  }

  @Test
  void credentialsComeFromTheEnvironmentOrAreGenerated() {
    Map<String, Object> given = SpringBootExample.credentials(Map.of(
        "WACANDA_ADMIN_TOKEN", "adm_from_the_environment_1", "WACANDA_DEMO_KEY", DEMO_KEY));
    assertThat(given).containsEntry("wacanda.admin.token", "adm_from_the_environment_1")
        .containsEntry("example.demo-key", DEMO_KEY);
    Map<String, Object> generated = SpringBootExample.credentials(Map.of(
        "WACANDA_ADMIN_TOKEN", "short", "WACANDA_DEMO_KEY", "bad key!"));
    assertThat((String) generated.get("wacanda.admin.token")).startsWith("adm_").hasSizeGreaterThan(16);
    assertThat((String) generated.get("example.demo-key")).matches("[A-Za-z0-9_-]{24,200}");
    assertThat(SpringBootExample.credentials(Map.of()).get("wacanda.admin.token"))
        .isNotEqualTo(generated.get("wacanda.admin.token"));
  }
}
