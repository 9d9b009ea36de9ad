package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.channel.InboundEvent;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.telegram.testkit.FakeBotApi;
import io.wacanda.telegram.testkit.FakeBotApi.Call;
import io.wacanda.telegram.testkit.FakeBotApi.Failure;
import io.wacanda.testing.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Long polling against the fake Bot API: storing before confirming, conflicts, clean stops. */
class TelegramPollingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  static final List<String> FIXTURE_UPDATES = List.of("update_private_text.json",
      "update_edited_message.json", "update_photo_caption.json", "update_document.json",
      "update_voice.json", "update_location.json", "update_contact.json",
      "update_message_bot_command.json", "update_callback_query.json",
      "update_my_chat_member_kicked.json");

  private FakeBotApi fake;
  private final Contexts.Events events = new Contexts.Events();
  private final GateSleeper sleeper = new GateSleeper(100);
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private TelegramChannel channel;

  @BeforeEach
  void start() {
    fake = FakeBotApi.builder().token(Contexts.TOKEN).start();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    fake.close();
  }

  private TelegramChannel polling(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>(Contexts.settings(fake.baseUrl(), "polling"));
    s.putAll(extra);
    TelegramConfig config = TelegramSendTest.NO_PACING.newBuilder()
        .pollTimeout(Duration.ofSeconds(20)).sleeper(sleeper)
        .threadFactory(r -> {
          Thread t = new Thread(r, "test-poller");
          t.setDaemon(true);
          threads.add(t);
          return t;
        }).build();
    channel = new TelegramChannel(Contexts.context(s, Clock.systemUTC(), events), config);
    return channel;
  }

  private static List<Long> offsets(List<Call> polls) {
    List<Long> out = new ArrayList<>();
    polls.forEach(c -> out.add(c.params().has("offset") ? c.params().get("offset").asLong() : -1));
    return out;
  }

  @Test
  void everyFixtureArrivesByLongPollingAndIsStored() {
    List<String> expectedKeys = new ArrayList<>();
    UpdateParser parser = new UpdateParser(Clock.systemUTC());
    for (JsonNode u : UpdateParserTest.fixture("getUpdates_response.json").get("result")) {
      fake.enqueue(u.toString());
      expectedKeys.add(parser.parse(u).event().idempotencyKey());
    }
    for (String f : FIXTURE_UPDATES) {
      fake.enqueue(Fixtures.text("telegram/" + f));
      expectedKeys.add(parser.parse(UpdateParserTest.fixture(f)).event().idempotencyKey());
    }
    polling(Map.of()).start();

    List<InboundEvent> stored = events.awaitStored(13, WAIT);
    assertThat(stored).extracting(InboundEvent::idempotencyKey)
        .containsExactlyElementsOf(expectedKeys);
    Call first = fake.calls("getUpdates").get(0);
    assertThat(first.params().has("offset")).isFalse();
    assertThat(first.param("timeout")).isEqualTo("0"); // short until connected, then long
    assertThat(first.param("limit")).isEqualTo("100");
    assertThat(first.param("allowed_updates"))
        .isEqualTo("[\"message\",\"edited_message\",\"callback_query\",\"my_chat_member\"]");
    // The next poll confirms the batch: highest update_id + 1.
    Call second = fake.awaitCall("getUpdates", c -> c.params().has("offset"), WAIT);
    assertThat(second.params().get("offset").asLong()).isEqualTo(900946536L + 1);
    assertThat(second.param("timeout")).isEqualTo("20");
    fake.awaitCall("answerCallbackQuery",
        c -> c.param("callback_query_id").equals("4382bfdwdsb323b2d9"), WAIT);
    assertThat(channel.isUnreachable("100000001")).isTrue(); // my_chat_member kicked
  }

  @Test
  void theOffsetMovesOnlyAfterTheUpdatesAreStored() {
    events.failNextStores.set(1);
    long id = fake.enqueueText(100000001L, "Where is my parcel?");
    polling(Map.of()).start();

    events.awaitStored(1, WAIT);
    Call confirming = fake.awaitCall("getUpdates", c -> c.params().has("offset"), WAIT);
    List<Call> polls = fake.calls("getUpdates");
    // 1st poll: store fails, so the 2nd asks again without an offset and gets the same update.
    assertThat(offsets(polls.subList(0, 2))).containsExactly(-1L, -1L);
    assertThat(confirming.params().get("offset").asLong()).isEqualTo(id + 1);
    assertThat(events.stored()).hasSize(1);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
    assertThat(events.statuses()).extracting(IntegrationStatus::state)
        .doesNotContain(ConnectionState.ERROR);
  }

  @Test
  void aRestartedUpdateSequenceIsNotMistakenForOldUpdates() {
    fake.enqueue("{\"update_id\":500," + Fixtures.text("telegram/update_voice.json")
        .replaceFirst("^\\{\\s*\"update_id\":\\s*\\d+,", ""));
    polling(Map.of()).start();
    events.awaitStored(1, WAIT);
    fake.awaitCall("getUpdates", c -> c.param("offset").equals("501"), WAIT);
    // A week of silence later Telegram picks a smaller id.
    fake.enqueue(Fixtures.text("telegram/update_location.json")
        .replace("900946534", "7"));
    events.awaitStored(2, WAIT);
    fake.awaitCall("getUpdates", c -> c.param("offset").equals("8"), WAIT);
    assertThat(events.stored().get(1).idempotencyKey()).isEqualTo("msg:100000001:94");
  }

  @Test
  void reportsConnectingThenConnected() {
    TelegramChannel c = polling(Map.of());
    c.start();
    events.awaitStatus(s -> s.state() == ConnectionState.CONNECTED, WAIT);
    assertThat(events.statuses().get(0).state()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(c.connectionControl()).isPresent();
    assertThat(c.connectionControl().get().status().state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aForeignWebhookIsReportedAsConflictWithBackoffNotAHotLoop() throws Exception {
    fake.setWebhook("https://elsewhere.example.com/hook", "theirs");
    GateSleeper gate = new GateSleeper(3);
    Map<String, String> s = new HashMap<>(Contexts.settings(fake.baseUrl(), "polling"));
    channel = new TelegramChannel(Contexts.context(s, Clock.systemUTC(), events),
        TelegramSendTest.NO_PACING.newBuilder().sleeper(gate).build());
    channel.start();

    IntegrationStatus error = events.awaitStatus(st -> st.state() == ConnectionState.ERROR, WAIT);
    assertThat(error.message()).contains("409 Conflict").contains("webhook is set");
    List<Duration> waits = gate.awaitWaits(4, WAIT);
    assertThat(waits.subList(0, 4)).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(4), Duration.ofSeconds(8));
    // Blocked in its 4th back-off: exactly one poll per back-off, the other webhook untouched.
    assertThat(fake.calls("getUpdates")).hasSize(4);
    assertThat(fake.calls("deleteWebhook")).isEmpty();

    fake.clearWebhook();
    gate.release(1);
    events.awaitStatus(st -> st.state() == ConnectionState.CONNECTED, WAIT);
  }

  @Test
  void anotherPollerIsReportedClearly() {
    fake.failNext("getUpdates", Failure.of(409, Fixtures.text("telegram/error_409_conflict.json")));
    polling(Map.of()).start();
    IntegrationStatus error = events.awaitStatus(st -> st.state() == ConnectionState.ERROR, WAIT);
    assertThat(error.message()).contains("Another program is polling this bot");
    events.awaitStatus(st -> st.state() == ConnectionState.CONNECTED, WAIT);
  }

  @Test
  void aRejectedTokenIsReportedWithoutTheToken() {
    fake.failNext("getWebhookInfo", Failure.unauthorized());
    polling(Map.of()).start();
    IntegrationStatus error = events.awaitStatus(st -> st.state() == ConnectionState.ERROR, WAIT);
    assertThat(error.message()).contains("401").doesNotContain(Contexts.TOKEN);
  }

  @Test
  void rateLimitedPollsWaitAtLeastRetryAfter() throws Exception {
    fake.failNext("getUpdates", Failure.tooManyRequests(8));
    polling(Map.of()).start();
    assertThat(sleeper.awaitWaits(1, WAIT).get(0)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void itsOwnWebhookIsDeletedBeforePolling() {
    fake.setWebhook(Contexts.WEBHOOK_URL, Contexts.SECRET);
    fake.enqueueText(100000001L, "hello");
    polling(Map.of()).start();
    events.awaitStored(1, WAIT);
    assertThat(fake.calls().get(0).method()).isEqualTo("getWebhookInfo");
    assertThat(fake.calls().get(1).method()).isEqualTo("deleteWebhook");
    assertThat(fake.calls().get(1).param("drop_pending_updates")).isEqualTo("false");
  }

  @Test
  void closeEndsAPendingLongPollAndTheThread() {
    TelegramChannel c = polling(Map.of());
    c.start();
    fake.awaitCall("getUpdates", p -> p.param("timeout").equals("20"), WAIT); // long poll pending
    c.close();
    assertThat(threads).hasSize(1);
    assertThat(threads.get(0).isAlive()).isFalse();
    int polls = fake.calls("getUpdates").size();
    fake.enqueueText(100000001L, "after close");
    assertThat(fake.calls("getUpdates")).hasSize(polls);
    assertThat(events.stored()).isEmpty();
  }

  @Test
  void disconnectAndConnectRestartPolling() {
    TelegramChannel c = polling(Map.of());
    c.start();
    fake.awaitCall("getUpdates", WAIT);
    assertThat(c.connectionControl().orElseThrow().disconnect().state())
        .isEqualTo(ConnectionState.DISCONNECTED);
    fake.enqueueText(100000001L, "while stopped");
    c.connectionControl().orElseThrow().connect();
    events.awaitStored(1, WAIT);
    assertThat(threads).hasSize(2);
    assertThat(threads.get(0).isAlive()).isFalse();
  }

  @Test
  void anUpdateWithoutContentIsStoredAsIgnored() {
    fake.enqueue("{\"update_id\":41,\"message\":{\"chat\":{\"id\":5}}}");
    polling(Map.of()).start();
    List<InboundEvent> stored = events.awaitStored(1, WAIT);
    assertThat(stored.get(0).eventType()).isEqualTo("ignored:message:empty");
  }
}
