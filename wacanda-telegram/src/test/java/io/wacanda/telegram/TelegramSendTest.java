package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.MessageContent.MediaKind;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.telegram.testkit.FakeBotApi;
import io.wacanda.telegram.testkit.FakeBotApi.Call;
import io.wacanda.telegram.testkit.FakeBotApi.Failure;
import io.wacanda.testing.Fixtures;
import io.wacanda.testing.MutableClock;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sends through the channel to the fake Bot API and checks what reached it. */
class TelegramSendTest {
  static final TelegramConfig NO_PACING = TelegramConfig.builder()
      .chatPacing(Duration.ZERO, Duration.ZERO, 1).botInterval(Duration.ZERO).build();
  private static final long CUSTOMER = 100000001L;

  private FakeBotApi fake;
  private final Contexts.Events events = new Contexts.Events();
  private TelegramChannel channel;

  @BeforeEach
  void start() {
    fake = FakeBotApi.builder().token(Contexts.TOKEN).start();
    channel = channel(Map.of(), NO_PACING, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    channel.close();
    fake.close();
  }

  private TelegramChannel channel(Map<String, String> extra, TelegramConfig config, Clock clock) {
    Map<String, String> s = new java.util.HashMap<>(Contexts.settings(fake.baseUrl(), "webhook"));
    s.putAll(extra);
    return new TelegramChannel(Contexts.context(s, clock, events), config);
  }

  private static OutboundMessage text(long chat, String text) {
    return OutboundMessage.text(Long.toString(chat), text, "out:int_test:k" + text.hashCode());
  }

  @Test
  void sendsTextToTheChat() {
    SendResult r = channel.send(text(CUSTOMER, "Returns are free within 30 days."));
    Call call = fake.calls("sendMessage").get(0);
    assertThat(call.params().get("chat_id").isNumber()).isTrue();
    assertThat(call.param("chat_id")).isEqualTo("100000001");
    assertThat(call.param("text")).isEqualTo("Returns are free within 30 days.");
    assertThat(call.params().has("parse_mode")).isFalse();
    assertThat(r.platformMessageId()).isEqualTo("100000001:101");
  }

  @Test
  void buttonsBecomeAnInlineKeyboard() {
    channel.send(new OutboundMessage("100000001", "Anything else?",
        List.of(new OutboundMessage.Button("wacanda:handoff", "Talk to a person"),
            new OutboundMessage.Button("faq", "FAQ")), Optional.empty(), "k1"));
    assertThat(fake.calls("sendMessage").get(0).param("reply_markup")).isEqualTo(
        "{\"inline_keyboard\":[[{\"text\":\"Talk to a person\",\"callback_data\":\"wacanda:handoff\"}],"
            + "[{\"text\":\"FAQ\",\"callback_data\":\"faq\"}]]}");
  }

  @Test
  void refusesButtonIdsLongerThanTelegramAllows() {
    OutboundMessage m = new OutboundMessage("100000001", "Pick",
        List.of(new OutboundMessage.Button("x".repeat(65), "Too long")), Optional.empty(), "k");
    assertThatThrownBy(() -> channel.send(m)).isInstanceOfSatisfying(WacandaException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(fake.calls("sendMessage")).isEmpty();
  }

  @Test
  void mediaIsSentByUrlWithTheTextAsCaption() {
    channel.send(new OutboundMessage("100000001", "Your invoice", List.of(),
        Optional.of(new OutboundMessage.Media(MediaKind.DOCUMENT,
            URI.create("https://cdn.example.com/invoice.pdf"), "")), "k2"));
    Call call = fake.calls("sendDocument").get(0);
    assertThat(call.param("document")).isEqualTo("https://cdn.example.com/invoice.pdf");
    assertThat(call.param("caption")).isEqualTo("Your invoice");
    assertThat(fake.calls("sendMessage")).isEmpty();
  }

  @Test
  void longTextIsSplitIntoSeveralMessagesWithButtonsOnTheLast() {
    String text = "First paragraph. ".repeat(200).strip() + "\n\n"
        + "Second paragraph. ".repeat(200).strip();
    channel.send(new OutboundMessage("100000001", text,
        List.of(new OutboundMessage.Button("ok", "OK")), Optional.empty(), "k3"));
    List<Call> calls = fake.calls("sendMessage");
    assertThat(calls).hasSize(2);
    assertThat(calls).allSatisfy(c -> assertThat(c.param("text").length()).isLessThanOrEqualTo(4096));
    assertThat(calls.get(0).params().has("reply_markup")).isFalse();
    assertThat(calls.get(1).params().has("reply_markup")).isTrue();
  }

  @Test
  void markdownV2RepliesAreEscaped() {
    TelegramChannel md = channel(Map.of("parse_mode", "MarkdownV2"), NO_PACING,
        Clock.systemUTC());
    md.send(text(CUSTOMER, "You have **30 days** (from delivery)."));
    Call call = fake.calls("sendMessage").get(0);
    assertThat(call.param("parse_mode")).isEqualTo("MarkdownV2");
    assertThat(call.param("text")).isEqualTo("You have *30 days* \\(from delivery\\)\\.");
  }

  @Test
  void entitiesTelegramCannotParseAreResentAsPlainText() {
    TelegramChannel html = channel(Map.of("parse_mode", "HTML"), NO_PACING, Clock.systemUTC());
    fake.failNext("sendMessage", Failure.of(400, "{\"ok\":false,\"error_code\":400,"
        + "\"description\":\"Bad Request: can't parse entities: Unsupported start tag\"}"));
    html.send(text(CUSTOMER, "a **b** c"));
    List<Call> calls = fake.calls("sendMessage");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).params().has("parse_mode")).isFalse();
    assertThat(calls.get(1).param("text")).isEqualTo("a **b** c");
  }

