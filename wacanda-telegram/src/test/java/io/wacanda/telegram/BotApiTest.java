package io.wacanda.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import io.wacanda.security.UrlGuard;
import io.wacanda.testing.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Bot API client against WireMock serving the real responses from shared/fixtures. */
class BotApiTest {
  private WireMockServer server;
  private BotApi api;
  private static final String PATH = "/bot" + Contexts.TOKEN + "/";

  @BeforeEach
  void start() {
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    api = new BotApi(Contexts.HTTP, UrlGuard.builder().allowLoopback(true).build(),
        "http://127.0.0.1:" + server.port() + "/", Contexts.TOKEN, Duration.ofSeconds(2),
        "int_test");
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private void answer(String method, int status, String fixture) {
    server.stubFor(post(urlEqualTo(PATH + method)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(Fixtures.bytes("telegram/" + fixture))));
  }

  @Test
  void postsJsonToTheMethodPathAndReadsTheResult() {
    answer("sendMessage", 200, "sendMessage_response.json");
    var params = Json.mapper().createObjectNode().put("chat_id", 100000001L).put("text", "a");
    BotApi.Reply r = api.call("sendMessage", params);
    assertThat(r.ok()).isTrue();
    assertThat(r.result().get("message_id").asInt()).isEqualTo(40);
    server.verify(postRequestedFor(urlEqualTo(PATH + "sendMessage"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"chat_id\":100000001,\"text\":\"a\"}")));
  }

  @Test
  void readsGetMeAndGetWebhookInfo() {
    answer("getMe", 200, "getMe_response.json");
    answer("getWebhookInfo", 200, "getWebhookInfo_response.json");
    assertThat(api.call("getMe", Json.mapper().createObjectNode()).result().get("username")
        .asText()).isEqualTo("test_support_bot");
    assertThat(api.call("getWebhookInfo", Json.mapper().createObjectNode()).result()
        .get("pending_update_count").asInt()).isEqualTo(3);
  }

  @Test
  void readsRetryAfterAndMigrationParameters() {
    answer("sendMessage", 429, "error_429_too_many_requests.json");
    BotApi.Reply limited = api.call("sendMessage", Json.mapper().createObjectNode());
    assertThat(limited.errorCode()).isEqualTo(429);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(8));
    answer("sendPhoto", 400, "error_400_migrate_to_chat_id.json");
    BotApi.Reply moved = api.call("sendPhoto", Json.mapper().createObjectNode());
    assertThat(moved.migrateTo()).contains(-100123456789L);
    assertThat(moved.description())
        .isEqualTo("Bad Request: group chat was upgraded to a supergroup chat");
  }

  @Test
  void mapsErrorsToWhatTheCallerDoesNext() {
    answer("a", 429, "error_429_too_many_requests.json");
    answer("b", 403, "error_403_bot_blocked.json");
    answer("c", 409, "error_409_conflict.json");
    assertThat(api.call("a", Json.mapper().createObjectNode()).failure("x"))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    WacandaException blocked = api.call("b", Json.mapper().createObjectNode()).failure("x");
    assertThat(blocked).isNotInstanceOf(RetryableException.class);
    assertThat(blocked.getMessage()).isEqualTo(
        "x failed: Telegram answered 403 Forbidden: bot was blocked by the user");
    assertThat(api.call("c", Json.mapper().createObjectNode()).description())
        .startsWith("Conflict: terminated by other getUpdates request");
  }

  @Test
  void aNonJsonAnswerIsAnErrorByStatus() {
    server.stubFor(post(urlEqualTo(PATH + "getMe"))
        .willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));
    BotApi.Reply r = api.call("getMe", Json.mapper().createObjectNode());
    assertThat(r.ok()).isFalse();
    assertThat(r.failure("getMe")).isInstanceOf(RetryableException.class);
  }

  @Test
  void aSlowAnswerIsARetryableTimeoutWithoutTheUrl() {
    server.stubFor(post(urlEqualTo(PATH + "getMe")).willReturn(aResponse().withStatus(200)
        .withFixedDelay(1500).withBody("{\"ok\":true,\"result\":{}}")));
    assertThatThrownBy(() -> api.call("getMe", Json.mapper().createObjectNode(),
        Duration.ofMillis(200))).isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
          assertThat(e.getMessage()).doesNotContain(Contexts.TOKEN).doesNotContain("/bot");
        });
  }

  @Test
  void theUrlGuardStillApplies() {
    BotApi guarded = new BotApi(Contexts.HTTP, UrlGuard.strict(),
        "http://127.0.0.1:" + server.port(), Contexts.TOKEN, Duration.ofSeconds(2), "int_test");
    assertThatThrownBy(() -> guarded.call("getMe", Json.mapper().createObjectNode()))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED));
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void redactsTheTokenFromAnyText() {
    assertThat(api.redact("echo " + Contexts.TOKEN + " back")).isEqualTo("echo <redacted> back");
    assertThat(api.redact(null)).isEmpty();
  }
}
