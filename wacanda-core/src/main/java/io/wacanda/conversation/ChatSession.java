package io.wacanda.conversation;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A conversation between one customer and one integration.
 *
 * @param chatId where replies go on the platform
 * @param unansweredCount consecutive customer questions the bot could not answer with confidence
 */
public record ChatSession(
    String id,
    TenantId tenant,
    String integrationId,
    String senderId,
    String chatId,
    String senderName,
    SessionState state,
    int unansweredCount,
    Instant createdAt,
    Instant lastMessageAt) {

  public ChatSession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(integrationId, "integrationId");
    Objects.requireNonNull(senderId, "senderId");
    chatId = chatId == null || chatId.isEmpty() ? senderId : chatId;
    senderName = senderName == null ? "" : senderName;
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastMessageAt, "lastMessageAt");
  }

  public ChatSession withState(SessionState newState) {
    return new ChatSession(id, tenant, integrationId, senderId, chatId, senderName, newState,
        unansweredCount, createdAt, lastMessageAt);
  }

  public ChatSession withUnanswered(int count) {
    return new ChatSession(id, tenant, integrationId, senderId, chatId, senderName, state, count,
        createdAt, lastMessageAt);
  }

  public ChatSession touchedAt(Instant at) {
    return new ChatSession(id, tenant, integrationId, senderId, chatId, senderName, state,
        unansweredCount, createdAt, at);
  }

  public ChatSession withChatId(String newChatId) {
    return new ChatSession(id, tenant, integrationId, senderId, newChatId, senderName, state,
        unansweredCount, createdAt, lastMessageAt);
  }
}
