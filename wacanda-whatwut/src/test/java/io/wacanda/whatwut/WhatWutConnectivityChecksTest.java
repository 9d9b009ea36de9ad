package io.wacanda.whatwut;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.IntegrationSettings;
import io.wacanda.integration.TestCheck;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.security.UrlGuard;
import io.wacanda.testing.MutableClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code whatwut} connectivity test against a WireMock fake: the happy path and every failure
 * path (timeout, refused connection, 401, 5xx, unknown host, blocked private address, slow server),
 * each asserting that no secret appears in any message.
 */
class WhatWutConnectivityChecksTest {
  private static final OpenApiDocument DOC = OpenApiDocument.get();
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private static WireMockServer whatwut;

  @BeforeAll
  static void startServer() {
    whatwut = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    whatwut.start();
  }

  @AfterAll
  static void stopServer() {
    whatwut.stop();
  }

  @BeforeEach
  void start() {
    whatwut.resetAll();
  }

  private String base() {
    return "http://127.0.0.1:" + whatwut.port() + "/v1";
  }

  private void healthyApi() {
    whatwut.stubFor(get("/v1/me").willReturn(json(200,
        DOC.responseExample("/me", "get", "200"))));
    whatwut.stubFor(get("/v1/instances/inst_42").willReturn(json(200,
        DOC.responseExample("/instances/{instance_id}", "get", "200"))));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status,
      String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private List<TestCheck> run(Map<String, String> settings, UrlGuard guard, Duration timeout) {
    return run(TestContexts.whatwut(settings, guard, clock, new TestContexts.RecordingEvents()),
        timeout);
  }

  /** Runs the test and asserts what every result must satisfy: no secret in any message. */
  private static List<TestCheck> run(ChannelContext context, Duration timeout) {
    List<TestCheck> checks = WhatWutIntegrationProvider.builder().requestTimeout(timeout).build()
        .connectivityTest().run(context);
    assertThat(checks).isNotEmpty();
    for (TestCheck c : checks) {
      assertThat(c.message()).isNotBlank()
          .doesNotContain(TestContexts.API_KEY)
          .doesNotContain(TestContexts.WEBHOOK_SECRET)
          .doesNotContain(TestContexts.WEBHOOK_SECRET.substring("whsec_".length()));
      assertThat(c.latency().isNegative()).isFalse();
    }
    return checks;
  }

  private static TestCheck check(List<TestCheck> checks, String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
        new AssertionError("no check " + name + " in " + checks));
  }

  @Test
  void passesWhenTheKeyIsValidAndTheInstanceActive() {
    healthyApi();

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(checks).extracting(TestCheck::name).containsExactly("api_key", "instance");
    assertThat(checks).allMatch(TestCheck::passed);
    assertThat(check(checks, "api_key").message()).isEqualTo("API key accepted (account acc_7Q2M)");
    assertThat(check(checks, "instance").message()).isEqualTo("instance inst_42 is active");
    LoggedRequest me = whatwut.findAll(getRequestedFor(urlEqualTo("/v1/me"))).get(0);
    assertThat(me.getHeader("Authorization")).isEqualTo("Bearer " + TestContexts.API_KEY);
  }

  @Test
  void checksTheReplyWebhookWithASignedTestEventWhenOneIsSet() {
    healthyApi();
    whatwut.stubFor(post("/hooks/replies").willReturn(aResponse().withStatus(204)));
    Map<String, String> settings = TestContexts.settings(base());
    settings.put("webhook_url", "http://127.0.0.1:" + whatwut.port() + "/hooks/replies");

    List<TestCheck> checks = run(settings, TestContexts.loopbackGuard(), Duration.ofSeconds(5));

    assertThat(checks).extracting(TestCheck::name)
        .containsExactly("api_key", "instance", "webhook_url");
    assertThat(checks).allMatch(TestCheck::passed);
    LoggedRequest test = whatwut.findAll(postRequestedFor(urlEqualTo("/hooks/replies"))).get(0);
    StandardWebhooks.of(TestContexts.WEBHOOK_SECRET, clock).verify(test.getHeader("webhook-id"),
        test.getHeader("webhook-timestamp"), test.getHeader("webhook-signature"), test.getBody());
    assertThat(test.getBodyAsString()).contains("\"type\":\"wacanda.test\"");
    assertThat(DOC.validate("OutboundEvent", test.getBodyAsString())).isEmpty();
  }

