package io.wacanda.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.WacandaException;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.InboundMessage;
import io.wacanda.handoff.HandoffReason;
import io.wacanda.handoff.HandoffRequest;
import io.wacanda.handoff.HandoffStatus;
import io.wacanda.handoff.Urgency;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.RetryPolicy;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.Integration;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.testing.FixedRagEngine;
import io.wacanda.testing.MutableClock;
import io.wacanda.testing.RecordingProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConversationEngineTest {
  private static final TenantId TENANT = TenantId.of("shop");
  private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
  private final RecordingProvider channel = new RecordingProvider();
  private final FixedRagEngine rag = new FixedRagEngine()
      .answer("How do returns work?", "You can return items within 30 days.", 0.8)
      .fallback("Nothing relevant.", 0.15);
  private final InMemoryWebhookEventStore events = new InMemoryWebhookEventStore();
  private Wacanda wacanda;
  private Integration integration;

  @BeforeEach
  void setUp() {
    wacanda = Wacanda.builder()
        .clock(clock)
        .secretKey("k1", SecretCipher.deriveKey("a-test-secret-that-is-long-enough-for-aes"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of("admin-token-for-tests", TENANT))
        .ragEngine(rag)
        .webhookEventStore(events)
        .provider(channel)
        .inboxConfig(WebhookInbox.Config.defaults().withRetryPolicy(
            new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1)))
        .build();
    integration = wacanda.integrations().create(TENANT, "recording", "Test", Map.of())
        .integration();
  }

  @AfterEach
  void tearDown() {
    wacanda.close();
  }

  private HttpResponse deliver(String sender, String messageId, String text) {
    return wacanda.httpHandler().handle(new HttpRequest("POST", "/webhooks/" + integration.id(),
        Map.of(), Map.of(), (sender + "|" + messageId + "|" + text)
            .getBytes(StandardCharsets.UTF_8), "127.0.0.1"));
  }

  @Test
  void answersFromTheKnowledgeBaseOnTheCustomersChannel() {
    assertThat(deliver("cust-1", "m1", "How do returns work?").status()).isEqualTo(200);
    assertThat(channel.sent).isEmpty(); // nothing happens before a worker runs
    wacanda.inbox().drain();
    assertThat(channel.sentTexts()).containsExactly("You can return items within 30 days.");
    assertThat(channel.sent.get(0).recipientId()).isEqualTo("cust-1");
  }

  @Test
  void aRedeliveredWebhookNeverProducesASecondReply() {
    deliver("cust-1", "m1", "How do returns work?");
    wacanda.inbox().drain();
    deliver("cust-1", "m1", "How do returns work?");
    deliver("cust-1", "m1", "How do returns work?");
    wacanda.inbox().drain();
    assertThat(channel.sent).hasSize(1);
  }

  @Test
  void aRetriedTurnDoesNotResendPartsAlreadySent() {
    rag.answer("long", "A".repeat(30) + ". " + "B".repeat(30) + ". " + "C".repeat(30) + ".", 0.9);
    Integration small = wacanda.integrations().create(TENANT, "recording", "Small",
        Map.of("max_text", "40")).integration();
    wacanda.httpHandler().handle(new HttpRequest("POST", "/webhooks/" + small.id(), Map.of(),
        Map.of(), "c|m1|long".getBytes(StandardCharsets.UTF_8), ""));
    channel.failSendAttempt.set(2); // part 0 goes out, part 1 fails, the inbox retries
    wacanda.inbox().drain();
    assertThat(channel.sentTexts()).hasSize(3);
    assertThat(channel.sentTexts()).doesNotHaveDuplicates();
    assertThat(channel.sent).extracting(m -> m.idempotencyKey())
        .allSatisfy(k -> assertThat(k).startsWith("out:" + small.id() + ":m1:"));
  }

  @Test
  void deadLettersAfterTheConfiguredAttemptsWithTheError() {
    channel.failNextSends.set(10);
    deliver("cust-1", "m1", "How do returns work?");
    wacanda.inbox().drain();
    var dead = events.list(TENANT, integration.id(), Optional.of(EventStatus.DEAD), 10);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).attempts()).isEqualTo(3);
    assertThat(dead.get(0).lastError()).contains("simulated outage");
    assertThat(channel.sent).isEmpty();
  }

  @Test
  void handsOffWhenTheCustomerAsksForAPersonAndTellsThem() {
    TurnResult turn = wacanda.conversations().chat(integration,
        msg("m1", "I want to talk to a human, this is urgent"), ChannelLimits.textOnly(4096));
    assertThat(turn.handoff()).isTrue();
    assertThat(turn.handoffReason()).contains(HandoffReason.CUSTOMER_REQUEST);
    assertThat(turn.reply()).contains("member of our team");
    HandoffRequest request = wacanda.handoffs().activeForSession(TENANT, turn.sessionId())
        .orElseThrow();
    assertThat(request.urgency()).isEqualTo(Urgency.HIGH);
    assertThat(wacanda.conversationStore().findSession(TENANT, turn.sessionId()).orElseThrow()
        .state()).isEqualTo(SessionState.HANDED_OFF);
  }

  @Test
  void whileHandedOffTheBotIsRefusedAtTheSendPathAndCustomerMessagesGoToTheAgent() {
    TurnResult turn = wacanda.conversations().chat(integration, msg("m1", "agent"),
        ChannelLimits.textOnly(4096));
    ChatSession session = wacanda.conversationStore().findSession(TENANT, turn.sessionId())
        .orElseThrow();
    assertThatThrownBy(() -> wacanda.conversations().sendAsBot(integration, session, "hi",
        List.of(), m -> Optional.empty(), ChannelLimits.textOnly(4096), "k"))
        .isInstanceOf(WacandaException.class)
        .extracting(e -> ((WacandaException) e).code()).isEqualTo(ErrorCode.HANDED_OFF);

    TurnResult second = wacanda.conversations().chat(integration,
        msg("m2", "How do returns work?"), ChannelLimits.textOnly(4096));
    assertThat(second.reply()).isEmpty();
    assertThat(second.handoff()).isTrue();
    assertThat(wacanda.conversationStore().recentMessages(TENANT, session.id(), 10))
        .extracting(ChatMessage::text).contains("How do returns work?");
  }

  @Test
  void agentRepliesGoOutOnTheCustomersChannelAndResolvingGivesTheSessionBack() {
    deliver("cust-9", "m1", "can I speak to someone please");
    wacanda.inbox().drain();
    HandoffRequest request = wacanda.handoffs().list(TENANT, Optional.of(HandoffStatus.OPEN), 10)
        .get(0);
    assertThatThrownBy(() -> wacanda.conversations().agentReply(TENANT, request.id(), "ana", "Hi"))
        .extracting(e -> ((WacandaException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
    wacanda.handoffs().claim(TENANT, request.id(), "ana", clock.instant());
    wacanda.conversations().agentReply(TENANT, request.id(), "ana", "Hi, I'm Ana. Let me check.");
    assertThat(channel.sentTexts()).last().isEqualTo("Hi, I'm Ana. Let me check.");
    assertThat(channel.sent.get(channel.sent.size() - 1).recipientId()).isEqualTo("cust-9");

    wacanda.conversations().resolve(TENANT, request.id());
    assertThat(channel.sentTexts()).last().asString().contains("virtual assistant");
    deliver("cust-9", "m2", "How do returns work?");
    wacanda.inbox().drain();
    assertThat(channel.sentTexts()).last().isEqualTo("You can return items within 30 days.");
  }

  @Test
  void theBotResumesAfterTheIdleTimeout() {
    TurnResult turn = wacanda.conversations().chat(integration, msg("m1", "human please"),
        ChannelLimits.textOnly(4096));
    assertThat(wacanda.conversations().resumeIdleSessions()).isZero();
    clock.advance(EngineConfig.DEFAULT_HANDOFF_IDLE_TIMEOUT.plusMinutes(1));
    assertThat(wacanda.conversations().resumeIdleSessions()).isEqualTo(1);
    assertThat(wacanda.handoffs().activeForSession(TENANT, turn.sessionId())).isEmpty();
    assertThat(wacanda.conversationStore().findSession(TENANT, turn.sessionId()).orElseThrow()
        .state()).isEqualTo(SessionState.BOT);
  }

  @Test
  void lowConfidenceOffersAPersonAsANumberedMenuThenHandsOffAfterRepeatedFailures() {
    TurnResult first = wacanda.conversations().chat(integration, msg("m1", "zzz"),
        ChannelLimits.textOnly(4096));
    assertThat(first.handoff()).isFalse();
    assertThat(first.reply()).contains("couldn't find").contains("1. Talk to a person");
    TurnResult second = wacanda.conversations().chat(integration, msg("m2", "qqq"),
        ChannelLimits.textOnly(4096));
    assertThat(second.handoff()).isTrue();
    assertThat(second.handoffReason()).contains(HandoffReason.REPEATED_FAILURE);
  }

  @Test
  void choosingTheMenuNumberAsksForAPerson() {
    wacanda.conversations().chat(integration, msg("m1", "zzz"), ChannelLimits.textOnly(4096));
    TurnResult pick = wacanda.conversations().chat(integration, msg("m2", "1"),
        ChannelLimits.textOnly(4096));
    assertThat(pick.handoffReason()).contains(HandoffReason.CUSTOMER_REQUEST);
  }

  @Test
  void veryLowConfidenceHandsOffAtOnce() {
    rag.fallback("nothing", 0.01);
    TurnResult turn = wacanda.conversations().chat(integration, msg("m1", "xyz"),
        ChannelLimits.textOnly(4096));
    assertThat(turn.handoffReason()).contains(HandoffReason.LOW_CONFIDENCE);
  }

  @Test
  void recordsTurnAnalyticsPerSessionIntegrationAndChannel() {
    TurnResult turn = wacanda.conversations().chat(integration, msg("m1", "How do returns work?"),
        ChannelLimits.textOnly(4096));
    wacanda.conversations().chat(integration, msg("m2", "agent"), ChannelLimits.textOnly(4096));
    ConversationStore store = wacanda.conversationStore();
    assertThat(store.turns(TENANT, TurnQuery.forSession(turn.sessionId()))).hasSize(2);
    assertThat(store.turns(TENANT, TurnQuery.forIntegration(integration.id())))
        .extracting(TurnMetrics::handoffReason).containsExactlyInAnyOrder("", "CUSTOMER_REQUEST");
    assertThat(store.turns(TENANT, TurnQuery.forChannelType("recording")))
        .anySatisfy(t -> {
          assertThat(t.retrievalHits()).isEqualTo(1);
          assertThat(t.topScore()).isEqualTo(0.8);
        });
  }

  @Test
  void splitsRepliesToTheChannelLimit() {
    rag.answer("long", ("Sentence number one is here. ").repeat(20), 0.9);
    Integration small = wacanda.integrations().create(TENANT, "recording", "Small",
        Map.of("max_text", "100")).integration();
    wacanda.httpHandler().handle(new HttpRequest("POST", "/webhooks/" + small.id(), Map.of(),
        Map.of(), "c|m1|long".getBytes(StandardCharsets.UTF_8), ""));
    wacanda.inbox().drain();
    assertThat(channel.sent).hasSizeGreaterThan(5)
        .allSatisfy(m -> assertThat(m.text().length()).isLessThanOrEqualTo(100));
  }

  @Test
  void aCustomerWhoBlockedTheBotClosesTheSessionWithoutRetries() {
    channel.blocked.add("cust-b");
    deliver("cust-b", "m1", "How do returns work?");
    wacanda.inbox().drain();
    assertThat(events.list(TENANT, integration.id(), Optional.of(EventStatus.PROCESSED), 10))
        .hasSize(1);
    ChatSession closed = wacanda.conversationStore().listSessions(TENANT, integration.id(), 10)
        .stream().filter(x -> x.senderId().equals("cust-b")).findFirst().orElseThrow();
    assertThat(closed.state()).isEqualTo(SessionState.CLOSED);
    assertThat(channel.sent).isEmpty();
  }

  private InboundMessage msg(String id, String text) {
    return InboundMessage.text(id, "cust-1", "Jo", clock.instant(), text);
  }
}
