package io.wacanda.conversation;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sessions, messages and turn analytics. Thread-safe; every call scoped by tenant. */
public interface ConversationStore {

  /**
   * The open (not CLOSED) session of this sender on this integration, or a new one in state BOT.
   * Atomic: two concurrent calls for the same sender get the same session.
   */
  ChatSession openSession(TenantId tenant, String integrationId, String senderId, String chatId,
      String senderName, Instant now);

  Optional<ChatSession> findSession(TenantId tenant, String sessionId);

  /** Replaces a session by id (state, counters, last message time). */
  void updateSession(ChatSession session);

  /** The integration's sessions, most recently active first, at most {@code limit}. */
  List<ChatSession> listSessions(TenantId tenant, String integrationId, int limit);

  /**
   * Appends a message. When it carries an idempotency key that is already stored, nothing is
   * written and {@code false} is returned.
   */
  boolean appendMessage(ChatMessage message);

  /** Replaces a message by id (delivery state, platform id). */
  void updateMessage(ChatMessage message);

  Optional<ChatMessage> findMessageByKey(TenantId tenant, String idempotencyKey);

  Optional<ChatMessage> findMessageByPlatformId(TenantId tenant, String integrationId,
      String platformMessageId);

  /** The last {@code limit} messages of a session, oldest first. */
  List<ChatMessage> recentMessages(TenantId tenant, String sessionId, int limit);

  void recordTurn(TurnMetrics turn);

  List<TurnMetrics> turns(TenantId tenant, TurnQuery query);

  /** Counters for statistics. */
  Counts counts(TenantId tenant, String integrationId, Instant activeSince, Instant todayStart);

  /** Removes every session, message and turn of an integration (the integration was deleted). */
  void deleteAll(TenantId tenant, String integrationId);

  /**
   * @param activeSessions sessions whose last message is at or after {@code activeSince}
   * @param averageResponseTime mean of recorded turn response times; zero when none
   */
  record Counts(long totalSessions, long activeSessions, long totalMessages, long messagesToday,
      Duration averageResponseTime) {}
}
