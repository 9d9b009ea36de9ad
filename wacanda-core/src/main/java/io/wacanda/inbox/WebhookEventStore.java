package io.wacanda.inbox;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable webhook inbox. Appends are idempotent on (integration, idempotency key). Claiming is
 * the one system-wide operation: workers serve every tenant. Thread-safe; implementations backed by
 * a shared database let several processes claim without processing an event twice.
 */
public interface WebhookEventStore {

  /**
   * Stores the event unless one with the same integration and idempotency key exists.
   *
   * @return the stored event (the earlier one for a duplicate) and whether it was a duplicate
   */
  AppendResult append(WebhookEvent event);

  /**
   * Claims up to {@code max} events that are PENDING and due at {@code now}, or PROCESSING with an
   * expired lease; each claimed event is PROCESSING with {@code leaseUntil = now + lease} and its
   * attempt count incremented. Oldest first.
   */
  List<WebhookEvent> claimDue(Instant now, int max, Duration lease);

  /**
   * Marks a claimed event processed. Like every {@code mark*} call, it applies only while the event
   * is PROCESSING under the claim that gave it {@code attempt} attempts: a worker whose lease ran
   * out and whose event another worker re-claimed changes nothing.
   *
   * @param attempt {@link WebhookEvent#attempts()} of the event as claimed
   * @return whether the change was applied
   */
  boolean markProcessed(TenantId tenant, String eventId, int attempt, Instant at);

  /** Back to PENDING, due at {@code nextAttemptAt}, with the error of the failed attempt. */
  boolean markRetry(TenantId tenant, String eventId, int attempt, Instant nextAttemptAt,
      String error);

  /** Terminal failure after the last attempt (or a failure no retry can fix). */
  boolean markDead(TenantId tenant, String eventId, int attempt, String error, Instant at);

  Optional<WebhookEvent> find(TenantId tenant, String eventId);

  /** Newest first; {@code status} empty means any. */
  List<WebhookEvent> list(TenantId tenant, String integrationId, Optional<EventStatus> status,
      int limit);

  Map<EventStatus, Long> countByStatus(TenantId tenant, String integrationId);

  /**
   * Deletes at most {@code batchSize} terminal (PROCESSED or DEAD) events created before
   * {@code cutoff}, across tenants. Callers keep cutoff at least 7 days back so a platform's late
   * redelivery is still recognised as a duplicate.
   *
   * @return how many were deleted; call again while it returns {@code batchSize}
   */
  int deleteTerminalBefore(Instant cutoff, int batchSize);

  record AppendResult(WebhookEvent event, boolean duplicate) {}
}
