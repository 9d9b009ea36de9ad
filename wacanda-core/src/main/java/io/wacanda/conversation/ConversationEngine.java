package io.wacanda.conversation;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.OutboundMessage.Button;
import io.wacanda.channel.SendResult;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.handoff.HandoffReason;
import io.wacanda.handoff.HandoffRequest;
import io.wacanda.handoff.Urgency;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationService;
import io.wacanda.internal.Ids;
import io.wacanda.rag.Answer;
import io.wacanda.rag.RagEngine;
import io.wacanda.rag.Source;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns customer messages into replies. One session per (integration, sender); answers come from
 * the {@link RagEngine} with recent history; a human takes over when the customer asks for one,
 * when the knowledge base has no confident answer, or after repeated unanswered questions.
 *
 * <p>Handoff is enforced here, on the send path: while a handoff request is active for a session,
 * every bot send for it is refused with {@link ErrorCode#HANDED_OFF}; customer messages are recorded
 * for the agent and agent replies go out on the customer's channel. Every outbound message carries
 * an idempotency key derived from the inbound message, so a retried turn never sends a part twice.
 * Thread-safe.
 */
public final class ConversationEngine {
  private static final Logger log = LoggerFactory.getLogger(ConversationEngine.class);
  static final String HANDOFF_BUTTON_ID = "wacanda:handoff";

  private final ConversationStore store;
  private final HandoffQueue handoffs;
  private final RagEngine rag;
  private final IntegrationService integrations;
  private final Clock clock;
  private final EngineConfig config;
  private final List<Consumer<HandoffRequest>> handoffListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ChatMessage>> messageListeners = new CopyOnWriteArrayList<>();

  @jakarta.inject.Inject
  public ConversationEngine(ConversationStore store, HandoffQueue handoffs, RagEngine rag,
      IntegrationService integrations, Clock clock, EngineConfig config) {
    this.store = Objects.requireNonNull(store, "store");
    this.handoffs = Objects.requireNonNull(handoffs, "handoffs");
    this.rag = Objects.requireNonNull(rag, "rag");
    this.integrations = Objects.requireNonNull(integrations, "integrations");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Called for every new handoff request (to alert agents). */
  public void onHandoff(Consumer<HandoffRequest> listener) {
    handoffListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Called for every stored message, inbound and outbound. */
  public void onMessage(Consumer<ChatMessage> listener) {
    messageListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public EngineConfig config() {
    return config;
  }

  // ------------------------------------------------------------- entries

  /** Processes one stored inbound event for an integration (the inbox worker path). */
  public void process(Integration integration, InboundEvent event) {
    if (event instanceof InboundEvent.Message m) {
      Channel channel = integrations.channel(integration);
      turn(integration, m.message(), new ChannelDelivery(channel), channel.limits());
    } else if (event instanceof InboundEvent.Status s) {
      updateDelivery(integration, s);
    } else if (event instanceof InboundEvent.ConversationClosed c) {
      close(integration, c);
    } else if (event instanceof InboundEvent.Ignored i) {
      log.debug("Ignored event {} of integration {}", i.key(), integration.id());
    }
  }

  /**
   * Answers one message synchronously without sending it on a channel (the external API's
   * {@code chat} action): the reply is returned to the caller.
   */
  public TurnResult chat(Integration integration, InboundMessage message, ChannelLimits limits) {
    return turn(integration, message, CollectingDelivery.INSTANCE, limits);
  }

  // ---------------------------------------------------------------- turn

  private TurnResult turn(Integration integration, InboundMessage in, Delivery delivery,
      ChannelLimits limits) {
    long started = System.nanoTime();
    TenantId tenant = integration.tenant();
    Instant now = clock.instant();
    ChatSession session = store.openSession(tenant, integration.id(), in.senderId(), in.chatId(),
        in.senderName(), now);
    if (!session.chatId().equals(in.chatId())) {
      session = session.withChatId(in.chatId());
    }
    String text = in.content().asText().strip();
    List<ChatMessage> history = store.recentMessages(tenant, session.id(), config.historySize());
    store.appendMessage(new ChatMessage(Ids.next("msg"), tenant, session.id(), integration.id(),
        MessageRole.CUSTOMER, describe(in.content()), in.messageId(),
        "in:" + integration.id() + ":" + in.messageId(), DeliveryState.SENT, "", now));
    session = session.touchedAt(now);
    store.updateSession(session);
    publishLast(tenant, session.id());

    Optional<HandoffRequest> active = handoffs.activeForSession(tenant, session.id());
    if (active.isPresent()) {
      handoffs.touch(tenant, active.get().id(), now);
      log.debug("Session {} is handed off; message goes to the agent", session.id());
      return new TurnResult(session.id(), "", List.of(), 0.0, true, Optional.empty());
    }
    String keyBase = "out:" + integration.id() + ":" + in.messageId();

    if (in.content() instanceof MessageContent.Reaction) {
      return new TurnResult(session.id(), "", List.of(), 0.0, false, Optional.empty());
    }
    if (in.content() instanceof MessageContent.InteractiveReply r
        && r.id().equals(HANDOFF_BUTTON_ID)) {
      return handOff(integration, session, HandoffReason.CUSTOMER_REQUEST, text, delivery, limits,
          keyBase, started, 0, null);
    }
    Optional<String> lastBot = history.stream().filter(m -> m.role() == MessageRole.BOT)
        .reduce((a, b) -> b).map(ChatMessage::text);
    if (lastBot.isPresent()) {
      Optional<String> choice = ReplyShaper.menuChoice(text, lastBot.get());
      if (choice.isPresent() && choice.get().equals(config.messages().talkToPerson())) {
        return handOff(integration, session, HandoffReason.CUSTOMER_REQUEST, text, delivery,
            limits, keyBase, started, 0, null);
      }
      if (choice.isPresent()) {
        text = choice.get();
      }
    }
    if (text.isEmpty()) {
      String reply = config.messages().mediaWithoutText();
      sendAsBot(integration, session, reply, List.of(), delivery, limits, keyBase);
      return new TurnResult(session.id(), reply, List.of(), 0.0, false, Optional.empty());
    }
    if (config.asksForHuman(text)) {
      return handOff(integration, session, HandoffReason.CUSTOMER_REQUEST, text, delivery, limits,
          keyBase, started, 0, null);
    }

    Optional<String> smallTalk = config.smallTalkReply(text);
    if (smallTalk.isPresent()) {
      String sent = sendAsBot(integration, session, smallTalk.get(), List.of(), delivery, limits,
          keyBase);
      return new TurnResult(session.id(), sent, List.of(), 1.0, false, Optional.empty());
    }
    Answer answer = rag.answer(tenant, text, history);
    double confidence = answer.confidence();
    if (confidence < config.handoffConfidence()) {
      return handOff(integration, session, HandoffReason.LOW_CONFIDENCE, text, delivery, limits,
          keyBase, started, confidence, answer);
    }
    if (confidence < config.minConfidence()) {
      int unanswered = session.unansweredCount() + 1;
      session = session.withUnanswered(unanswered);
      store.updateSession(session);
      if (config.maxUnanswered() > 0 && unanswered >= config.maxUnanswered()) {
        return handOff(integration, session, HandoffReason.REPEATED_FAILURE, text, delivery,
            limits, keyBase, started, confidence, answer);
      }
      String reply = config.messages().notUnderstood();
      List<Button> buttons = List.of(new Button(HANDOFF_BUTTON_ID,
          config.messages().talkToPerson()));
      String sent = sendAsBot(integration, session, reply, buttons, delivery, limits, keyBase);
      record(integration, session, started, answer, "");
      return new TurnResult(session.id(), sent, answer.sources(), confidence, false,
          Optional.empty());
    }
    if (session.unansweredCount() > 0) {
      session = session.withUnanswered(0);
      store.updateSession(session);
    }
    String sent = sendAsBot(integration, session, answer.text(), List.of(), delivery, limits,
        keyBase);
    record(integration, session, started, answer, "");
    return new TurnResult(session.id(), sent, answer.sources(), confidence, false,
        Optional.empty());
  }

  private TurnResult handOff(Integration integration, ChatSession session, HandoffReason reason,
      String text, Delivery delivery, ChannelLimits limits, String keyBase, long started,
      double confidence, Answer answer) {
    TenantId tenant = integration.tenant();
    Instant now = clock.instant();
    Urgency urgency = config.soundsUrgent(text) ? Urgency.HIGH
        : reason == HandoffReason.CUSTOMER_REQUEST ? Urgency.MEDIUM : Urgency.LOW;
    // Tell the customer first: once the request exists, the bot may not send any more.
    String notice = sendAsBot(integration, session, config.messages().handoff(), List.of(),
        delivery, limits, keyBase);
    HandoffRequest request = handoffs.request(HandoffRequest.open(Ids.next("hof"), tenant,
        session.id(), integration.id(), reason, urgency, text, now));
    store.updateSession(session.withState(SessionState.HANDED_OFF).withUnanswered(0));
    log.info("Session {} handed off ({}, {})", session.id(), reason, urgency);
    handoffListeners.forEach(l -> l.accept(request));
    Answer a = answer != null ? answer : new Answer("", List.of(), confidence, Optional.empty());
    record(integration, session, started, a, reason.name());
    return new TurnResult(session.id(), notice, a.sources(), confidence, true,
        Optional.of(reason));
  }

  // ------------------------------------------------------------ send path

  /**
   * Sends a bot reply, split to the channel's limits, each part under its own idempotency key.
   * Refused while the session is handed off.
   *
   * @return the text actually sent (parts joined)
   */
  String sendAsBot(Integration integration, ChatSession session, String text,
      List<Button> buttons, Delivery delivery, ChannelLimits limits, String keyBase) {
    if (handoffs.activeForSession(integration.tenant(), session.id()).isPresent()) {
      throw new WacandaException(ErrorCode.HANDED_OFF,
          "session " + session.id() + " is handed off to a human; the bot may not send");
    }
    return send(integration, session, MessageRole.BOT, text, buttons, delivery, limits, keyBase);
  }

  private String send(Integration integration, ChatSession session, MessageRole role,
      String text, List<Button> buttons, Delivery delivery, ChannelLimits limits,
      String keyBase) {
    String body = text;
    List<Button> fitted = List.of();
    if (!buttons.isEmpty()) {
      if (limits.supportsButtons()) {
        fitted = ReplyShaper.fit(buttons, limits);
      } else {
        body = ReplyShaper.withMenu(text, buttons);
      }
    }
    List<String> parts = ReplyShaper.split(body, limits.maxTextLength());
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String key = keyBase + ":" + i;
      String part = parts.get(i);
      boolean last = i == parts.size() - 1;
      sent.add(part);
      Optional<ChatMessage> earlier = store.findMessageByKey(integration.tenant(), key);
      if (earlier.isPresent() && earlier.get().delivery() != DeliveryState.PENDING
          && earlier.get().delivery() != DeliveryState.FAILED) {
        continue; // sent by an earlier attempt of this turn
      }
      ChatMessage msg = earlier.orElseGet(() -> new ChatMessage(Ids.next("msg"),
          integration.tenant(), session.id(), integration.id(), role, part,
          "", key, DeliveryState.PENDING, "", clock.instant()));
      if (earlier.isEmpty()) {
        store.appendMessage(msg);
      }
      OutboundMessage out = new OutboundMessage(session.chatId(), part,
          last ? fitted : List.of(), Optional.empty(), key);
      try {
        Optional<SendResult> result = delivery.deliver(out);
        ChatMessage done = msg.withDelivery(DeliveryState.SENT,
            result.map(SendResult::platformMessageId).orElse(""), "");
        store.updateMessage(done);
        messageListeners.forEach(l -> l.accept(done));
      } catch (WacandaException e) {
        store.updateMessage(msg.withDelivery(DeliveryState.FAILED, "", e.getMessage()));
        if (e.code() == ErrorCode.RECIPIENT_UNREACHABLE) {
          closeUnreachable(integration, session, e.getMessage());
          break;
        }
        throw e;
      } catch (RuntimeException e) {
        store.updateMessage(msg.withDelivery(DeliveryState.FAILED, "", e.getMessage()));
        throw e;
      }
    }
    return String.join("\n\n", sent);
  }

  // -------------------------------------------------------------- agents

  /**
   * Sends an agent's reply on the customer's channel. The agent must hold the request (claim it
   * first).
   */
  public ChatMessage agentReply(TenantId tenant, String handoffId, String agentId, String text) {
    if (text == null || text.isBlank()) {
      throw WacandaException.invalid("text is required");
    }
    HandoffRequest request = handoffs.find(tenant, handoffId)
        .orElseThrow(() -> WacandaException.notFound("handoff", handoffId));
    if (!request.active()) {
      throw WacandaException.conflict("handoff " + handoffId + " is resolved");
    }
    if (!request.assignedAgent().map(agentId::equals).orElse(false)) {
      throw new WacandaException(ErrorCode.FORBIDDEN,
          "handoff " + handoffId + " is not held by agent " + agentId + "; claim it first");
    }
    ChatSession session = store.findSession(tenant, request.sessionId())
        .orElseThrow(() -> WacandaException.notFound("session", request.sessionId()));
    Integration integration = integrations.get(tenant, request.integrationId());
    Channel channel = integrations.channel(integration);
    String key = "agent:" + Ids.next("rep");
    send(integration, session, MessageRole.AGENT, text.strip(), List.of(),
        new ChannelDelivery(channel), channel.limits(), key);
    handoffs.touch(tenant, handoffId, clock.instant());
    return store.findMessageByKey(tenant, key + ":0").orElseThrow();
  }

  /** Resolves a handoff and gives the session back to the bot, telling the customer. */
  public HandoffRequest resolve(TenantId tenant, String handoffId) {
    HandoffRequest resolved = handoffs.resolve(tenant, handoffId, clock.instant());
    resume(resolved);
    return resolved;
  }

  /**
   * Resolves handoffs with no activity for the configured idle timeout and gives their sessions
   * back to the bot. Called periodically by the runtime.
   *
   * @return how many sessions were resumed
   */
  public int resumeIdleSessions() {
    Instant idleSince = clock.instant().minus(config.handoffIdleTimeout());
    int n = 0;
    for (HandoffRequest r : handoffs.idleSince(idleSince, 100)) {
      try {
        HandoffRequest resolved = handoffs.resolve(r.tenant(), r.id(), clock.instant());
        resume(resolved);
        n++;
      } catch (WacandaException e) {
        log.debug("Handoff {} changed while resuming: {}", r.id(), e.getMessage());
      }
    }
    return n;
  }

  private void resume(HandoffRequest resolved) {
    Optional<ChatSession> session = store.findSession(resolved.tenant(), resolved.sessionId());
    if (session.isEmpty() || session.get().state() == SessionState.CLOSED) {
      return;
    }
    store.updateSession(session.get().withState(SessionState.BOT).withUnanswered(0));
    log.info("Session {} is back with the bot", resolved.sessionId());
    try {
      Integration integration = integrations.get(resolved.tenant(), resolved.integrationId());
      if (integration.enabled()) {
        Channel channel = integrations.channel(integration);
        sendAsBot(integration, session.get(), config.messages().resumed(), List.of(),
            new ChannelDelivery(channel), channel.limits(), "resume:" + resolved.id());
      }
    } catch (RuntimeException e) {
      log.warn("Could not tell session {} that the bot is back: {}", resolved.sessionId(),
          e.getMessage());
    }
  }

  // ---------------------------------------------------------- other events

  private void updateDelivery(Integration integration, InboundEvent.Status status) {
    store.findMessageByPlatformId(integration.tenant(), integration.id(),
        status.platformMessageId()).ifPresent(m -> {
          if (rank(status.state()) > rank(m.delivery())) {
            store.updateMessage(m.withDelivery(status.state(), "", status.error()));
          }
        });
  }

  private static int rank(DeliveryState s) {
    return switch (s) {
      case PENDING -> 0;
      case SENT -> 1;
      case DELIVERED -> 2;
      case READ -> 3;
      case FAILED -> 4;
    };
  }

  /** The platform says the customer cannot be reached: close the session, end any handoff. */
  private void closeUnreachable(Integration integration, ChatSession session, String why) {
    TenantId tenant = integration.tenant();
    handoffs.activeForSession(tenant, session.id())
        .ifPresent(r -> handoffs.resolve(tenant, r.id(), clock.instant()));
    store.findSession(tenant, session.id())
        .ifPresent(s -> store.updateSession(s.withState(SessionState.CLOSED)));
    log.info("Session {} closed: recipient unreachable ({})", session.id(), why);
  }

  private void close(Integration integration, InboundEvent.ConversationClosed closed) {
    TenantId tenant = integration.tenant();
    ChatSession session = store.openSession(tenant, integration.id(), closed.senderId(),
        closed.senderId(), "", clock.instant());
    handoffs.activeForSession(tenant, session.id())
        .ifPresent(r -> handoffs.resolve(tenant, r.id(), clock.instant()));
    store.updateSession(session.withState(SessionState.CLOSED));
    log.info("Session {} closed: {}", session.id(), closed.reason());
  }

  // ---------------------------------------------------------- analytics

  private void record(Integration integration, ChatSession session, long started, Answer answer,
      String handoffReason) {
    store.recordTurn(new TurnMetrics(Ids.next("trn"), integration.tenant(), session.id(),
        integration.id(), integration.type(), clock.instant(),
        Duration.ofNanos(System.nanoTime() - started), answer.sources().size(),
        answer.topScore(), answer.confidence(),
        answer.usage().map(u -> u.inputTokens()).orElse(0L),
        answer.usage().map(u -> u.outputTokens()).orElse(0L),
        answer.usage().map(u -> u.latency()).orElse(Duration.ZERO), handoffReason));
  }

  private void publishLast(TenantId tenant, String sessionId) {
    if (messageListeners.isEmpty()) {
      return;
    }
    List<ChatMessage> last = store.recentMessages(tenant, sessionId, 1);
    last.forEach(m -> messageListeners.forEach(l -> l.accept(m)));
  }

  private static String describe(MessageContent content) {
    if (content instanceof MessageContent.Text t) {
      return t.body();
    } else if (content instanceof MessageContent.Media m) {
      return "[" + m.mediaKind().name().toLowerCase(java.util.Locale.ROOT) + "]"
          + (m.caption().isEmpty() ? "" : " " + m.caption());
    } else if (content instanceof MessageContent.Location l) {
      return "[location " + l.latitude() + "," + l.longitude() + "]"
          + (l.name().isEmpty() ? "" : " " + l.name());
    } else if (content instanceof MessageContent.Reaction r) {
      return "[reaction " + r.emoji() + "]";
    } else if (content instanceof MessageContent.Contact c) {
      return "[contact " + c.name() + "]";
    } else if (content instanceof MessageContent.Unsupported u) {
      return "[" + u.platformType() + "]";
    }
    return content.asText();
  }

  /** Where a bot or agent message goes. */
  interface Delivery {
    Optional<SendResult> deliver(OutboundMessage message);
  }

  private record ChannelDelivery(Channel channel) implements Delivery {
    @Override
    public Optional<SendResult> deliver(OutboundMessage message) {
      return Optional.of(channel.send(message));
    }
  }

  private enum CollectingDelivery implements Delivery {
    INSTANCE;

    @Override
    public Optional<SendResult> deliver(OutboundMessage message) {
      return Optional.empty();
    }
  }
}
