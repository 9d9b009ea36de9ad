package io.wacanda.examples.customchannel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runnable example end to end: providers found by ServiceLoader, a Tincan integration created
 * from the environment, a signed webhook over real HTTP answered by one send to a Tincan fake
 * (twice delivered, once answered), the GET handshake, and the connectivity test through the admin
 * API.
 */
class CustomChannelExampleTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static WireMockServer tincan;
  private static CustomChannelExample app;
  private static String base;

  @BeforeAll
  static void start() {
    tincan = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    tincan.start();
    tincan.stubFor(post("/v2/conversations/c_42/messages").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(Payloads.text("send_response.json"))));
    tincan.stubFor(get("/v2/bot").willReturn(aResponse().withStatus(200)
        .withBody(Payloads.text("bot_response.json"))));
    tincan.stubFor(put("/v2/webhook").willReturn(aResponse().withStatus(204)));
    app = CustomChannelExample.start(0, null, Map.of(
        "WACANDA_ADMIN_TOKEN", "example-admin-token-123456",
        "TINCAN_API_URL", "http://127.0.0.1:" + tincan.port(),
        "TINCAN_BOT_TOKEN", Payloads.TOKEN));
    base = "http://127.0.0.1:" + app.port();
  }

  @AfterAll
  static void stop() {
    app.close();
    tincan.stop();
  }

  private static HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer example-admin-token-123456")
        .method(method, BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
        BodyHandlers.ofString());
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @Test
  void serviceLoaderFindsTheTincanTypeBesideCoresOwn() throws Exception {
    HttpResponse<String> templates = admin("GET", "/admin/templates");

    assertThat(templates.statusCode()).isEqualTo(200);
    JsonNode types = TincanChannel.JSON.readTree(templates.body()).get("data");
    assertThat(types.findValuesAsText("type")).contains("tincan", "custom");
  }

  @Test
  void signedWebhookIsAnsweredOnTincanOnceEvenWhenDeliveredTwice() throws Exception {
    CustomChannelExample.Demo demo = app.demo().orElseThrow();
    String batch = "{\"events\":[{\"id\":\"ev_e2e_1\",\"type\":\"message.created\","
        + "\"message\":{\"id\":\"tm_e2e_1\",\"conversation_id\":\"c_42\","
        + "\"from\":{\"id\":\"c_42\",\"name\":\"Ana\"},"
        + "\"text\":\"How long does standard delivery take?\"}}]}";
    byte[] bytes = batch.getBytes(StandardCharsets.UTF_8);
    TincanSignature signer = new TincanSignature(demo.signingSecret(), Clock.systemUTC());

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(
              URI.create(base + "/webhooks/" + demo.integrationId()))
          .header("Tincan-Signature", signer.header(bytes))
          .POST(BodyPublishers.ofByteArray(bytes)).timeout(Duration.ofSeconds(10)).build(),
          BodyHandlers.ofString());
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }

    await("the reply on Tincan", () -> !tincan.findAll(postRequestedFor(
        urlEqualTo("/v2/conversations/c_42/messages"))).isEmpty());
    await("the inbox to finish", () -> app.wacanda().integrations()
        .stats(CustomChannelExample.TENANT, demo.integrationId()).webhookEventsPending() == 0);
    List<LoggedRequest> sends = tincan.findAll(postRequestedFor(
        urlEqualTo("/v2/conversations/c_42/messages")));
    assertThat(sends).hasSize(1);
    assertThat(sends.get(0).getHeader("X-Tincan-Token")).isEqualTo(Payloads.TOKEN);
    assertThat(sends.get(0).getHeader("Idempotency-Key"))
        .isEqualTo("out:" + demo.integrationId() + ":tm_e2e_1:0");
    assertThat(sends.get(0).getBodyAsString()).contains("3 to 5 working days");
  }

  @Test
  void unsignedWebhookIsRefusedWith401() throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(
            URI.create(base + "/webhooks/" + app.demo().orElseThrow().integrationId()))
        .POST(BodyPublishers.ofString("{\"events\":[]}")).timeout(Duration.ofSeconds(10))
        .build(), BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(401);
  }

  @Test
  void handshakeEchoesTheChallengeOverHttp() throws Exception {
    CustomChannelExample.Demo demo = app.demo().orElseThrow();
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/webhooks/"
            + demo.integrationId() + "?tincan.verify_token=" + demo.verifyToken()
            + "&tincan.challenge=abc123")).GET().timeout(Duration.ofSeconds(10)).build(),
        BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("abc123");
  }

  @Test
  void connectivityTestRunsThroughTheAdminApiAndIsStored() throws Exception {
    String id = app.demo().orElseThrow().integrationId();
    tincan.stubFor(get("/v2/webhook").willReturn(aResponse().withStatus(200)
        .withBody("{\"url\":\"http://localhost:8080/webhooks/" + id + "\",\"active\":true}")));

    HttpResponse<String> test = admin("POST", "/admin/integrations/" + id + "/test");
    HttpResponse<String> history = admin("GET", "/admin/integrations/" + id + "/tests");

    JsonNode result = TincanChannel.JSON.readTree(test.body()).get("data");
    assertThat(result.get("passed").asBoolean()).as(test.body()).isTrue();
    assertThat(result.at("/checks/0/name").asText()).isEqualTo("bot_token");
    assertThat(TincanChannel.JSON.readTree(history.body()).get("data")).isNotEmpty();
    assertThat(test.body()).doesNotContain(Payloads.TOKEN);
  }

  @Test
  void bannerTellsTincanWhereToPost() {
    assertThat(app.banner()).contains("/webhooks/" + app.demo().orElseThrow().integrationId());
    assertThat(app.demo().orElseThrow().toString()).doesNotContain(
        app.demo().orElseThrow().signingSecret());
  }

  @Test
  void registersItsWebhookUrlWithTincanOnStartWhenAsked() throws Exception {
    assertThat(tincan.findAll(putRequestedFor(urlEqualTo("/v2/webhook"))))
        .as("off by default").isEmpty();

    HttpResponse<String> created = http.send(HttpRequest.newBuilder(
            URI.create(base + "/admin/integrations"))
        .header("Authorization", "Bearer example-admin-token-123456")
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString("{\"type\":\"tincan\",\"name\":\"Registered\","
            + "\"settings\":{\"bot_token\":\"" + Payloads.TOKEN + "\",\"api_url\":\""
            + "http://127.0.0.1:" + tincan.port() + "\",\"register_webhook\":\"true\"}}"))
        .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode data = TincanChannel.JSON.readTree(created.body()).get("data");
    List<LoggedRequest> puts = tincan.findAll(putRequestedFor(urlEqualTo("/v2/webhook")));
    assertThat(puts).hasSize(1);
    JsonNode registered = TincanChannel.JSON.readTree(puts.get(0).getBodyAsString());
    assertThat(registered.get("url").asText()).isEqualTo(data.get("webhook_url").asText());
    assertThat(registered.get("verify_token").asText()).isNotBlank();
    assertThat(data.at("/status/state").asText()).isEqualTo("CONNECTED");
    assertThat(created.body()).doesNotContain(Payloads.TOKEN)
        .doesNotContain(registered.get("verify_token").asText());
  }
}
