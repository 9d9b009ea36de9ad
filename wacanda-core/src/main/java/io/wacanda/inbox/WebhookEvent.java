package io.wacanda.inbox;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored inbound event.
 *
 * @param idempotencyKey unique per integration; a second append with the same key is a duplicate
 * @param payload the normalized {@link io.wacanda.channel.InboundEvent} as JSON
 * @param leaseUntil while PROCESSING, when the claim expires and another worker may take it
 */
public record WebhookEvent(
    String id,
    TenantId tenant,
    String integrationId,
    String eventType,
    String idempotencyKey,
    String payload,
    EventStatus status,
    int attempts,
    Instant nextAttemptAt,
    Optional<Instant> leaseUntil,
    String lastError,
    Instant createdAt,
    Optional<Instant> processedAt) {

  public WebhookEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(integrationId, "integrationId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    lastError = lastError == null ? "" : lastError;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(processedAt, "processedAt");
  }

  /** A new PENDING event, due now. */
  public static WebhookEvent pending(String id, TenantId tenant, String integrationId,
      String eventType, String idempotencyKey, String payload, Instant now) {
    return new WebhookEvent(id, tenant, integrationId, eventType, idempotencyKey, payload,
        EventStatus.PENDING, 0, now, Optional.empty(), "", now, Optional.empty());
  }

  @Override
  public String toString() {
    return "WebhookEvent[id=" + id + ", integration=" + integrationId + ", type=" + eventType
        + ", status=" + status + ", attempts=" + attempts + "]";
  }
}