  @Test
  void rejectedKeyFailsAndSkipsTheInstanceCheck() {
    whatwut.stubFor(get("/v1/me").willReturn(json(401,
        DOC.sharedResponseExample("Unauthorized"))));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").passed()).isFalse();
    assertThat(check(checks, "api_key").message()).contains("401", "api_key");
    assertThat(check(checks, "instance").passed()).isFalse();
    assertThat(check(checks, "instance").message()).contains("not checked");
    assertThat(whatwut.findAll(getRequestedFor(urlEqualTo("/v1/instances/inst_42")))).isEmpty();
  }

  @Test
  void aServerEchoingTheKeyCannotLeakItIntoTheResult() {
    whatwut.stubFor(get("/v1/me").willReturn(json(401, "{\"error\":{\"code\":\""
        + TestContexts.API_KEY + "\",\"message\":\"bad key " + TestContexts.API_KEY + "\"}}")));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").message()).contains("401");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503})
  void serverErrorFailsTheCheckNamingTheStatus(int status) {
    whatwut.stubFor(get("/v1/me").willReturn(json(status, DOC.sharedResponseExample("Error"))));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").passed()).isFalse();
    assertThat(check(checks, "api_key").message()).contains(Integer.toString(status));
  }

  @Test
  void missingInstanceFails() {
    whatwut.stubFor(get("/v1/me").willReturn(json(200, DOC.responseExample("/me", "get", "200"))));
    whatwut.stubFor(get("/v1/instances/inst_42").willReturn(json(404,
        DOC.sharedResponseExample("NotFound"))));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").passed()).isTrue();
    assertThat(check(checks, "instance").passed()).isFalse();
    assertThat(check(checks, "instance").message()).contains("404", "instance inst_42 not found");
  }

  @Test
  void inactiveInstanceFailsSayingItsStatus() {
    whatwut.stubFor(get("/v1/me").willReturn(json(200, DOC.responseExample("/me", "get", "200"))));
    whatwut.stubFor(get("/v1/instances/inst_42").willReturn(json(200,
        "{\"id\":\"inst_42\",\"status\":\"suspended\"}")));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "instance").passed()).isFalse();
    assertThat(check(checks, "instance").message())
        .isEqualTo("instance inst_42 is suspended; it must be active to send and receive");
  }

  @Test
  void serverThatDoesNotAnswerInTimeFails() {
    whatwut.stubFor(get("/v1/me").willReturn(json(200, DOC.responseExample("/me", "get", "200"))
        .withFixedDelay(1_000)));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofMillis(250));

    assertThat(check(checks, "api_key").passed()).isFalse();
    assertThat(check(checks, "api_key").message()).contains("within 250 ms");
  }

  @Test
  void hostThatDoesNotAcceptConnectionsFails() throws Exception {
    try (UnacceptingListener dead = new UnacceptingListener()) {
      HttpClient impatient = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(250))
          .build();
      ChannelContext base = TestContexts.whatwut(
          TestContexts.settings("http://127.0.0.1:" + dead.port() + "/v1"),
          TestContexts.loopbackGuard(), clock, new TestContexts.RecordingEvents());
      ChannelContext context = new ChannelContext(base.integration(), base.settings(),
          base.webhookUrl(), impatient, clock, base.urlGuard(), base.events());

      List<TestCheck> checks = run(context, Duration.ofSeconds(5));

      assertThat(check(checks, "api_key").passed()).isFalse();
      assertThat(check(checks, "api_key").message()).contains("did not accept a connection",
          "within 250 ms");
    }
  }

  @Test
  void refusedConnectionFails() {
    String url = "http://127.0.0.1:" + TestContexts.closedPort() + "/v1";

    List<TestCheck> checks = run(TestContexts.settings(url), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").message()).contains("refused the connection");
  }

  @Test
  void unknownHostFails() {
    List<TestCheck> checks = run(TestContexts.settings("https://api.whatwut.invalid/v1"),
        TestContexts.unknownHostGuard(), Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").passed()).isFalse();
    assertThat(check(checks, "api_key").message())
        .isEqualTo("host does not resolve: api.whatwut.invalid");
  }

  @Test
  void hostResolvingToAPrivateAddressIsBlocked() {
    List<TestCheck> checks = run(TestContexts.settings("https://internal.whatwut.example/v1"),
        TestContexts.privateAddressGuard(), Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").passed()).isFalse();
    assertThat(check(checks, "api_key").message())
        .contains("internal.whatwut.example", "private address", "not allowed");
  }

  @Test
  void loopbackIsBlockedByTheStrictGuard() {
    healthyApi();

    List<TestCheck> checks = run(TestContexts.settings(base()), UrlGuard.strict(),
        Duration.ofSeconds(5));

    assertThat(check(checks, "api_key").message()).contains("loopback", "not allowed");
    assertThat(whatwut.getAllServeEvents()).isEmpty();
  }

  @Test
  void slowServerWithinTheTimeoutPassesAndItsLatencyIsRecorded() {
    whatwut.stubFor(get("/v1/me").willReturn(json(200, DOC.responseExample("/me", "get", "200"))
        .withFixedDelay(300)));
    whatwut.stubFor(get("/v1/instances/inst_42").willReturn(json(200,
        DOC.responseExample("/instances/{instance_id}", "get", "200"))));

    List<TestCheck> checks = run(TestContexts.settings(base()), TestContexts.loopbackGuard(),
        Duration.ofSeconds(5));

    assertThat(checks).allMatch(TestCheck::passed);
    assertThat(check(checks, "api_key").latency()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 410, 500})
  void replyWebhookRefusingTheTestEventFails(int status) {
    healthyApi();
    whatwut.stubFor(post("/hooks/replies").willReturn(aResponse().withStatus(status)));
    Map<String, String> settings = TestContexts.settings(base());
    settings.put("webhook_url", "http://127.0.0.1:" + whatwut.port() + "/hooks/replies");

    List<TestCheck> checks = run(settings, TestContexts.loopbackGuard(), Duration.ofSeconds(5));

    assertThat(check(checks, "webhook_url").passed()).isFalse();
    assertThat(check(checks, "webhook_url").message()).contains(Integer.toString(status));
  }

  @Test
  void slowReplyWebhookTimesOut() {
    healthyApi();
    whatwut.stubFor(post("/hooks/replies").willReturn(aResponse().withStatus(204)
        .withFixedDelay(1_000)));
    Map<String, String> settings = TestContexts.settings(base());
    settings.put("webhook_url", "http://127.0.0.1:" + whatwut.port() + "/hooks/replies");

    List<TestCheck> checks = run(settings, TestContexts.loopbackGuard(), Duration.ofMillis(250));

    assertThat(check(checks, "webhook_url").passed()).isFalse();
    assertThat(check(checks, "webhook_url").message()).contains("within 250 ms");
  }

  @Test
  void missingSettingsFailAsConfiguration() {
    ChannelContext context = TestContexts.whatwut(Map.of("instance_id", "inst_42"),
        TestContexts.loopbackGuard(), clock, new TestContexts.RecordingEvents());
    ChannelContext bare = new ChannelContext(context.integration(),
        IntegrationSettings.of(Map.of("instance_id", "inst_42")), context.webhookUrl(),
        context.httpClient(), clock, context.urlGuard(), context.events());

    List<TestCheck> checks = run(bare, Duration.ofSeconds(1));

    assertThat(checks).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("configuration");
      assertThat(c.passed()).isFalse();
      assertThat(c.message()).contains("api_base_url");
    });
  }
}
