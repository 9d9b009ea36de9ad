package io.wacanda.conversation;

import io.wacanda.TenantId;
import io.wacanda.channel.DeliveryState;
import java.time.Instant;
import java.util.Objects;

/**
 * One message of a session.
 *
 * @param platformMessageId the platform's id (inbound, or returned by a send); empty when unknown
 * @param idempotencyKey for outbound messages, unique per logical send; empty for inbound
 * @param delivery delivery state for outbound messages; {@code SENT} for inbound ones
 */
public record ChatMessage(
    String id,
    TenantId tenant,
    String sessionId,
    String integrationId,
    MessageRole role,
    String text,
    String platformMessageId,
    String idempotencyKey,
    DeliveryState delivery,
    String error,
    Instant createdAt) {

  public ChatMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(integrationId, "integrationId");
    Objects.requireNonNull(role, "role");
    text = text == null ? "" : text;
    platformMessageId = platformMessageId == null ? "" : platformMessageId;
    idempotencyKey = idempotencyKey == null ? "" : idempotencyKey;
    Objects.requireNonNull(delivery, "delivery");
    error = error == null ? "" : error;
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public ChatMessage withDelivery(DeliveryState newState, String newPlatformId, String newError) {
    return new ChatMessage(id, tenant, sessionId, integrationId, role, text,
        newPlatformId == null || newPlatformId.isEmpty() ? platformMessageId : newPlatformId,
        idempotencyKey, newState, newError, createdAt);
  }

  @Override
  public String toString() {
    return "ChatMessage[id=" + id + ", session=" + sessionId + ", role=" + role + ", delivery="
        + delivery + "]";
  }
}
