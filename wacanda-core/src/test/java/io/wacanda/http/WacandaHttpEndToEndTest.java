package io.wacanda.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.inbox.RetryPolicy;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.internal.Json;
import io.wacanda.rag.Document;
import io.wacanda.security.AdminPrincipal;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drives the external and admin APIs over real HTTP on loopback through the JDK binding. */
class WacandaHttpEndToEndTest {
  private static final String TOKEN_A = "admin-token-of-tenant-a";
  private static final String TOKEN_B = "admin-token-of-tenant-b";
  private static final TenantId A = TenantId.of("tenant-a");
  private static Wacanda wacanda;
  private static JdkHttpServerBinding server;
  private static WireMockServer receiver;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static String base;

  @BeforeAll
  static void start() {
    receiver = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    receiver.start();
    receiver.stubFor(post("/replies").willReturn(aResponse().withStatus(204)));
    receiver.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
    wacanda = Wacanda.builder()
        .secretKey("k1", SecretCipher.deriveKey("end-to-end-secret-that-is-long-enough"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.builder()
            .token(TOKEN_A, new AdminPrincipal(A, "ana"))
            .token(TOKEN_B, new AdminPrincipal(TenantId.of("tenant-b"), "bob")).build())
        .urlGuard(UrlGuard.builder().allowLoopback(true).build())
        .httpOptions(HttpOptions.builder().maxBodyBytes(4096).rateLimit(5, 5)
            .allowedOrigins(Set.of("https://console.example")).build())
        .inboxConfig(WebhookInbox.Config.defaults().withPollInterval(Duration.ofMillis(20))
            .withRetryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2)))
        .build();
    wacanda.rag().ingest(A, Document.of("returns", "Returns and refunds", "kb/returns.md",
        "text/markdown", "# Returns\n\nYou can return any item within 30 days of delivery for a "
            + "full refund, as long as it is unused and in its original packaging."));
    wacanda.rag().ingest(A, Document.of("shipping", "Shipping", "kb/shipping.md",
        "text/markdown", "# Shipping\n\nStandard delivery takes 3 to 5 working days. Express "
            + "delivery takes 1 to 2 working days."));
    wacanda.start();
    server = JdkHttpServerBinding.builder(wacanda.httpHandler()).port(0).build().start();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    wacanda.close();
    receiver.stop();
  }

  // ------------------------------------------------------------------ helpers

  record Reply(int status, JsonNode json, java.net.http.HttpHeaders headers) {}

  private static Reply call(String method, String path, String token, String body)
      throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    var res = http.send(b.build(), BodyHandlers.ofByteArray());
    JsonNode json = res.body().length == 0 ? null : Json.mapper().readTree(res.body());
    return new Reply(res.statusCode(), json, res.headers());
  }

  private static JsonNode createCustom(String token, String name, String settingsJson)
      throws Exception {
    Reply r = call("POST", "/admin/integrations", token,
        "{\"type\":\"custom\",\"name\":\"" + name + "\",\"settings\":" + settingsJson + "}");
    assertThat(r.status()).as(r.json().toString()).isEqualTo(201);
    return r.json().get("data");
  }

  private static String replyUrl() {
    return "http://127.0.0.1:" + receiver.port() + "/replies";
  }

  // ---------------------------------------------------------------- external API

  @Test
  void chatAnswersFromTheKnowledgeBaseWithSources() throws Exception {
    String key = createCustom(TOKEN_A, "Chat", "{}").get("api_key").asText();
    Reply r = call("POST", "/external-api", null, "{\"action\":\"chat\",\"integration_key\":\""
        + key + "\",\"sender_id\":\"user123\",\"sender_name\":\"John Doe\","
        + "\"message\":\"How many days do I have to return an item?\"}");
    assertThat(r.status()).isEqualTo(200);
    JsonNode data = r.json().get("data");
    assertThat(r.json().get("success").asBoolean()).isTrue();
    assertThat(data.get("session_id").asText()).isNotBlank();
    assertThat(data.get("response").asText()).contains("30 days");
    assertThat(data.get("handoff").asBoolean()).isFalse();
    assertThat(data.get("confidence").asDouble()).isBetween(0.0, 1.0);
    JsonNode source = data.get("sources").get(0);
    assertThat(source.get("source").asText()).isEqualTo("kb/returns.md");
    assertThat(source.get("title").asText()).isNotBlank();
    assertThat(source.get("text").asText()).contains("30 days");
    assertThat(source.get("score").asDouble()).isPositive();
  }

  @Test
  void webhookActionIsAcceptedStoredAndRepliedToOnceEvenWhenRepeated() throws Exception {
    JsonNode created = createCustom(TOKEN_A, "Async", "{\"webhook_url\":\"" + replyUrl() + "\"}");
    String key = created.get("api_key").asText();
    String body = "{\"action\":\"webhook\",\"integration_key\":\"" + key + "\","
        + "\"event_type\":\"message_received\",\"data\":{\"sender_id\":\"user-async\","
        + "\"message\":\"How long does express delivery take?\",\"platform\":\"whatwut\","
        + "\"message_id\":\"wh-1\"}}";
    Reply first = call("POST", "/external-api", null, body);
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.json().at("/data/event_id").asText()).startsWith("evt_");
    assertThat(first.json().at("/data/duplicate").asBoolean()).isFalse();
    Reply again = call("POST", "/external-api", null, body);
    assertThat(again.json().at("/data/duplicate").asBoolean()).isTrue();
    assertThat(again.json().at("/data/event_id").asText())
        .isEqualTo(first.json().at("/data/event_id").asText());

    List<LoggedRequest> replies = awaitReplies("user-async", 1);
    LoggedRequest reply = replies.get(0);
    JsonNode payload = Json.mapper().readTree(reply.getBody());
    assertThat(payload.at("/type").asText()).isEqualTo("message.reply");
    assertThat(payload.at("/data/text").asText()).contains("1 to 2 working days");
    // The receiver can verify the Standard Webhooks signature with the integration's secret.
    assertThat(reply.getHeader("webhook-id")).isEqualTo(payload.at("/data/idempotency_key").asText());
    assertThat(reply.getHeader("webhook-signature")).startsWith("v1,");
    assertThat(awaitReplies("user-async", 1)).hasSize(1);
  }

  private static List<LoggedRequest> awaitReplies(String recipient, int atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<LoggedRequest> found;
    do {
      found = receiver.findAll(postRequestedFor(urlEqualTo("/replies"))
          .withRequestBody(containing("\"recipient_id\":\"" + recipient + "\"")));
      if (found.size() >= atLeast) {
        return found;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    } while (System.nanoTime() < deadline);
    return found;
  }

  @Test
  void statusReportsTheIntegrationAndItsStatistics() throws Exception {
    String key = createCustom(TOKEN_A, "Status", "{}").get("api_key").asText();
    call("POST", "/external-api", null, "{\"action\":\"chat\",\"integration_key\":\"" + key
        + "\",\"sender_id\":\"s1\",\"message\":\"shipping time?\"}");
    Reply r = call("POST", "/external-api", null,
        "{\"action\":\"status\",\"integration_key\":\"" + key + "\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/data/status").asText()).isEqualTo("CONNECTED");
    assertThat(r.json().at("/data/stats/total_sessions").asLong()).isEqualTo(1);
    assertThat(r.json().at("/data/stats/total_messages").asLong()).isEqualTo(2);
    assertThat(r.json().at("/data/stats/api_calls").asLong()).isGreaterThanOrEqualTo(1);
  }

  // ----------------------------------------------------------------- bad input

  @Test
  void malformedJsonIs400AndChangesNothing() throws Exception {
    for (String bad : List.of("{not json", "[1,2]", "\"text\"", "")) {
      Reply r = call("POST", "/external-api", null, bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().get("success").asBoolean()).isFalse();
      assertThat(r.json().at("/error/code").asText()).isEqualTo("MALFORMED_JSON");
    }
  }

  @Test
  void duplicateFieldsAndTrailingContentAreMalformed() throws Exception {
    Reply twice = call("POST", "/external-api", null,
        "{\"action\":\"status\",\"action\":\"chat\",\"integration_key\":\"x\"}");
    assertThat(twice.status()).isEqualTo(400);
    assertThat(twice.json().at("/error/code").asText()).isEqualTo("MALFORMED_JSON");
    assertThat(twice.json().at("/error/message").asText()).contains("a field appears twice");

    Reply trailing = call("POST", "/external-api", null,
        "{\"action\":\"status\",\"integration_key\":\"x\"} {\"action\":\"chat\"}");
    assertThat(trailing.status()).isEqualTo(400);
    assertThat(trailing.json().at("/error/code").asText()).isEqualTo("MALFORMED_JSON");
    assertThat(trailing.json().at("/error/message").asText())
        .contains("there is more after the JSON value");
  }

  @Test
  void unknownOrMissingActionIs400() throws Exception {
    Reply r = call("POST", "/external-api", null, "{\"action\":\"explode\",\"integration_key\":\"x\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("UNKNOWN_ACTION");
    Reply missing = call("POST", "/external-api", null, "{\"integration_key\":\"x\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().at("/error/code").asText()).isEqualTo("INVALID_REQUEST");
  }

  @Test
  void badOrMissingKeyIs401() throws Exception {
    Reply r = call("POST", "/external-api", null,
        "{\"action\":\"chat\",\"integration_key\":\"wk_nope\",\"sender_id\":\"a\",\"message\":\"b\"}");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(call("POST", "/external-api", null, "{\"action\":\"status\"}").status())
        .isEqualTo(401);
  }

  @Test
  void missingFieldsAre400WithTheFieldNamed() throws Exception {
    String key = createCustom(TOKEN_A, "Fields", "{}").get("api_key").asText();
    Reply r = call("POST", "/external-api", null,
        "{\"action\":\"chat\",\"integration_key\":\"" + key + "\",\"sender_id\":\"a\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText()).contains("message");
  }

  @Test
  void theNulCharacterIs400NamingTheFieldAndChangesNothing() throws Exception {
    // PostgreSQL cannot store U+0000; it used to reach the database and come back as a 500
    assertUntypableTextRefused("\\u0000", "NUL character");
    Reply named = call("POST", "/admin/integrations", TOKEN_A,
        "{\"type\":\"custom\",\"name\":\"a\\u0000b\",\"settings\":{}}");
    assertThat(named.status()).isEqualTo(400);
    assertThat(named.json().at("/error/message").asText()).contains("'name'");
  }

  @Test
  void aLoneSurrogateIs400NamingTheFieldAndChangesNothing() throws Exception {
    // JSON's "\ud800" escape lets one through, but it is not text: PostgreSQL's driver stored it
    // as '?' and answers carried ill-formed Unicode.
    assertUntypableTextRefused("\\ud800", "unpaired surrogate");
    assertUntypableTextRefused("\\udc00", "unpaired surrogate");
    String key = createCustom(TOKEN_A, "Emoji", "{}").get("api_key").asText();
    Reply paired = call("POST", "/external-api", null, "{\"action\":\"chat\",\"integration_key\":\""
        + key + "\",\"sender_id\":\"u\",\"message\":\"hi \\ud83d\\ude00\"}");
    assertThat(paired.status()).isEqualTo(200); // a proper pair is an emoji, not an error
  }

  /**
   * Posts {@code escape} (as JSON writes it) inside each typed field of the external API's chat
   * and webhook actions, on a new integration: each is 400 naming the field, and the integration
   * has no session and no event afterwards.
   */
  private void assertUntypableTextRefused(String escape, String why) throws Exception {
    String key = createCustom(TOKEN_A, "Untypable", "{}").get("api_key").asText();
    for (String body : List.of(
        "{\"action\":\"chat\",\"integration_key\":\"" + key
            + "\",\"sender_id\":\"u" + escape + "x\",\"message\":\"hi\"}",
        "{\"action\":\"chat\",\"integration_key\":\"" + key
            + "\",\"sender_id\":\"u\",\"message\":\"hi " + escape + " there\"}",
        "{\"action\":\"webhook\",\"integration_key\":\"" + key
            + "\",\"data\":{\"sender_id\":\"u\",\"message\":\"x" + escape + "y\"}}",
        "{\"action\":\"webhook\",\"integration_key\":\"" + key
            + "\",\"data\":{\"sender_id\":\"u\",\"message\":\"x\",\"platform\":\"p" + escape
            + "\"}}")) {
      Reply r = call("POST", "/external-api", null, body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.json().at("/error/code").asText()).isEqualTo("INVALID_REQUEST");
      assertThat(r.json().at("/error/message").asText()).contains(why)
          .containsAnyOf("'sender_id'", "'message'", "'platform'");
    }
    Reply status = call("POST", "/external-api", null,
        "{\"action\":\"status\",\"integration_key\":\"" + key + "\"}");
    // A stored event would be waiting or in process (pending), dead (failed), or answered (a
    // session): none of the three.
    assertThat(status.json().at("/data/stats/total_sessions").asLong()).isZero();
    assertThat(status.json().at("/data/stats/webhook_events_pending").asLong()).isZero();
    assertThat(status.json().at("/data/stats/webhook_events_failed").asLong()).isZero();
  }

  @Test
  void bodiesPastJsonReadLimitsAre400SayingWhich() throws Exception {
    Reply deep = call("POST", "/external-api", null, "[".repeat(1500) + "]".repeat(1500));
    assertThat(deep.status()).isEqualTo(400);
    assertThat(deep.json().at("/error/code").asText()).isEqualTo("MALFORMED_JSON");
    assertThat(deep.json().at("/error/message").asText()).contains("nests deeper than 1000 levels")
        .doesNotContain("StreamReadConstraints");
    Reply number = call("POST", "/external-api", null,
        "{\"action\":\"status\",\"n\":1" + "0".repeat(1500) + "}");
    assertThat(number.status()).isEqualTo(400);
    assertThat(number.json().at("/error/message").asText())
        .contains("a number is longer than 1000 digits");
  }

  @Test
  void tooLargeBodiesAre413() throws Exception {
    Reply r = call("POST", "/external-api", null, "{\"action\":\"chat\",\"message\":\""
        + "x".repeat(5000) + "\"}");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
  }

  @Test
  void unknownIntegrationWebhookIs404() throws Exception {
    Reply r = call("POST", "/webhooks/int_doesnotexist", null, "{}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void badlySignedCustomWebhookIs401AndStoresNothing() throws Exception {
    JsonNode created = createCustom(TOKEN_A, "Signed", "{}");
    Reply r = call("POST", "/webhooks/" + created.get("id").asText(), null,
        "{\"type\":\"message.received\",\"data\":{\"sender_id\":\"x\",\"message\":\"hi\"}}");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("BAD_SIGNATURE");
    Reply stats = call("GET", "/admin/integrations/" + created.get("id").asText() + "/stats",
        TOKEN_A, null);
    assertThat(stats.json().at("/data/webhook_events_pending").asLong()).isZero();
  }

  @Test
  void overTheRateLimitIs429WithRetryAfter() throws Exception {
    String key = createCustom(TOKEN_A, "Limited", "{}").get("api_key").asText();
    String body = "{\"action\":\"status\",\"integration_key\":\"" + key + "\"}";
    Reply last = null;
    for (int i = 0; i < 12; i++) {
      last = call("POST", "/external-api", null, body);
      if (last.status() == 429) {
        break;
      }
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.json().at("/error/code").asText()).isEqualTo("RATE_LIMITED");
    assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(
        v -> assertThat(Integer.parseInt(v)).isPositive());
  }

  @Test
  void corsPreflightAllowsListedOriginsOnly() throws Exception {
    var allowed = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/admin/integrations"))
        .method("OPTIONS", BodyPublishers.noBody()).header("Origin", "https://console.example")
        .header("Access-Control-Request-Method", "POST").build(), BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isEqualTo(204);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://console.example");
    var denied = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/admin/integrations"))
        .method("OPTIONS", BodyPublishers.noBody()).header("Origin", "https://evil.example")
        .build(), BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void adminNeedsTheBearerToken() throws Exception {
    assertThat(call("GET", "/admin/integrations", null, null).status()).isEqualTo(401);
    assertThat(call("GET", "/admin/integrations", "wrong-token-entirely", null).status())
        .isEqualTo(401);
  }

  @Test
  void wrongMethodIs405() throws Exception {
    assertThat(call("GET", "/external-api", null, null).status()).isEqualTo(405);
  }

  // --------------------------------------------------------------------- admin

  @Test
  void templatesDescribeEveryTypeAsAForm() throws Exception {
    Reply r = call("GET", "/admin/templates", TOKEN_A, null);
    JsonNode custom = null;
    for (JsonNode t : r.json().get("data")) {
      if (t.get("type").asText().equals("custom")) {
        custom = t;
      }
    }
    assertThat(custom).isNotNull();
    assertThat(custom.get("fields")).anySatisfy(f -> {
      assertThat(f.get("name").asText()).isEqualTo("webhook_secret");
      assertThat(f.get("kind").asText()).isEqualTo("SECRET");
    });
  }

  @Test
  void integrationLifecycleOverTheAdminApi() throws Exception {
    JsonNode created = createCustom(TOKEN_A, "Lifecycle",
        "{\"webhook_url\":\"" + replyUrl() + "\",\"webhook_secret\":\""
            + StandardWebhooks.generateSecret() + "\"}");
    String id = created.get("id").asText();
    String key = created.get("api_key").asText();
    assertThat(created.get("webhook_url").asText()).endsWith("/webhooks/" + id);
    assertThat(created.toString()).doesNotContain("whsec_");

    Reply got = call("GET", "/admin/integrations/" + id, TOKEN_A, null);
    assertThat(got.json().at("/data/api_key").isMissingNode()).isTrue();
    assertThat(got.json().at("/data/secrets_configured").toString()).contains("webhook_secret");
    assertThat(got.json().toString()).doesNotContain("whsec_").doesNotContain(key);

    Reply renamed = call("PUT", "/admin/integrations/" + id, TOKEN_A, "{\"name\":\"Renamed\"}");
    assertThat(renamed.json().at("/data/name").asText()).isEqualTo("Renamed");

    assertThat(call("POST", "/admin/integrations/" + id + "/disable", TOKEN_A, null)
        .json().at("/data/enabled").asBoolean()).isFalse();
    Reply refused = call("POST", "/external-api", null,
        "{\"action\":\"status\",\"integration_key\":\"" + key + "\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(call("POST", "/admin/integrations/" + id + "/enable", TOKEN_A, null)
        .json().at("/data/enabled").asBoolean()).isTrue();

    String newKey = call("POST", "/admin/integrations/" + id + "/rotate-key", TOKEN_A, null)
        .json().at("/data/api_key").asText();
    assertThat(newKey).isNotEqualTo(key);
    assertThat(call("POST", "/external-api", null, "{\"action\":\"status\",\"integration_key\":\""
        + key + "\"}").status()).isEqualTo(401);
    assertThat(call("POST", "/external-api", null, "{\"action\":\"status\",\"integration_key\":\""
        + newKey + "\"}").status()).isEqualTo(200);

    assertThat(call("DELETE", "/admin/integrations/" + id, TOKEN_A, null).status()).isEqualTo(200);
    assertThat(call("GET", "/admin/integrations/" + id, TOKEN_A, null).status()).isEqualTo(404);
  }

  @Test
  void connectivityTestsAreRunKeptAndCounted() throws Exception {
    String healthUrl = "http://127.0.0.1:" + receiver.port() + "/health";
    String id = createCustom(TOKEN_A, "Tested", "{\"health_url\":\"" + healthUrl
        + "\",\"webhook_url\":\"" + replyUrl() + "\"}").get("id").asText();
    Reply test = call("POST", "/admin/integrations/" + id + "/test", TOKEN_A, null);
    assertThat(test.json().at("/data/passed").asBoolean()).as(test.json().toString()).isTrue();
    assertThat(test.json().at("/data/checks").size()).isEqualTo(2);
    receiver.verify(postRequestedFor(urlEqualTo("/replies"))
        .withHeader("webhook-signature", matching("v1,.+"))
        .withRequestBody(containing("wacanda.test")));
    Reply history = call("GET", "/admin/integrations/" + id + "/tests", TOKEN_A, null);
    assertThat(history.json().get("data").size()).isEqualTo(1);
    Reply stats = call("GET", "/admin/integrations/" + id + "/stats", TOKEN_A, null);
    assertThat(stats.json().at("/data/test_success_rate").asDouble()).isEqualTo(1.0);
  }

  @Test
  void refusesUrlsPointingAtPrivateNetworks() throws Exception {
    Reply r = call("POST", "/admin/integrations", TOKEN_A, "{\"type\":\"custom\",\"name\":\"x\","
        + "\"settings\":{\"webhook_url\":\"http://169.254.169.254/latest/meta-data\"}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("URL_NOT_ALLOWED");
  }

  @Test
  void rejectsUnknownTypesAndSettings() throws Exception {
    assertThat(call("POST", "/admin/integrations", TOKEN_A,
        "{\"type\":\"fax\",\"name\":\"x\"}").json().at("/error/message").asText())
        .contains("unknown integration type");
    assertThat(call("POST", "/admin/integrations", TOKEN_A,
        "{\"type\":\"custom\",\"name\":\"x\",\"settings\":{\"colour\":\"red\"}}")
        .json().at("/error/message").asText()).contains("colour");
  }

  @Test
  void tenantsNeverSeeEachOthersIntegrations() throws Exception {
    String id = createCustom(TOKEN_A, "Private", "{}").get("id").asText();
    assertThat(call("GET", "/admin/integrations/" + id, TOKEN_B, null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/admin/integrations/" + id, TOKEN_B, null).status()).isEqualTo(404);
    assertThat(call("GET", "/admin/integrations", TOKEN_B, null).json().get("data")).isEmpty();
    assertThat(call("GET", "/admin/integrations/" + id, TOKEN_A, null).status()).isEqualTo(200);
  }

  @Test
  void handoffQueueClaimReplyResolveOverTheAdminApi() throws Exception {
    JsonNode created = createCustom(TOKEN_A, "Handoff", "{\"webhook_url\":\"" + replyUrl() + "\"}");
    String key = created.get("api_key").asText();
    Reply chat = call("POST", "/external-api", null, "{\"action\":\"chat\",\"integration_key\":\""
        + key + "\",\"sender_id\":\"needs-human\",\"message\":\"I want to talk to a human\"}");
    assertThat(chat.json().at("/data/handoff").asBoolean()).isTrue();

    Reply open = call("GET", "/admin/handoffs?status=open", TOKEN_A, null);
    JsonNode request = null;
    for (JsonNode h : open.json().get("data")) {
      if (h.get("session_id").asText().equals(chat.json().at("/data/session_id").asText())) {
        request = h;
      }
    }
    assertThat(request).isNotNull();
    String hid = request.get("id").asText();
    assertThat(request.get("reason").asText()).isEqualTo("CUSTOMER_REQUEST");
    assertThat(call("GET", "/admin/handoffs", TOKEN_B, null).json().get("data")).isEmpty();

    Reply claimed = call("POST", "/admin/handoffs/" + hid + "/claim", TOKEN_A, null);
    assertThat(claimed.json().at("/data/assigned_agent").asText()).isEqualTo("ana");
    Reply replied = call("POST", "/admin/handoffs/" + hid + "/reply", TOKEN_A,
        "{\"text\":\"Hello, this is Ana.\"}");
    assertThat(replied.status()).as(replied.json().toString()).isEqualTo(200);
    assertThat(awaitReplies("needs-human", 1).get(0).getBodyAsString())
        .contains("Hello, this is Ana.");
    Reply resolved = call("POST", "/admin/handoffs/" + hid + "/resolve", TOKEN_A, null);
    assertThat(resolved.json().at("/data/status").asText()).isEqualTo("RESOLVED");
    assertThat(call("POST", "/admin/handoffs/" + hid + "/resolve", TOKEN_A, null).status())
        .isEqualTo(409);
  }

  @Test
  void errorsNeverLeakStackTraces() throws Exception {
    Reply r = call("POST", "/admin/integrations", TOKEN_A, "{\"type\":\"custom\",\"name\":"
        + "{\"nested\":true}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().toString()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void streamsTheTenantsOwnEventsAsServerSentEvents() throws Exception {
    var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
    var otherTenant = new java.util.concurrent.LinkedBlockingQueue<String>();
    var streamA = http.sendAsync(java.net.http.HttpRequest.newBuilder(
            URI.create(base + "/admin/events")).header("Authorization", "Bearer " + TOKEN_A).build(),
        BodyHandlers.ofLines());
    var streamB = http.sendAsync(java.net.http.HttpRequest.newBuilder(
            URI.create(base + "/admin/events")).header("Authorization", "Bearer " + TOKEN_B).build(),
        BodyHandlers.ofLines());
    var resA = streamA.get(10, TimeUnit.SECONDS);
    var resB = streamB.get(10, TimeUnit.SECONDS);
    assertThat(resA.statusCode()).isEqualTo(200);
    assertThat(resA.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/event-stream"));
    Thread reader = new Thread(() -> resA.body().forEach(lines::add));
    Thread readerB = new Thread(() -> resB.body().forEach(otherTenant::add));
    reader.setDaemon(true);
    readerB.setDaemon(true);
    reader.start();
    readerB.start();
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");

    String id = createCustom(TOKEN_A, "Streamed", "{}").get("id").asText();
    call("POST", "/admin/integrations/" + id + "/disable", TOKEN_A, null);
    assertThat(awaitLine(lines, "data: ", "\"integrationId\":\"" + id + "\""))
        .contains("\"state\":\"CONNECTED\"");
    assertThat(awaitLine(lines, "data: ", "\"integrationId\":\"" + id + "\""))
        .contains("\"state\":\"DISCONNECTED\"");
    assertThat(otherTenant.stream().filter(l -> l.contains(id))).isEmpty();
    assertThat(call("GET", "/admin/events", null, null).status()).isEqualTo(401);
  }

  private static String awaitLine(java.util.concurrent.BlockingQueue<String> lines, String prefix,
      String needle) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix) && line.contains(needle)) {
        return line;
      }
    }
    throw new AssertionError("no event line containing " + needle);
  }
}
