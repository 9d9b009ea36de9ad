package io.wacanda.whatwut;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.TestCheck;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.security.UrlGuard;
import io.wacanda.testing.MutableClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Core's {@code custom} connectivity test (health URL answers 2xx; the reply URL accepts a signed
 * test payload), run through its public provider against WireMock, failure paths included. Every
 * result is checked for the signing secret.
 */
class CustomConnectivityChecksTest {
  private static final String SECRET = "whsec_C2VjcmV0LW9mLXRoZS1jdXN0b20tdHlwZS0xMjM0";
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private static WireMockServer host;

  @BeforeAll
  static void startServer() {
    host = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    host.start();
  }

  @AfterAll
  static void stopServer() {
    host.stop();
  }

  @BeforeEach
  void start() {
    host.resetAll();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + host.port() + path;
  }

  private Map<String, String> settings(String healthUrl, String webhookUrl) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("webhook_secret", SECRET);
    if (healthUrl != null) {
      s.put("health_url", healthUrl);
    }
    if (webhookUrl != null) {
      s.put("webhook_url", webhookUrl);
    }
    return s;
  }

  private ChannelContext context(Map<String, String> settings, UrlGuard guard, HttpClient client) {
    ChannelContext c = TestContexts.context("custom", settings, Set.of("webhook_secret"), guard,
        clock, new TestContexts.RecordingEvents());
    return new ChannelContext(c.integration(), c.settings(), c.webhookUrl(), client, clock, guard,
        c.events());
  }

  private List<TestCheck> run(Map<String, String> settings, UrlGuard guard) {
    return run(context(settings, guard, TestContexts.CLIENT));
  }

  /** Runs core's custom test; asserts the secret is in no message. */
  private static List<TestCheck> run(ChannelContext context) {
    List<TestCheck> checks = new CustomIntegrationProvider().connectivityTest().run(context);
    assertThat(checks).isNotEmpty();
    for (TestCheck c : checks) {
      assertThat(c.message()).isNotBlank().doesNotContain(SECRET)
          .doesNotContain(SECRET.substring("whsec_".length()));
      assertThat(c.latency().isNegative()).isFalse();
    }
    return checks;
  }

  private static TestCheck check(List<TestCheck> checks, String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
        new AssertionError("no check " + name + " in " + checks));
  }

  @Test
  void passesWhenHealthAnswers2xxAndTheReplyUrlAcceptsTheSignedPayload() {
    host.stubFor(get("/health").willReturn(aResponse().withStatus(204)));
    host.stubFor(post("/replies").willReturn(aResponse().withStatus(200)));

    List<TestCheck> checks = run(settings(url("/health"), url("/replies")),
        TestContexts.loopbackGuard());

    assertThat(checks).extracting(TestCheck::name).containsExactly("health_url", "webhook_url");
    assertThat(checks).allMatch(TestCheck::passed);
    LoggedRequest test = host.findAll(postRequestedFor(urlEqualTo("/replies"))).get(0);
    StandardWebhooks.of(SECRET, clock).verify(test.getHeader("webhook-id"),
        test.getHeader("webhook-timestamp"), test.getHeader("webhook-signature"), test.getBody());
    assertThat(test.getBodyAsString()).contains("\"type\":\"wacanda.test\"");
  }

  @Test
  void withoutUrlsThereIsNothingToReachAndTheTestSaysSo() {
    List<TestCheck> checks = run(settings(null, null), TestContexts.loopbackGuard());

    assertThat(checks).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("configuration");
      assertThat(c.passed()).isTrue();
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 500, 503})
  void refusalsAndServerErrorsFailBothChecksNamingTheStatus(int status) {
    host.stubFor(get("/health").willReturn(aResponse().withStatus(status)));
    host.stubFor(post("/replies").willReturn(aResponse().withStatus(status)));

    List<TestCheck> checks = run(settings(url("/health"), url("/replies")),
        TestContexts.loopbackGuard());

    assertThat(checks).noneMatch(TestCheck::passed);
    assertThat(check(checks, "health_url").message()).contains(Integer.toString(status));
    assertThat(check(checks, "webhook_url").message()).contains(Integer.toString(status));
  }

  @Test
  void hostThatDoesNotAcceptConnectionsFailsBothChecksWithATimeout() throws Exception {
    try (UnacceptingListener dead = new UnacceptingListener()) {
      String base = "http://127.0.0.1:" + dead.port();
      HttpClient impatient = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(250))
          .build();

      List<TestCheck> checks = run(context(settings(base + "/health", base + "/replies"),
          TestContexts.loopbackGuard(), impatient));

      assertThat(checks).noneMatch(TestCheck::passed);
      assertThat(check(checks, "health_url").message()).contains("timed out");
      assertThat(check(checks, "webhook_url").message()).contains("timed out");
    }
  }

  /**
   * A server that accepts the connection and then answers too late. Core's custom type waits a
   * fixed 10 s per request (CustomChannel.REQUEST_TIMEOUT, not configurable), so this test waits
   * that long; both checks run at once to wait only once.
   */
  @Test
  void serverAnsweringTooLateFailsBothChecksWithATimeout() throws Exception {
    host.stubFor(get("/health").willReturn(aResponse().withStatus(200).withFixedDelay(11_000)));
    host.stubFor(post("/replies").willReturn(aResponse().withStatus(200)
        .withFixedDelay(11_000)));

    CompletableFuture<List<TestCheck>> health = CompletableFuture.supplyAsync(() ->
        run(settings(url("/health"), null), TestContexts.loopbackGuard()));
    CompletableFuture<List<TestCheck>> replies = CompletableFuture.supplyAsync(() ->
        run(settings(null, url("/replies")), TestContexts.loopbackGuard()));

    TestCheck h = check(health.get(30, TimeUnit.SECONDS), "health_url");
    TestCheck r = check(replies.get(30, TimeUnit.SECONDS), "webhook_url");
    assertThat(h.passed()).isFalse();
    assertThat(h.message()).isEqualTo("timed out after 10 s");
    assertThat(r.passed()).isFalse();
    assertThat(r.message()).contains("timed out");
  }

  @Test
  void unknownHostFails() {
    List<TestCheck> checks = run(settings("https://health.custom.invalid/ok",
        "https://hooks.custom.invalid/in"), TestContexts.unknownHostGuard());

    assertThat(checks).noneMatch(TestCheck::passed);
    assertThat(check(checks, "health_url").message())
        .isEqualTo("host does not resolve: health.custom.invalid");
    assertThat(check(checks, "webhook_url").message())
        .isEqualTo("host does not resolve: hooks.custom.invalid");
  }

  @Test
  void hostResolvingToAPrivateAddressIsBlocked() {
    List<TestCheck> checks = run(settings("https://health.example.com/ok",
        "https://hooks.example.com/in"), TestContexts.privateAddressGuard());

    assertThat(checks).noneMatch(TestCheck::passed);
    assertThat(check(checks, "health_url").message()).contains("private address", "not allowed");
    assertThat(check(checks, "webhook_url").message()).contains("private address", "not allowed");
  }

  @Test
  void loopbackIsBlockedByTheStrictGuardAndNothingIsFetched() {
    host.stubFor(get("/health").willReturn(aResponse().withStatus(200)));

    List<TestCheck> checks = run(settings(url("/health"), url("/replies")), UrlGuard.strict());

    assertThat(checks).noneMatch(TestCheck::passed);
    assertThat(check(checks, "health_url").message()).contains("loopback");
    assertThat(host.getAllServeEvents()).isEmpty();
  }

  @Test
  void slowServerWithinTheTimeoutPassesAndItsLatencyIsRecorded() {
    host.stubFor(get("/health").willReturn(aResponse().withStatus(200).withFixedDelay(300)));
    host.stubFor(post("/replies").willReturn(aResponse().withStatus(202).withFixedDelay(300)));

    List<TestCheck> checks = run(settings(url("/health"), url("/replies")),
        TestContexts.loopbackGuard());

    assertThat(checks).allMatch(TestCheck::passed);
    assertThat(checks).allSatisfy(c ->
        assertThat(c.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(300)));
  }
}