  @Test
  void rateLimitIsRetryableWithTelegramsRetryAfter() {
    fake.failNext("sendMessage", Failure.of(429,
        Fixtures.text("telegram/error_429_too_many_requests.json")));
    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "hello")))
        .isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(8));
          assertThat(e.getMessage()).contains("Too Many Requests: retry after 8")
              .doesNotContain(Contexts.TOKEN);
        });
  }

  @Test
  void aRateLimitedChatWaitsForRetryAfterBeforeTheNextSend() {
    MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    ClockSleeper sleeper = new ClockSleeper(clock);
    TelegramChannel paced = channel(Map.of(), TelegramConfig.builder().sleeper(sleeper)
        .maxPacingWait(Duration.ofSeconds(30)).build(), clock);
    fake.failNext("sendMessage", Failure.tooManyRequests(8));
    assertThatThrownBy(() -> paced.send(text(CUSTOMER, "one")))
        .isInstanceOf(RetryableException.class);
    paced.send(text(CUSTOMER, "one"));
    assertThat(sleeper.waits()).contains(Duration.ofSeconds(8));
    assertThat(fake.calls("sendMessage")).hasSize(2);
  }

  @Test
  void blockedChatIsFinalClosesTheSessionAndIsNotTriedAgain() {
    fake.failNext("sendMessage", Failure.of(403,
        Fixtures.text("telegram/error_403_bot_blocked.json")));
    OutboundMessage m = text(CUSTOMER, "hello");
    assertThatThrownBy(() -> channel.send(m)).isInstanceOfSatisfying(WacandaException.class, e -> {
      assertThat(e).isNotInstanceOf(RetryableException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_ERROR);
      assertThat(e.getMessage()).contains("bot was blocked by the user");
    });
    assertThat(events.stored()).containsExactly(new InboundEvent.ConversationClosed(
        "blocked:100000001:" + m.idempotencyKey(), "100000001",
        "Telegram refused delivery: Forbidden: bot was blocked by the user"));
    assertThat(channel.isUnreachable("100000001")).isTrue();

    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "again")))
        .isInstanceOf(WacandaException.class).hasMessageContaining("blocked the bot");
    assertThat(fake.calls("sendMessage")).hasSize(1);
  }

  @Test
  void aChatThatWritesAgainIsReachableAgain() throws Exception {
    fake.blockChat(CUSTOMER);
    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "hello")))
        .isInstanceOf(WacandaException.class);
    fake.unblockChat(CUSTOMER);
    channel.handleWebhook(TelegramWebhookTest.webhookRequest(
        fake.privateText(CUSTOMER, "I'm back").toString(), Contexts.SECRET));
    channel.send(text(CUSTOMER, "Welcome back"));
    assertThat(fake.calls("sendMessage")).hasSize(2);
  }

  @Test
  void groupMigrationIsFollowedAndRemembered() {
    long group = -200000002L;
    fake.failNext("sendMessage", Failure.of(400,
        Fixtures.text("telegram/error_400_migrate_to_chat_id.json")));
    channel.send(text(group, "first"));
    channel.send(text(group, "second"));
    List<Call> calls = fake.calls("sendMessage");
    assertThat(calls).extracting(c -> c.param("chat_id"))
        .containsExactly("-200000002", "-100123456789", "-100123456789");
  }

  @Test
  void migrationSeenInAnUpdateRedirectsSends() throws Exception {
    String update = "{\"update_id\":9,\"message\":"
        + Fixtures.text("telegram/message_group_migrate_to_chat_id.json") + "}";
    channel.handleWebhook(TelegramWebhookTest.webhookRequest(update, Contexts.SECRET));
    channel.send(text(-200000002L, "hello"));
    assertThat(fake.calls("sendMessage").get(0).param("chat_id")).isEqualTo("-1001000000004");
  }

  @Test
  void forumTopicRepliesCarryTheThreadId() {
    channel.send(OutboundMessage.text("-1001000000001/134545", "In the topic", "k4"));
    Call call = fake.calls("sendMessage").get(0);
    assertThat(call.param("chat_id")).isEqualTo("-1001000000001");
    assertThat(call.param("message_thread_id")).isEqualTo("134545");
  }

  @Test
  void badRequestIsFinalWithTelegramsDescription() {
    fake.failNext("sendMessage", Failure.of(400,
        Fixtures.text("telegram/error_400_chat_not_found.json")));
    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "hello")))
        .isInstanceOfSatisfying(WacandaException.class, e -> {
          assertThat(e).isNotInstanceOf(RetryableException.class);
          assertThat(e.getMessage()).contains("Bad Request: chat not found");
        });
  }

  @Test
  void serverErrorsAndProxyPagesAreRetryable() {
    fake.failNext("sendMessage", Failure.badGateway());
    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "hello")))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_ERROR));
  }

  @Test
  void aRejectedTokenNeverAppearsInTheError() {
    fake.failNext("sendMessage", Failure.unauthorized());
    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "hello")))
        .isInstanceOfSatisfying(WacandaException.class, e -> assertThat(e.getMessage())
            .contains("401 Unauthorized").contains("bot_token").doesNotContain(Contexts.TOKEN)
            .doesNotContain("AAHdqTcv"));
  }

  @Test
  void unreachableApiIsRetryableAndDoesNotLeakTheUrl() {
    int port = fake.port();
    fake.close();
    TelegramChannel dead = channel(Map.of("api_base_url", "http://127.0.0.1:" + port),
        NO_PACING, Clock.systemUTC());
    assertThatThrownBy(() -> dead.send(text(CUSTOMER, "hello")))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.getMessage())
            .doesNotContain(Contexts.TOKEN).doesNotContain("/bot"));
  }

  @Test
  void nothingToSendIsInvalid() {
    assertThatThrownBy(() -> channel.send(text(CUSTOMER, "  ")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
