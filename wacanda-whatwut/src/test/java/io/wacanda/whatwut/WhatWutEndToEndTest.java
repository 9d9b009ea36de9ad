package io.wacanda.whatwut;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.RetryPolicy;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wacanda wired like the quickstart (JDK server, embedded defaults, providers found on the class
 * path, the URL guard allowing loopback), a WhatWut integration created through the admin API
 * whose {@code api_base_url} points at a WireMock fake on loopback, and customer messages posted
 * through the external API and as signed webhooks.
 */
class WhatWutEndToEndTest {
  private static final String ADMIN = "e2e-admin-token-0123456789";
  private static final TenantId TENANT = TenantId.of("demo");
  private static final OpenApiDocument DOC = OpenApiDocument.get();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final AtomicInteger prefixes = new AtomicInteger();
  private static final InMemoryWebhookEventStore events = new InMemoryWebhookEventStore();
  private static WireMockServer whatwut;
  private static Wacanda wacanda;
  private static JdkHttpServerBinding server;
  private static String base;

  @BeforeAll
  static void start() {
    whatwut = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    whatwut.start();
    wacanda = Wacanda.builder()
        .secretKey("quickstart", SecretCipher.deriveKey("end-to-end-secret-that-is-long-enough"))
        .ragEngine(DefaultRagEngine.builder().build())
        .adminAuthenticator(StaticTokenAdminAuthenticator.of(ADMIN, TENANT))
        .publicBaseUrl("http://localhost:8080")
        .urlGuard(UrlGuard.builder().allowLoopback(true).build())
        .webhookEventStore(events)
        .inboxConfig(WebhookInbox.Config.defaults().withPollInterval(Duration.ofMillis(20))
            .withRetryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(2), 2)))
        .build();
    wacanda.rag().ingest(TENANT, Document.of("shipping", "Shipping", "kb/shipping.md",
        "text/markdown", "# Shipping\n\nStandard delivery takes 3 to 5 working days. Express "
            + "delivery takes 1 to 2 working days. Orders placed before noon ship the same day."));
    wacanda.rag().ingest(TENANT, Document.of("returns", "Returns", "kb/returns.md",
        "text/markdown", "# Returns\n\nYou can return any item within 30 days of delivery for a "
            + "full refund, as long as it is unused and in its original packaging."));
    wacanda.start();
    server = JdkHttpServerBinding.builder(wacanda.httpHandler()).port(0).build().start();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    wacanda.close();
    whatwut.stop();
  }

  // ------------------------------------------------------------------ helpers

  record Reply(int status, JsonNode json, String raw) {}

  private static Reply call(String method, String path, String token, String body)
      throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    var res = http.send(b.build(), BodyHandlers.ofString());
    JsonNode json = res.body().isEmpty() ? null : OpenApiDocument.JSON.readTree(res.body());
    return new Reply(res.statusCode(), json, res.body());
  }

  /** A WhatWut account on the fake under its own path prefix, so tests do not share stubs. */
  record Account(String prefix, String apiBaseUrl) {
    String sendPath() {
      return prefix + "/instances/inst_42/messages";
    }
  }

  private static Account account() {
    String prefix = "/acct" + prefixes.incrementAndGet() + "/v1";
    return new Account(prefix, "http://127.0.0.1:" + whatwut.port() + prefix);
  }

  private static void acceptSends(Account a) {
    whatwut.stubFor(post(a.sendPath()).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(DOC.responseExample("/instances/{instance_id}/messages", "post", "201"))));
  }

  /** Creates a whatwut integration through the admin API; returns the created data. */
  private static JsonNode createWhatWut(Account a, String extraSettings) throws Exception {
    Reply r = call("POST", "/admin/integrations", ADMIN, "{\"type\":\"whatwut\",\"name\":"
        + "\"WhatWut support\",\"settings\":{\"api_key\":\"" + TestContexts.API_KEY + "\","
        + "\"instance_id\":\"inst_42\",\"api_base_url\":\"" + a.apiBaseUrl() + "\""
        + extraSettings + "}}");
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    assertThat(r.raw()).doesNotContain(TestContexts.API_KEY);
    return r.json().get("data");
  }

  private static String webhookAction(String key, String sender, String messageId, String text) {
    return "{\"action\":\"webhook\",\"integration_key\":\"" + key + "\","
        + "\"event_type\":\"message_received\",\"data\":{\"sender_id\":\"" + sender + "\","
        + "\"sender_name\":\"Ana Souza\",\"message\":\"" + text + "\","
        + "\"platform\":\"whatwut\",\"message_id\":\"" + messageId + "\"}}";
  }

  private static List<LoggedRequest> sends(Account a) {
    return whatwut.findAll(postRequestedFor(urlEqualTo(a.sendPath())));
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

  private static List<WebhookEvent> eventsOf(String integrationId, Optional<EventStatus> s) {
    return events.list(TENANT, integrationId, s, 50);
  }

  private static void awaitSettled(String integrationId) {
    await("events of " + integrationId + " to settle", () -> {
      List<WebhookEvent> all = eventsOf(integrationId, Optional.empty());
      return !all.isEmpty() && all.stream().allMatch(e -> e.status() == EventStatus.PROCESSED
          || e.status() == EventStatus.DEAD);
    });
  }

  // -------------------------------------------------------------------- tests

  @Test
  void webhookActionIsAnsweredBySendingToWhatWutExactlyOnce() throws Exception {
    Account a = account();
    acceptSends(a);
    JsonNode created = createWhatWut(a, "");
    String id = created.get("id").asText();
    String key = created.get("api_key").asText();
    String body = webhookAction(key, "u_5511987654321", "wwm_in_77",
        "How long does express delivery take?");

    Reply first = call("POST", "/external-api", null, body);
    Reply again = call("POST", "/external-api", null, body);

    assertThat(first.status()).as(first.raw()).isEqualTo(202);
    assertThat(first.json().at("/data/duplicate").asBoolean()).isFalse();
    assertThat(first.json().at("/data/platform").asText()).isEqualTo("whatwut");
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().at("/data/duplicate").asBoolean()).isTrue();
    await("a send to WhatWut", () -> !sends(a).isEmpty());
    awaitSettled(id);
    List<LoggedRequest> sent = sends(a);
    assertThat(sent).hasSize(1);
    LoggedRequest send = sent.get(0);
    assertThat(send.getHeader("Authorization")).isEqualTo("Bearer " + TestContexts.API_KEY);
    assertThat(send.getHeader("Idempotency-Key")).isEqualTo("out:" + id + ":wwm_in_77:0");
    JsonNode json = OpenApiDocument.JSON.readTree(send.getBodyAsString());
    assertThat(json.get("to").asText()).isEqualTo("u_5511987654321");
    assertThat(json.get("text").asText()).contains("1 to 2 working days");
    assertThat(DOC.validate("SendMessageRequest", json)).isEmpty();
    assertThat(eventsOf(id, Optional.of(EventStatus.PROCESSED))).hasSize(1);
  }

  @Test
  void chatActionAnswersInTheResponseAndSendsNothing() throws Exception {
    Account a = account();
    acceptSends(a);
    String key = createWhatWut(a, "").get("api_key").asText();

    Reply r = call("POST", "/external-api", null, "{\"action\":\"chat\",\"integration_key\":\""
        + key + "\",\"sender_id\":\"u_chat\",\"message\":\"How many days do I have to return "
        + "an item?\"}");

    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.json().at("/data/response").asText()).contains("30 days");
    assertThat(sends(a)).isEmpty();
  }

  @Test
  void signedEventPostedToTheWebhookUrlIsAnsweredAndTheSameMessageViaTheApiIsADuplicate()
      throws Exception {
    Account a = account();
    acceptSends(a);
    String secret = StandardWebhooks.generateSecret();
    JsonNode created = createWhatWut(a, ",\"webhook_secret\":\"" + secret + "\"");
    String id = created.get("id").asText();
    String event = "{\"type\":\"message.received\",\"timestamp\":\"2026-11-24T10:00:00Z\","
        + "\"data\":{\"instance_id\":\"inst_42\",\"message_id\":\"wwm_in_500\","
        + "\"sender_id\":\"u_direct\",\"type\":\"text\","
        + "\"text\":\"How long does standard delivery take?\"}}";
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
    var post = java.net.http.HttpRequest.newBuilder(URI.create(base + "/webhooks/" + id))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(BodyPublishers.ofByteArray(bytes));
    StandardWebhooks.of(secret, Clock.systemUTC()).headers("evt_direct_1", bytes)
        .forEach(post::header);

    var res = http.send(post.build(), BodyHandlers.ofString());
    Reply viaApi = call("POST", "/external-api", null, webhookAction(
        created.get("api_key").asText(), "u_direct", "wwm_in_500", "same message again"));

    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    assertThat(viaApi.json().at("/data/duplicate").asBoolean()).isTrue();
    await("a send to WhatWut", () -> !sends(a).isEmpty());
    awaitSettled(id);
    assertThat(sends(a)).hasSize(1);
    assertThat(sends(a).get(0).getBodyAsString()).contains("\"to\":\"u_direct\"",
        "3 to 5 working days");

    var unsigned = java.net.http.HttpRequest.newBuilder(URI.create(base + "/webhooks/" + id))
        .timeout(Duration.ofSeconds(10)).POST(BodyPublishers.ofByteArray(bytes)).build();
    assertThat(http.send(unsigned, BodyHandlers.ofString()).statusCode()).isEqualTo(401);
  }

  @Test
  void rateLimitedSendIsRetriedWithTheSameIdempotencyKeyAndDeliveredOnce() throws Exception {
    Account a = account();
    whatwut.stubFor(post(a.sendPath()).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
            .withHeader("Content-Type", "application/json")
            .withBody(DOC.sharedResponseExample("TooManyRequests")))
        .willSetStateTo("calm"));
    whatwut.stubFor(post(a.sendPath()).inScenario("busy").whenScenarioStateIs("calm")
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody(DOC.responseExample("/instances/{instance_id}/messages", "post", "201"))));
    JsonNode created = createWhatWut(a, "");
    String id = created.get("id").asText();

    call("POST", "/external-api", null, webhookAction(created.get("api_key").asText(), "u_busy",
        "wwm_in_900", "How long does express delivery take?"));

    await("the retried send", () -> sends(a).size() >= 2);
    awaitSettled(id);
    List<LoggedRequest> sent = sends(a);
    assertThat(sent).hasSize(2);
    assertThat(sent).extracting(r -> r.getHeader("Idempotency-Key"))
        .containsOnly("out:" + id + ":wwm_in_900:0");
    WebhookEvent done = eventsOf(id, Optional.empty()).get(0);
    assertThat(done.status()).isEqualTo(EventStatus.PROCESSED);
    assertThat(done.attempts()).isEqualTo(2);
  }

  @Test
  void refusedKeyDeadLettersTheEventWithTheErrorAndMarksTheIntegration() throws Exception {
    Account a = account();
    whatwut.stubFor(post(a.sendPath()).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody(DOC.sharedResponseExample("Unauthorized"))));
    JsonNode created = createWhatWut(a, "");
    String id = created.get("id").asText();

    call("POST", "/external-api", null, webhookAction(created.get("api_key").asText(), "u_dead",
        "wwm_in_401", "How long does express delivery take?"));

    await("the event to die", () -> !eventsOf(id, Optional.of(EventStatus.DEAD)).isEmpty());
    WebhookEvent dead = eventsOf(id, Optional.of(EventStatus.DEAD)).get(0);
    assertThat(dead.attempts()).isEqualTo(1);
    assertThat(dead.lastError()).contains("CHANNEL_ERROR", "401", "api_key")
        .doesNotContain(TestContexts.API_KEY);
    assertThat(sends(a)).hasSize(1);
    Reply stats = call("GET", "/admin/integrations/" + id + "/stats", ADMIN, null);
    assertThat(stats.json().at("/data/webhook_events_failed").asLong()).isEqualTo(1);
    await("the integration to show the error", () -> {
      try {
        return call("GET", "/admin/integrations/" + id, ADMIN, null).json()
            .at("/data/status/state").asText().equals("ERROR");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    Reply view = call("GET", "/admin/integrations/" + id, ADMIN, null);
    assertThat(view.json().at("/data/status/message").asText()).contains("401");
    assertThat(view.raw()).doesNotContain(TestContexts.API_KEY);
  }

  @Test
  void connectivityTestsOfWhatWutAreStoredAndCountInTheSuccessRate() throws Exception {
    Account a = account();
    whatwut.stubFor(get(a.prefix() + "/me").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(DOC.responseExample("/me", "get", "200"))));
    whatwut.stubFor(get(a.prefix() + "/instances/inst_42").inScenario("instance")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody(DOC.responseExample("/instances/{instance_id}", "get", "200")))
        .willSetStateTo("suspended"));
    whatwut.stubFor(get(a.prefix() + "/instances/inst_42").inScenario("instance")
        .whenScenarioStateIs("suspended").willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"id\":\"inst_42\",\"status\":\"suspended\"}")));
    String id = createWhatWut(a, "").get("id").asText();

    Reply passed = call("POST", "/admin/integrations/" + id + "/test", ADMIN, null);
    Reply failed = call("POST", "/admin/integrations/" + id + "/test", ADMIN, null);
    Reply history = call("GET", "/admin/integrations/" + id + "/tests", ADMIN, null);
    Reply stats = call("GET", "/admin/integrations/" + id + "/stats", ADMIN, null);

    assertThat(passed.json().at("/data/passed").asBoolean()).as(passed.raw()).isTrue();
    assertThat(passed.json().at("/data/checks/0/name").asText()).isEqualTo("api_key");
    assertThat(passed.json().at("/data/checks/1/message").asText())
        .isEqualTo("instance inst_42 is active");
    assertThat(failed.json().at("/data/passed").asBoolean()).isFalse();
    assertThat(failed.json().at("/data/checks/1/message").asText()).contains("suspended");
    assertThat(history.json().get("data")).hasSize(2);
    assertThat(history.json().at("/data/0/id").asText())
        .isEqualTo(failed.json().at("/data/id").asText());
    assertThat(history.json().at("/data/0/checks/0/latency_ms").isNumber()).isTrue();
    assertThat(stats.json().at("/data/tests_run").asLong()).isEqualTo(2);
    assertThat(stats.json().at("/data/test_success_rate").asDouble()).isEqualTo(0.5);
    for (Reply r : List.of(passed, failed, history, stats)) {
      assertThat(r.raw()).doesNotContain(TestContexts.API_KEY);
    }
  }

  @Test
  void connectivityTestsOfTheCustomTypeAreStoredAndCountInTheSuccessRate() throws Exception {
    String prefix = "/custom" + prefixes.incrementAndGet();
    whatwut.stubFor(get(prefix + "/health").inScenario(prefix)
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(200))
        .willSetStateTo("down"));
    whatwut.stubFor(get(prefix + "/health").inScenario(prefix).whenScenarioStateIs("down")
        .willReturn(aResponse().withStatus(503)));
    whatwut.stubFor(post(prefix + "/replies").willReturn(aResponse().withStatus(204)));
    String secret = StandardWebhooks.generateSecret();
    String hostUrl = "http://127.0.0.1:" + whatwut.port() + prefix;
    Reply created = call("POST", "/admin/integrations", ADMIN, "{\"type\":\"custom\",\"name\":"
        + "\"Custom\",\"settings\":{\"health_url\":\"" + hostUrl + "/health\",\"webhook_url\":\""
        + hostUrl + "/replies\",\"webhook_secret\":\"" + secret + "\"}}");
    String id = created.json().at("/data/id").asText();

    Reply passed = call("POST", "/admin/integrations/" + id + "/test", ADMIN, null);
    Reply failed = call("POST", "/admin/integrations/" + id + "/test", ADMIN, null);
    Reply history = call("GET", "/admin/integrations/" + id + "/tests", ADMIN, null);
    Reply stats = call("GET", "/admin/integrations/" + id + "/stats", ADMIN, null);

    assertThat(passed.json().at("/data/passed").asBoolean()).as(passed.raw()).isTrue();
    assertThat(failed.json().at("/data/passed").asBoolean()).isFalse();
    assertThat(failed.json().at("/data/checks/0/message").asText()).isEqualTo("answered 503");
    assertThat(history.json().get("data")).hasSize(2);
    assertThat(stats.json().at("/data/test_success_rate").asDouble()).isEqualTo(0.5);
    for (Reply r : List.of(created, passed, failed, history, stats)) {
      assertThat(r.raw()).doesNotContain(secret).doesNotContain(secret.substring(6));
    }
  }
}
