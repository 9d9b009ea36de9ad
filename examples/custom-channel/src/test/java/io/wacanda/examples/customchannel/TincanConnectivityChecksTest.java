package io.wacanda.examples.customchannel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.integration.TestCheck;
import io.wacanda.security.UrlGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TincanConnectivityChecksTest {
  private final TestClock clock = new TestClock("2026-11-24T10:00:00Z");
  private final UrlGuard loopback = UrlGuard.builder().allowLoopback(true).build();
  private static WireMockServer tincan;

  @BeforeAll
  static void startServer() {
    tincan = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    tincan.start();
  }

  @AfterAll
  static void stopServer() {
    tincan.stop();
  }

  @BeforeEach
  void start() {
    tincan.resetAll();
  }

  private List<TestCheck> run(String apiUrl, UrlGuard guard) {
    List<TestCheck> checks = new TincanIntegrationProvider().connectivityTest()
        .run(Payloads.context(Payloads.settings(apiUrl), guard, clock));
    assertThat(checks).extracting(TestCheck::name).containsExactly("bot_token", "webhook");
    for (TestCheck c : checks) {
      assertThat(c.message()).isNotBlank().doesNotContain(Payloads.TOKEN)
          .doesNotContain(Payloads.SIGNING_SECRET).doesNotContain(Payloads.VERIFY_TOKEN);
    }
    return checks;
  }

  private String api() {
    return "http://127.0.0.1:" + tincan.port();
  }

  private void bot(int status, String body) {
    tincan.stubFor(get("/v2/bot").willReturn(aResponse().withStatus(status).withBody(body)));
  }

  private void webhook(String url, boolean active) {
    tincan.stubFor(get("/v2/webhook").willReturn(aResponse().withStatus(200)
        .withBody("{\"url\":\"" + url + "\",\"active\":" + active + "}")));
  }

  @Test
  void passesWhenTheTokenWorksAndTincanPostsHere() {
    bot(200, Payloads.text("bot_response.json"));
    webhook("http://localhost:8080/webhooks/int_tincan", true);

    List<TestCheck> checks = run(api(), loopback);

    assertThat(checks).allMatch(TestCheck::passed);
    assertThat(checks.get(0).message()).isEqualTo("token accepted: bot Tincan shop helper");
  }

  @Test
  void failsWhenTincanPostsElsewhereSayingWhatToSet() {
    bot(200, Payloads.text("bot_response.json"));
    webhook("https://old.example/hook", true);

    List<TestCheck> checks = run(api(), loopback);

    assertThat(checks.get(1).passed()).isFalse();
    assertThat(checks.get(1).message()).contains("https://old.example/hook",
        "http://localhost:8080/webhooks/int_tincan");
  }

  @Test
  void rejectedTokenFailsAndSkipsTheWebhookCheck() {
    bot(401, Payloads.text("error_401.json"));

    List<TestCheck> checks = run(api(), loopback);

    assertThat(checks).noneMatch(TestCheck::passed);
    assertThat(checks.get(0).message()).contains("401", "bot_token");
    assertThat(checks.get(1).message()).contains("not checked");
  }

  @Test
  void serverErrorFails() {
    bot(503, "");

    assertThat(run(api(), loopback).get(0).message()).contains("503");
  }

  @Test
  void echoedTokenNeverReachesTheResult() {
    bot(200, "{\"bot\":{\"name\":\"" + Payloads.TOKEN + "\"}}");
    webhook("http://localhost:8080/webhooks/int_tincan", true);

    assertThat(run(api(), loopback).get(0).message()).contains("<redacted>");
  }

  @Test
  void unknownHostAndPrivateAddressesFailBeforeAnyRequest() {
    UrlGuard unknown = UrlGuard.builder().resolver(h -> {
      throw new UnknownHostException(h);
    }).build();
    UrlGuard privateNet = UrlGuard.builder().resolver(h -> new InetAddress[] {
        InetAddress.getByAddress(h, new byte[] {(byte) 192, (byte) 168, 1, 20})}).build();

    assertThat(run("https://api.tincan.invalid", unknown).get(0).message())
        .contains("does not resolve");
    assertThat(run("https://api.tincan.example", privateNet).get(0).message())
        .contains("private");
  }
}
