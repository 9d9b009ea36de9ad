package io.wacanda.spring;

import io.wacanda.TenantId;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.ChatSession;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.conversation.TurnMetrics;
import io.wacanda.conversation.TurnQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Delegates every call and tells a {@link StoreObserver} about recorded bot turns. */
final class ObservedConversationStore implements ConversationStore {
  private final ConversationStore delegate;
  private final StoreObserver observer;

  ObservedConversationStore(ConversationStore delegate, StoreObserver observer) {
    this.delegate = delegate;
    this.observer = observer;
  }

  @Override
  public ChatSession openSession(TenantId tenant, String integrationId, String senderId,
      String chatId, String senderName, Instant now) {
    return delegate.openSession(tenant, integrationId, senderId, chatId, senderName, now);
  }

  @Override
  public Optional<ChatSession> findSession(TenantId tenant, String sessionId) {
    return delegate.findSession(tenant, sessionId);
  }

  @Override
  public void updateSession(ChatSession session) {
    delegate.updateSession(session);
  }

  @Override
  public List<ChatSession> listSessions(TenantId tenant, String integrationId, int limit) {
    return delegate.listSessions(tenant, integrationId, limit);
  }

  @Override
  public boolean appendMessage(ChatMessage message) {
    return delegate.appendMessage(message);
  }

  @Override
  public void updateMessage(ChatMessage message) {
    delegate.updateMessage(message);
  }

  @Override
  public Optional<ChatMessage> findMessageByKey(TenantId tenant, String idempotencyKey) {
    return delegate.findMessageByKey(tenant, idempotencyKey);
  }

  @Override
  public Optional<ChatMessage> findMessageByPlatformId(TenantId tenant, String integrationId,
      String platformMessageId) {
    return delegate.findMessageByPlatformId(tenant, integrationId, platformMessageId);
  }

  @Override
  public List<ChatMessage> recentMessages(TenantId tenant, String sessionId, int limit) {
    return delegate.recentMessages(tenant, sessionId, limit);
  }

  @Override
  public void recordTurn(TurnMetrics turn) {
    delegate.recordTurn(turn);
    observer.turnRecorded(turn);
  }

  @Override
  public List<TurnMetrics> turns(TenantId tenant, TurnQuery query) {
    return delegate.turns(tenant, query);
  }

  @Override
  public Counts counts(TenantId tenant, String integrationId, Instant activeSince,
      Instant todayStart) {
    return delegate.counts(tenant, integrationId, activeSince, todayStart);
  }

  @Override
  public void deleteAll(TenantId tenant, String integrationId) {
    delegate.deleteAll(tenant, integrationId);
  }

  @Override
  public String toString() {
    return "Observed[" + delegate + "]";
  }
}
