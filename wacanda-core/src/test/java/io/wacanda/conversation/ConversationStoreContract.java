package io.wacanda.conversation;

import io.wacanda.testing.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.channel.DeliveryState;
import io.wacanda.conversation.ConversationStore.Counts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link ConversationStore} must have. Extend it and return a new, empty store
 * from {@link #newStore()}; every test uses only the tenants and integration ids declared here.
 * Sessions are always opened through the store before messages or turns refer to them. Times are
 * passed explicitly, starting at {@link #T0}.
 */
public abstract class ConversationStoreContract {
  protected static final TenantId TENANT_A = TenantId.of("tenant-a");
  protected static final TenantId TENANT_B = TenantId.of("tenant-b");
  protected static final String INTEGRATION_A = "int-a";
  protected static final String INTEGRATION_A2 = "int-a2";
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private ConversationStore store;

  /** A new, empty store. */
  protected abstract ConversationStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  private ChatSession open(TenantId tenant, String integrationId, String senderId, Instant now) {
    return store.openSession(tenant, integrationId, senderId, "chat-" + senderId,
        "Customer " + senderId, now);
  }

  private ChatSession open(String senderId) {
    return open(TENANT_A, INTEGRATION_A, senderId, T0);
  }

  protected static ChatMessage message(String id, ChatSession session, String idempotencyKey,
      Instant at) {
    return new ChatMessage(id, session.tenant(), session.id(), session.integrationId(),
        MessageRole.BOT, "text of " + id, "", idempotencyKey, DeliveryState.PENDING, "", at);
  }

  protected static ChatMessage inbound(String id, ChatSession session, String platformId,
      Instant at) {
    return new ChatMessage(id, session.tenant(), session.id(), session.integrationId(),
        MessageRole.CUSTOMER, "question " + id, platformId, "", DeliveryState.SENT, "", at);
  }

  protected static TurnMetrics turn(String id, ChatSession session, String channelType,
      Instant at, Duration responseTime) {
    return new TurnMetrics(id, session.tenant(), session.id(), session.integrationId(),
        channelType, at, responseTime, 3, 0.82, 0.9, 120, 40, Duration.ofMillis(300), "");
  }

  @Test
  void openSessionCreatesBotSessionForNewSender() {
    ChatSession session =
        store.openSession(TENANT_A, INTEGRATION_A, "user-1", "chat-9", "Ada", T0);

    assertThat(session.tenant()).isEqualTo(TENANT_A);
    assertThat(session.integrationId()).isEqualTo(INTEGRATION_A);
    assertThat(session.senderId()).isEqualTo("user-1");
    assertThat(session.chatId()).isEqualTo("chat-9");
    assertThat(session.senderName()).isEqualTo("Ada");
    assertThat(session.state()).isEqualTo(SessionState.BOT);
    assertThat(session.unansweredCount()).isZero();
    assertThat(session.createdAt()).isEqualTo(T0);
    assertThat(session.lastMessageAt()).isEqualTo(T0);
    assertThat(store.findSession(TENANT_A, session.id())).contains(session);
  }

  @Test
  void openSessionReturnsTheOpenSessionOfTheSameSender() {
    ChatSession first = open("user-1");

    ChatSession again = open(TENANT_A, INTEGRATION_A, "user-1", T0.plusSeconds(60));

    assertThat(again).isEqualTo(first);
  }

  @Test
  void openSessionSeparatesSendersAndIntegrations() {
    ChatSession first = open("user-1");

    ChatSession otherSender = open("user-2");
    ChatSession otherIntegration = open(TENANT_A, INTEGRATION_A2, "user-1", T0);

    assertThat(otherSender.id()).isNotEqualTo(first.id());
    assertThat(otherIntegration.id()).isNotEqualTo(first.id());
  }

  @Test
  void openSessionReturnsHandedOffSession() {
    ChatSession handedOff = open("user-1").withState(SessionState.HANDED_OFF);
    store.updateSession(handedOff);

    assertThat(open("user-1")).isEqualTo(handedOff);
  }

  @Test
  void openSessionIgnoresClosedSessions() {
    ChatSession closed = open("user-1").withState(SessionState.CLOSED);
    store.updateSession(closed);

    ChatSession fresh = open(TENANT_A, INTEGRATION_A, "user-1", T0.plusSeconds(60));

    assertThat(fresh.id()).isNotEqualTo(closed.id());
    assertThat(fresh.state()).isEqualTo(SessionState.BOT);
    assertThat(fresh.createdAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(store.findSession(TENANT_A, closed.id())).contains(closed);
  }

  @Test
  void concurrentOpenSessionForOneSenderCreatesOneSession() throws Exception {
    List<ChatSession> sessions = Concurrently.run(8, () -> open("user-1"));

    assertThat(sessions).extracting(ChatSession::id).containsOnly(sessions.get(0).id());
    assertThat(store.listSessions(TENANT_A, INTEGRATION_A, 10)).hasSize(1);
  }

  @Test
  void updateSessionReplacesStateCountersAndLastMessageTime() {
    ChatSession session = open("user-1");
    ChatSession updated = session.withUnanswered(2).touchedAt(T0.plusSeconds(30))
        .withState(SessionState.HANDED_OFF);

    store.updateSession(updated);

    assertThat(store.findSession(TENANT_A, session.id())).contains(updated);
  }

  @Test
  void updateOfUnknownSessionChangesNothing() {
    ChatSession ghost = new ChatSession("ghost", TENANT_A, INTEGRATION_A, "user-1", "", "",
        SessionState.BOT, 0, T0, T0);

    store.updateSession(ghost);

    assertThat(store.findSession(TENANT_A, "ghost")).isEmpty();
    assertThat(store.listSessions(TENANT_A, INTEGRATION_A, 10)).isEmpty();
  }

  @Test
  void listSessionsReturnsMostRecentlyActiveFirstUpToLimit() {
    ChatSession quiet = open("user-1");
    ChatSession busy = open("user-2");
    ChatSession middle = open("user-3");
    open(TENANT_A, INTEGRATION_A2, "user-4", T0.plusSeconds(500));
    store.updateSession(busy.touchedAt(T0.plusSeconds(300)));
    store.updateSession(middle.touchedAt(T0.plusSeconds(200)));
    store.updateSession(quiet.touchedAt(T0.plusSeconds(100)));

    assertThat(store.listSessions(TENANT_A, INTEGRATION_A, 10)).extracting(ChatSession::id)
        .containsExactly(busy.id(), middle.id(), quiet.id());
    assertThat(store.listSessions(TENANT_A, INTEGRATION_A, 2)).extracting(ChatSession::id)
        .containsExactly(busy.id(), middle.id());
  }

  @Test
  void recentMessagesReturnsTheLastMessagesOldestFirst() {
    ChatSession session = open("user-1");
    ChatSession other = open("user-2");
    for (int n = 1; n <= 5; n++) {
      assertThat(store.appendMessage(inbound("m-" + n, session, "", T0.plusSeconds(n)))).isTrue();
    }
    store.appendMessage(inbound("elsewhere", other, "", T0.plusSeconds(9)));

    assertThat(store.recentMessages(TENANT_A, session.id(), 3)).extracting(ChatMessage::id)
        .containsExactly("m-3", "m-4", "m-5");
    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).extracting(ChatMessage::id)
        .containsExactly("m-1", "m-2", "m-3", "m-4", "m-5");
  }

  @Test
  void appendedMessageRoundTrips() {
    ChatSession session = open("user-1");
    ChatMessage sent = message("m-1", session, "reply-1", T0);

    store.appendMessage(sent);

    assertThat(store.recentMessages(TENANT_A, session.id(), 1)).containsExactly(sent);
    assertThat(store.findMessageByKey(TENANT_A, "reply-1")).contains(sent);
  }

  @Test
  void appendWithStoredIdempotencyKeyWritesNothing() {
    ChatSession session = open("user-1");
    ChatMessage first = message("m-1", session, "reply-1", T0);
    store.appendMessage(first);

    boolean appended = store.appendMessage(message("m-2", session, "reply-1", T0.plusSeconds(1)));

    assertThat(appended).isFalse();
    assertThat(store.findMessageByKey(TENANT_A, "reply-1")).contains(first);
    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).containsExactly(first);
  }

  @Test
  void messagesWithoutIdempotencyKeyAreAllAppended() {
    ChatSession session = open("user-1");

    assertThat(store.appendMessage(inbound("m-1", session, "", T0))).isTrue();
    assertThat(store.appendMessage(inbound("m-2", session, "", T0))).isTrue();

    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).hasSize(2);
    assertThat(store.findMessageByKey(TENANT_A, "")).isEmpty();
  }

  @Test
  void concurrentAppendsWithOneIdempotencyKeyWriteOneMessage() throws Exception {
    ChatSession session = open("user-1");
    AtomicInteger next = new AtomicInteger();

    List<Boolean> appended = Concurrently.run(8,
        () -> store.appendMessage(message("m-" + next.getAndIncrement(), session, "reply-1", T0)));

    assertThat(appended).containsOnlyOnce(true);
    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).hasSize(1);
  }

  @Test
  void idempotencyKeysArePerTenant() {
    ChatSession sessionA = open("user-1");
    ChatSession sessionB = open(TENANT_B, INTEGRATION_A, "user-1", T0);
    ChatMessage messageA = message("m-a", sessionA, "reply-1", T0);
    ChatMessage messageB = message("m-b", sessionB, "reply-1", T0);

    assertThat(store.appendMessage(messageA)).isTrue();
    assertThat(store.appendMessage(messageB)).isTrue();

    assertThat(store.findMessageByKey(TENANT_A, "reply-1")).contains(messageA);
    assertThat(store.findMessageByKey(TENANT_B, "reply-1")).contains(messageB);
  }

  @Test
  void updateMessageReplacesDeliveryStateAndPlatformId() {
    ChatSession session = open("user-1");
    ChatMessage pending = message("m-1", session, "reply-1", T0);
    store.appendMessage(pending);
    ChatMessage sent = pending.withDelivery(DeliveryState.SENT, "wamid.77", "");

    store.updateMessage(sent);

    assertThat(store.findMessageByKey(TENANT_A, "reply-1")).contains(sent);
    assertThat(store.findMessageByPlatformId(TENANT_A, INTEGRATION_A, "wamid.77")).contains(sent);
    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).containsExactly(sent);
  }

  @Test
  void updateOfUnknownMessageChangesNothing() {
    ChatSession session = open("user-1");

    store.updateMessage(message("ghost", session, "reply-ghost", T0));

    assertThat(store.findMessageByKey(TENANT_A, "reply-ghost")).isEmpty();
    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).isEmpty();
  }

  @Test
  void findMessageByPlatformIdIsScopedByIntegration() {
    ChatSession session = open("user-1");
    ChatSession onOtherIntegration = open(TENANT_A, INTEGRATION_A2, "user-1", T0);
    ChatMessage question = inbound("m-1", session, "wamid.1", T0);
    store.appendMessage(question);

    assertThat(store.findMessageByPlatformId(TENANT_A, INTEGRATION_A, "wamid.1"))
        .contains(question);
    assertThat(store.findMessageByPlatformId(TENANT_A, INTEGRATION_A2, "wamid.1")).isEmpty();
    assertThat(store.findMessageByPlatformId(TENANT_A, INTEGRATION_A, "wamid.2")).isEmpty();
    assertThat(onOtherIntegration.id()).isNotEqualTo(session.id());
  }

  @Test
  void turnsFiltersBySessionIntegrationChannelTypeAndTimeNewestFirst() {
    ChatSession s1 = open("user-1");
    ChatSession s2 = open("user-2");
    ChatSession s3 = open(TENANT_A, INTEGRATION_A2, "user-3", T0);
    TurnMetrics t1 = turn("t-1", s1, "telegram", T0.plusSeconds(1), Duration.ofSeconds(1));
    TurnMetrics t2 = turn("t-2", s2, "telegram", T0.plusSeconds(2), Duration.ofSeconds(1));
    TurnMetrics t3 = turn("t-3", s1, "telegram", T0.plusSeconds(3), Duration.ofSeconds(1));
    TurnMetrics t4 = turn("t-4", s3, "whatsapp-cloud", T0.plusSeconds(4), Duration.ofSeconds(1));
    List.of(t3, t1, t4, t2).forEach(store::recordTurn);

    assertThat(store.turns(TENANT_A, TurnQuery.forSession(s1.id()))).containsExactly(t3, t1);
    assertThat(store.turns(TENANT_A, TurnQuery.forIntegration(INTEGRATION_A)))
        .containsExactly(t3, t2, t1);
    assertThat(store.turns(TENANT_A, TurnQuery.forChannelType("whatsapp-cloud")))
        .containsExactly(t4);
    assertThat(store.turns(TENANT_A, new TurnQuery(Optional.empty(), Optional.empty(),
        Optional.empty(), T0.plusSeconds(2), 1000))).containsExactly(t4, t3, t2);
    assertThat(store.turns(TENANT_A, new TurnQuery(Optional.empty(), Optional.of(INTEGRATION_A),
        Optional.of("telegram"), Instant.EPOCH, 2))).containsExactly(t3, t2);
  }

  @Test
  void countsComputesTotalsActiveSessionsTodaysMessagesAndAverageResponseTime() {
    Instant now = T0.plus(Duration.ofDays(3));
    Instant todayStart = Instant.parse("2025-03-04T00:00:00Z");
    Instant activeSince = now.minus(Duration.ofHours(24));
    ChatSession stale = open("user-1");
    ChatSession atBoundary = open("user-2");
    ChatSession recent = open("user-3");
    ChatSession closed = open("user-4");
    store.updateSession(atBoundary.touchedAt(activeSince));
    store.updateSession(recent.touchedAt(now.minusSeconds(60)));
    store.updateSession(closed.touchedAt(now.minusSeconds(30)).withState(SessionState.CLOSED));
    store.appendMessage(inbound("m-1", stale, "", T0));
    store.appendMessage(inbound("m-2", stale, "", todayStart.minusNanos(1)));
    store.appendMessage(inbound("m-3", recent, "", todayStart));
    store.appendMessage(inbound("m-4", recent, "", now.minusSeconds(60)));
    store.appendMessage(message("m-5", recent, "reply-5", now.minusSeconds(59)));
    store.recordTurn(
        turn("t-1", recent, "telegram", now.minusSeconds(59), Duration.ofMillis(1500)));
    store.recordTurn(turn("t-2", stale, "telegram", T0, Duration.ofMillis(2500)));
    store.recordTurn(turn("t-3", recent, "telegram", todayStart, Duration.ofMillis(500)));
    ChatSession elsewhere = open(TENANT_A, INTEGRATION_A2, "user-1", now);
    store.appendMessage(inbound("m-6", elsewhere, "", now));
    store.recordTurn(turn("t-4", elsewhere, "telegram", now, Duration.ofSeconds(60)));

    Counts counts = store.counts(TENANT_A, INTEGRATION_A, activeSince, todayStart);

    assertThat(counts).isEqualTo(new Counts(4, 3, 5, 3, Duration.ofMillis(1500)));
  }

  @Test
  void countsOfIntegrationWithoutDataAreZero() {
    assertThat(store.counts(TENANT_A, INTEGRATION_A, T0, T0))
        .isEqualTo(new Counts(0, 0, 0, 0, Duration.ZERO));
  }

  @Test
  void deleteAllRemovesSessionsMessagesAndTurnsOfOnlyThatIntegration() {
    ChatSession doomed = open("user-1");
    store.appendMessage(message("m-1", doomed, "reply-1", T0));
    store.appendMessage(inbound("m-2", doomed, "wamid.2", T0));
    store.recordTurn(turn("t-1", doomed, "telegram", T0, Duration.ofSeconds(1)));
    ChatSession kept = open(TENANT_A, INTEGRATION_A2, "user-1", T0);
    ChatMessage keptMessage = message("m-3", kept, "reply-3", T0);
    store.appendMessage(keptMessage);
    TurnMetrics keptTurn = turn("t-2", kept, "telegram", T0, Duration.ofSeconds(1));
    store.recordTurn(keptTurn);

    store.deleteAll(TENANT_A, INTEGRATION_A);

    assertThat(store.findSession(TENANT_A, doomed.id())).isEmpty();
    assertThat(store.listSessions(TENANT_A, INTEGRATION_A, 10)).isEmpty();
    assertThat(store.recentMessages(TENANT_A, doomed.id(), 10)).isEmpty();
    assertThat(store.findMessageByKey(TENANT_A, "reply-1")).isEmpty();
    assertThat(store.findMessageByPlatformId(TENANT_A, INTEGRATION_A, "wamid.2")).isEmpty();
    assertThat(store.turns(TENANT_A, TurnQuery.forIntegration(INTEGRATION_A))).isEmpty();
    assertThat(store.counts(TENANT_A, INTEGRATION_A, Instant.EPOCH, Instant.EPOCH))
        .isEqualTo(new Counts(0, 0, 0, 0, Duration.ZERO));
    assertThat(store.findSession(TENANT_A, kept.id())).contains(kept);
    assertThat(store.findMessageByKey(TENANT_A, "reply-3")).contains(keptMessage);
    assertThat(store.turns(TENANT_A, TurnQuery.forIntegration(INTEGRATION_A2)))
        .containsExactly(keptTurn);
    assertThat(open("user-1").id()).isNotEqualTo(doomed.id());
  }

  @Test
  void tenantCannotReadAnotherTenantsConversations() {
    ChatSession session = open("user-1");
    store.appendMessage(message("m-1", session, "reply-1", T0));
    store.appendMessage(inbound("m-2", session, "wamid.2", T0));
    store.recordTurn(turn("t-1", session, "telegram", T0, Duration.ofSeconds(1)));

    assertThat(store.findSession(TENANT_B, session.id())).isEmpty();
    assertThat(store.listSessions(TENANT_B, INTEGRATION_A, 10)).isEmpty();
    assertThat(store.recentMessages(TENANT_B, session.id(), 10)).isEmpty();
    assertThat(store.findMessageByKey(TENANT_B, "reply-1")).isEmpty();
    assertThat(store.findMessageByPlatformId(TENANT_B, INTEGRATION_A, "wamid.2")).isEmpty();
    assertThat(store.turns(TENANT_B, TurnQuery.forSession(session.id()))).isEmpty();
    assertThat(store.counts(TENANT_B, INTEGRATION_A, Instant.EPOCH, Instant.EPOCH))
        .isEqualTo(new Counts(0, 0, 0, 0, Duration.ZERO));
    assertThat(store.openSession(TENANT_B, INTEGRATION_A, "user-1", "", "", T0).id())
        .isNotEqualTo(session.id());
  }

  @Test
  void tenantCannotChangeOrDeleteAnotherTenantsConversations() {
    ChatSession session = open("user-1");
    ChatMessage stored = message("m-1", session, "reply-1", T0);
    store.appendMessage(stored);
    ChatSession hijackedSession = new ChatSession(session.id(), TENANT_B, INTEGRATION_A,
        "user-1", "", "", SessionState.CLOSED, 9, T0, T0.plusSeconds(5));
    ChatMessage hijackedMessage = new ChatMessage("m-1", TENANT_B, session.id(), INTEGRATION_A,
        MessageRole.AGENT, "changed", "x", "reply-1", DeliveryState.FAILED, "boom", T0);

    store.updateSession(hijackedSession);
    store.updateMessage(hijackedMessage);
    store.deleteAll(TENANT_B, INTEGRATION_A);

    assertThat(store.findSession(TENANT_A, session.id())).contains(session);
    assertThat(store.findSession(TENANT_B, session.id())).isEmpty();
    assertThat(store.findMessageByKey(TENANT_A, "reply-1")).contains(stored);
    assertThat(store.recentMessages(TENANT_A, session.id(), 10)).containsExactly(stored);
    assertThat(open("user-1")).isEqualTo(session);
  }
}
