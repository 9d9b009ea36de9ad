package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.internal.Json;
import io.wacanda.telegram.testkit.FakeBotApi;
import io.wacanda.telegram.testkit.FakeBotApi.Call;
import io.wacanda.telegram.testkit.FakeBotApi.Failure;
import io.wacanda.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook mode at the channel: registration, verification, answers, deregistration. */
class TelegramWebhookTest {
  private FakeBotApi fake;
  private final Contexts.Events events = new Contexts.Events();

  @BeforeEach
  void start() {
    fake = FakeBotApi.builder().token(Contexts.TOKEN).start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  static HttpRequest webhookRequest(String body, String secret) {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("Content-Type", List.of("application/json"));
    if (secret != null) {
      headers.put("X-Telegram-Bot-Api-Secret-Token", List.of(secret));
    }
    return new HttpRequest("POST", "/webhooks/int_test", Map.of(), headers,
        body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
  }

  private TelegramChannel channel(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>(Contexts.settings(fake.baseUrl(), "webhook"));
    s.putAll(extra);
    return new TelegramChannel(Contexts.context(s, Clock.systemUTC(), events),
        TelegramSendTest.NO_PACING);
  }

  @Test
  void startRegistersTheWebhookWithSecretAndAllowedUpdates() {
    try (TelegramChannel channel = channel(Map.of())) {
      channel.start();
      Call call = fake.calls("setWebhook").get(0);
      assertThat(call.param("url")).isEqualTo(Contexts.WEBHOOK_URL);
      assertThat(call.param("secret_token")).isEqualTo(Contexts.SECRET);
      assertThat(call.param("allowed_updates"))
          .isEqualTo("[\"message\",\"edited_message\",\"callback_query\",\"my_chat_member\"]");
      assertThat(call.params().has("drop_pending_updates")).isFalse();
      assertThat(channel.connectionControl()).isEmpty();
    }
  }

  @Test
  void dropsPendingUpdatesOnlyWhenAsked() {
    try (TelegramChannel channel = channel(Map.of("drop_pending_updates", "true"))) {
      channel.start();
      assertThat(fake.calls("setWebhook").get(0).param("drop_pending_updates")).isEqualTo("true");
    }
  }

  @Test
  void aRefusedSetWebhookFailsTheStartWithoutTheToken() {
    fake.failNext("setWebhook", Failure.of(400, "{\"ok\":false,\"error_code\":400,"
        + "\"description\":\"Bad Request: bad webhook: HTTPS url must be provided for webhook\"}"));
    try (TelegramChannel channel = channel(Map.of())) {
      assertThatThrownBy(channel::start).isInstanceOfSatisfying(WacandaException.class,
          e -> assertThat(e.getMessage()).contains("HTTPS url must be provided")
              .doesNotContain(Contexts.TOKEN));
    }
  }

  @Test
  void closeDeletesTheWebhookItSet() {
    TelegramChannel channel = channel(Map.of());
    channel.start();
    channel.close();
    channel.close();
    assertThat(fake.calls("deleteWebhook")).hasSize(1);
    assertThat(fake.calls("deleteWebhook").get(0).params().has("drop_pending_updates")).isFalse();
  }

  @Test
  void closeKeepsTheWebhookWhenConfiguredForSeveralInstances() {
    TelegramChannel channel = channel(Map.of("delete_webhook_on_stop", "false"));
    channel.start();
    channel.close();
    assertThat(fake.calls("deleteWebhook")).isEmpty();
  }

  @Test
  void aChannelThatNeverStartedDeletesNothing() {
    channel(Map.of()).close();
    assertThat(fake.calls()).isEmpty();
  }

  @Test
  void acceptsAnUpdateWithTheRightSecret() {
    WebhookResult r = channel(Map.of()).handleWebhook(webhookRequest(
        Fixtures.text("telegram/update_photo_caption.json"), Contexts.SECRET));
    assertThat(r.response().status()).isEqualTo(200);
    assertThat(r.response().body()).isEmpty();
    assertThat(r.events()).hasSize(1);
    assertThat(r.events().get(0).idempotencyKey()).isEqualTo("msg:100000001:85");
  }

  @Test
  void refusesAMissingSecret() {
    assertThatThrownBy(() -> channel(Map.of()).handleWebhook(webhookRequest(
        Fixtures.text("telegram/update_voice.json"), null)))
        .isInstanceOfSatisfying(WacandaException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
          assertThat(e.getMessage()).doesNotContain(Contexts.SECRET);
        });
  }

  @Test
  void refusesAWrongSecret() {
    assertThatThrownBy(() -> channel(Map.of()).handleWebhook(webhookRequest(
        Fixtures.text("telegram/update_voice.json"), Contexts.SECRET + "x")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
  }

  @Test
  void verifiesBeforeParsing() {
    assertThatThrownBy(() -> channel(Map.of()).handleWebhook(webhookRequest("not json", "bad")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
  }

  @Test
  void refusesGetAndMalformedBodies() {
    TelegramChannel channel = channel(Map.of());
    assertThatThrownBy(() -> channel.handleWebhook(HttpRequest.of("GET", "/webhooks/int_test")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED));
    assertThatThrownBy(() -> channel.handleWebhook(webhookRequest("{oops", Contexts.SECRET)))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
    assertThatThrownBy(() -> channel.handleWebhook(webhookRequest("[1]", Contexts.SECRET)))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  @Test
  void answersACallbackQueryInTheWebhookResponse() throws Exception {
    WebhookResult r = channel(Map.of()).handleWebhook(webhookRequest(
        Fixtures.text("telegram/update_callback_query.json"), Contexts.SECRET));
    assertThat(r.response().status()).isEqualTo(200);
    assertThat(r.response().headers().get("Content-Type")).startsWith("application/json");
    JsonNode answer = Json.mapper().readTree(r.response().body());
    assertThat(answer.get("method").asText()).isEqualTo("answerCallbackQuery");
    assertThat(answer.get("callback_query_id").asText()).isEqualTo("4382bfdwdsb323b2d9");
  }

  @Test
  void blockingTheBotIsRememberedAtOnce() {
    TelegramChannel channel = channel(Map.of());
    WebhookResult r = channel.handleWebhook(webhookRequest(
        Fixtures.text("telegram/update_my_chat_member_kicked.json"), Contexts.SECRET));
    assertThat(r.events().get(0)).isInstanceOf(InboundEvent.ConversationClosed.class);
    assertThat(channel.isUnreachable("100000001")).isTrue();
  }
}
