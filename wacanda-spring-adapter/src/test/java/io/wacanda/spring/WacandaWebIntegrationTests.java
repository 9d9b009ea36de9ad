package io.wacanda.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.testing.Fixtures;
import io.wacanda.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * The adapter in a real Spring Boot app on a random port, with Spring Security, Actuator and
 * Micrometer on the class path: the same handler behind Spring MVC, raw bytes in, the envelope
 * out, admin calls through Spring Security or the admin token, the event stream, CORS, health and
 * metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = WacandaWebIntegrationTests.App.class,
    properties = {
        "spring.security.user.name=agent",
        "spring.security.user.password=agent-password-1",
        "wacanda.admin.token=" + WacandaWebIntegrationTests.TOKEN,
        "wacanda.admin.tenant=shop",
        "wacanda.secret-key=a-host-secret-that-is-at-least-32-characters",
        "wacanda.http.allowed-origins=https://console.example.com",
        "wacanda.http.max-body-size=8KB",
        "wacanda.inbox.poll-interval=20ms",
        "wacanda.http.events.heartbeat=1s",
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always",
        // The HTTP surface on in-memory stores; JdbcStoresConfigurationTests covers the JDBC ones.
        "spring.autoconfigure.exclude="
            + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
class WacandaWebIntegrationTests {
  static final String TOKEN = "adm_web_test_token_0123456789";
  static final MutableClock CLOCK = new MutableClock(Instant.now());
  private static final ObjectMapper JSON = new ObjectMapper();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    WacandaBuilderCustomizer testClock() {
      return b -> b.clock(CLOCK);
    }
  }

  @LocalServerPort
  int port;

  @Autowired
  MeterRegistry meters;

  @Autowired
  io.wacanda.Wacanda wacanda;

  @Autowired
  io.wacanda.inbox.WebhookEventStore events;

  @Autowired
  WacandaEndpoint endpoint;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void resetClock() {
    CLOCK.set(Instant.now());
  }

  record Reply(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private Reply call(String method, String path, String body, String... headers)
      throws Exception {
    return call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  private Reply call(String method, String path, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers(), r.body());
  }

  private static String basic() {
    return "Basic " + Base64.getEncoder()
        .encodeToString("agent:agent-password-1".getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode createCustom(String name, String settingsJson) throws Exception {
    Reply r = call("POST", "/wacanda/admin/integrations",
        "{\"type\":\"custom\",\"name\":\"" + name + "\",\"settings\":" + settingsJson + "}",
        "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("data");
  }

  @Test
  void adminCallWithoutCredentialsIs401InTheEnvelope() throws Exception {
    Reply r = call("GET", "/wacanda/admin/templates", (String) null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("success").asBoolean()).isFalse();
    assertThat(r.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void springSecurityUserReadsTheAdminApi() throws Exception {
    Reply r = call("GET", "/wacanda/admin/templates", (String) null, "Authorization", basic());
    assertThat(r.status()).isEqualTo(200);
    List<String> types = new ArrayList<>();
    r.json().get("data").forEach(t -> types.add(t.get("type").asText()));
    assertThat(types).contains("custom");
  }

  @Test
  void wrongPasswordIs401InTheEnvelope() throws Exception {
    Reply r = call("GET", "/wacanda/admin/templates", (String) null, "Authorization",
        "Basic " + Base64.getEncoder().encodeToString("agent:wrong".getBytes()));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void unsafeAdminCallWithAmbientCredentialsNeedsTheCsrfToken() throws Exception {
    String create = "{\"type\":\"custom\",\"name\":\"By agent\",\"settings\":{}}";
    Reply refused = call("POST", "/wacanda/admin/integrations", create, "Authorization", basic(),
        "Content-Type", "application/json");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("FORBIDDEN");

    Reply get = call("GET", "/wacanda/admin/integrations", (String) null, "Authorization",
        basic());
    String cookie = get.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("XSRF-TOKEN=")).findFirst().orElseThrow();
    String token = cookie.substring("XSRF-TOKEN=".length(), cookie.indexOf(';'));
    Reply created = call("POST", "/wacanda/admin/integrations", create, "Authorization", basic(),
        "Content-Type", "application/json", "Cookie", "XSRF-TOKEN=" + token,
        "X-XSRF-TOKEN", token);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    // The Spring user and the admin token act for the same tenant (wacanda.admin.tenant).
    String id = created.json().at("/data/id").asText();
    assertThat(call("GET", "/wacanda/admin/integrations/" + id, (String) null,
        "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
  }

  @Test
  void bearerTokenCallsNeedNoCsrfTokenAndGetTheKeyOnce() throws Exception {
    JsonNode created = createCustom("Token made", "{}");
    assertThat(created.get("api_key").asText()).isNotBlank();
    assertThat(created.get("webhook_url").asText())
        .isEqualTo("http://localhost:8080/wacanda/webhooks/" + created.get("id").asText());
    Reply again = call("GET", "/wacanda/admin/integrations/" + created.get("id").asText(),
        (String) null, "Authorization", "Bearer " + TOKEN);
    assertThat(again.json().get("data").has("api_key")).isFalse();
  }

  @Test
  void standardWebhooksVectorsVerifyOverTheRawBytesThroughSpringMvc() throws Exception {
    JsonNode vectors = JSON.readTree(Fixtures.bytes("standard-webhooks/vectors.json"));
    Map<String, String> integrationBySecret = new java.util.HashMap<>();
    int checked = 0;
    for (JsonNode v : vectors.get("vectors")) {
      String secret = v.get("secret").asText();
      String id = integrationBySecret.get(secret);
      if (id == null) {
        id = createCustom("Vectors " + integrationBySecret.size(),
            "{\"webhook_secret\":\"" + secret + "\"}").get("id").asText();
        integrationBySecret.put(secret, id);
      }
      CLOCK.set(Instant.ofEpochSecond(v.get("now").asLong()));
      List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
      v.get("headers").properties().forEach(h -> {
        headers.add(h.getKey());
        headers.add(h.getValue().asText());
      });
      Reply r = call("POST", "/wacanda/webhooks/" + id,
          v.get("payload").asText().getBytes(StandardCharsets.UTF_8),
          headers.toArray(new String[0]));
      if (v.get("valid").asBoolean()) {
        assertThat(r.status()).as(v.get("name").asText() + ": " + r.body()).isNotEqualTo(401);
      } else {
        assertThat(r.status()).as(v.get("name").asText()).isEqualTo(401);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("BAD_SIGNATURE");
      }
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);
  }

  @Test
  void signedMessageWithEscapedSlashesIsStoredProcessedAndCounted() throws Exception {
    String secret = StandardWebhooks.generateSecret();
    String id = createCustom("Escapes", "{\"webhook_secret\":\"" + secret + "\"}")
        .get("id").asText();
    double received = counter("wacanda.webhooks.received");
    double processed = counter("wacanda.webhooks.processed");
    // As Meta and others send it: escaped slashes and non-ASCII, never what Jackson would write.
    byte[] body = ("{\"type\":\"message.received\",\"data\":{\"sender_id\":\"u-1\","
        + "\"sender_name\":\"Jos\u00e9\",\"message_id\":\"m-escapes-1\","
        + "\"message\":\"Where is my order? See https:\\/\\/shop.example\\/o\\/1 \u2014 ol\u00e1\"}}")
        .getBytes(StandardCharsets.UTF_8);
    Map<String, String> signed = StandardWebhooks.of(secret, CLOCK).headers("msg_esc_1", body);
    List<String> headers = new ArrayList<>();
    signed.forEach((k, v) -> {
      headers.add(k);
      headers.add(v);
    });
    Reply ok = call("POST", "/wacanda/webhooks/" + id, body, headers.toArray(new String[0]));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);

    byte[] reserialized = JSON.writeValueAsBytes(JSON.readTree(body));
    Reply bad = call("POST", "/wacanda/webhooks/" + id, reserialized,
        headers.toArray(new String[0]));
    assertThat(bad.status()).isEqualTo(401);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(counter("wacanda.webhooks.received")).isEqualTo(received + 1);
      assertThat(counter("wacanda.webhooks.processed")).isGreaterThanOrEqualTo(processed + 1);
      assertThat(meters.find("wacanda.reply.latency").tag("channel", "custom").timer())
          .isNotNull().satisfies(t -> assertThat(t.count()).isPositive());
    });
    // A redelivery of the same message is recognised and not stored again.
    call("POST", "/wacanda/webhooks/" + id, body, headers.toArray(new String[0]));
    assertThat(counter("wacanda.webhooks.received")).isEqualTo(received + 1);
    assertThat(counter("wacanda.webhooks.duplicates")).isPositive();
  }

  private double counter(String name) {
    return Optional.ofNullable(meters.find(name).counter()).map(c -> c.count()).orElse(0.0);
  }

  @Test
  void externalApiChatAnswersInTheEnvelope() throws Exception {
    String key = createCustom("Chat", "{}").get("api_key").asText();
    Reply r = call("POST", "/wacanda/external-api", "{\"action\":\"chat\",\"integration_key\":\""
        + key + "\",\"sender_id\":\"u-9\",\"message\":\"hello\"}",
        "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("success").asBoolean()).isTrue();
    assertThat(r.json().at("/data/session_id").asText()).isNotBlank();

    Reply wrongKey = call("POST", "/wacanda/external-api",
        "{\"action\":\"chat\",\"integration_key\":\"nope\",\"sender_id\":\"u\",\"message\":\"x\"}",
        "Content-Type", "application/json");
    assertThat(wrongKey.status()).isEqualTo(401);
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    byte[] big = new byte[9 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    Reply r = call("POST", "/wacanda/external-api", big, "Content-Type", "application/json");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
  }

  @Test
  void unknownRouteUnderTheBasePathIs404InTheEnvelope() throws Exception {
    Reply r = call("GET", "/wacanda/admin/nothing-here", (String) null,
        "Authorization", "Bearer " + TOKEN);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void corsPreflightIsAnsweredWithTheHandlersAllowList() throws Exception {
    Reply allowed = call("OPTIONS", "/wacanda/external-api", (String) null,
        "Origin", "https://console.example.com", "Access-Control-Request-Method", "POST");
    assertThat(allowed.status()).as(allowed.body() + allowed.headers().map()).isEqualTo(204);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://console.example.com");
    Reply refused = call("OPTIONS", "/wacanda/external-api", (String) null,
        "Origin", "https://evil.example", "Access-Control-Request-Method", "POST");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void eventStreamDeliversStatusChangesOfTheCallersTenant() throws Exception {
    String id = createCustom("Streamed", "{}").get("id").asText();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpRequest sse = HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/wacanda/admin/events"))
        .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build();
    HttpResponse<Stream<String>> response = http.send(sse, BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("text/event-stream"));
    Thread reader = new Thread(() -> response.body().forEach(lines::add), "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");
      assertThat(call("POST", "/wacanda/admin/integrations/" + id + "/disable", (String) null,
          "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
      String event = null;
      String data = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (data == null && System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null && line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line != null && line.startsWith("data: ") && "integration.status".equals(event)
            && line.contains(id)) {
          data = line.substring(6);
        }
      }
      assertThat(data).as("status event for " + id).isNotNull();
      assertThat(JSON.readTree(data).get("state").asText()).isEqualTo("DISCONNECTED");
    } finally {
      response.body().close();
    }
  }

  @Test
  void eventStreamWithoutCredentialsIs401() throws Exception {
    Reply r = call("GET", "/wacanda/admin/events", (String) null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void healthShowsTheIntegrationsAndTheRestOfTheAppStaysProtected() throws Exception {
    createCustom("Healthy", "{}");
    assertThat(call("GET", "/actuator/metrics", (String) null).status())
        .as("Spring Boot's default chain still guards the host's own endpoints").isEqualTo(401);
    Reply r = call("GET", "/actuator/health", (String) null);
    assertThat(r.status()).isEqualTo(200);
    JsonNode wacanda = r.json().at("/components/wacanda");
    assertThat(wacanda.get("status").asText()).isEqualTo("UP");
    assertThat(wacanda.at("/details/enabled").asInt()).isPositive();
    assertThat(wacanda.at("/details/states/connected").asInt()).isPositive();
  }

  @Test
  void inboxWorkersStepAsideWhileAsManyWacandaRequestsAsCoresAreInProgress() throws Exception {
    String id = createCustom("Ack first", "{}").path("id").asText();
    io.wacanda.TenantId shop = io.wacanda.TenantId.of("shop");
    byte[] body = "{\"action\":\"status\",\"integration_key\":\"none\"}"
        .getBytes(StandardCharsets.UTF_8);
    int cores = Runtime.getRuntime().availableProcessors();
    List<java.net.Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < cores; i++) {
        java.net.Socket socket = new java.net.Socket("localhost", port);
        sockets.add(socket);
        socket.setSoTimeout(10_000);
        // Headers and half the body: the endpoint now waits for the rest, in progress.
        java.io.OutputStream out = socket.getOutputStream();
        out.write(("POST /wacanda/external-api HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            + "application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
      }
      await().atMost(Duration.ofSeconds(10))
          .until(() -> endpoint.requestsInProgress() == cores);

      String eventId = wacanda.inbox().append(shop, id, List.of(
          new io.wacanda.channel.InboundEvent.Message(io.wacanda.channel.InboundMessage.text(
              "ack-first-1", "customer-1", "", Instant.now(), "Hello"))))
          .get(0).event().id();
      // Workers poll every 20 ms here: held for 300 ms, the event would long be answered.
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() ->
          events.find(shop, eventId).orElseThrow().status()
              == io.wacanda.inbox.EventStatus.PENDING);

      for (java.net.Socket socket : sockets) {
        socket.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
        socket.getOutputStream().flush();
        String statusLine = new String(socket.getInputStream().readNBytes(12),
            StandardCharsets.US_ASCII);
        assertThat(statusLine).isEqualTo("HTTP/1.1 401");
      }
      await().atMost(Duration.ofSeconds(10)).until(() ->
          events.find(shop, eventId).orElseThrow().status()
              == io.wacanda.inbox.EventStatus.PROCESSED);
    } finally {
      for (java.net.Socket socket : sockets) {
        socket.close();
      }
    }
    assertThat(endpoint.requestsInProgress()).isZero();
  }
}
