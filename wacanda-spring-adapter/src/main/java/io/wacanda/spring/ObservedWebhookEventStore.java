package io.wacanda.spring;

import io.wacanda.TenantId;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.inbox.WebhookEventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Delegates every call and tells a {@link StoreObserver} about appends and processed events. */
final class ObservedWebhookEventStore implements WebhookEventStore {
  private final WebhookEventStore delegate;
  private final StoreObserver observer;

  ObservedWebhookEventStore(WebhookEventStore delegate, StoreObserver observer) {
    this.delegate = delegate;
    this.observer = observer;
  }

  @Override
  public AppendResult append(WebhookEvent event) {
    AppendResult result = delegate.append(event);
    observer.webhookStored(result.duplicate());
    return result;
  }

  @Override
  public List<WebhookEvent> claimDue(Instant now, int max, Duration lease) {
    return delegate.claimDue(now, max, lease);
  }

  @Override
  public boolean markProcessed(TenantId tenant, String eventId, int attempt, Instant at) {
    boolean applied = delegate.markProcessed(tenant, eventId, attempt, at);
    if (applied) {
      observer.webhookProcessed();
    }
    return applied;
  }

  @Override
  public boolean markRetry(TenantId tenant, String eventId, int attempt, Instant nextAttemptAt,
      String error) {
    return delegate.markRetry(tenant, eventId, attempt, nextAttemptAt, error);
  }

  @Override
  public boolean markDead(TenantId tenant, String eventId, int attempt, String error,
      Instant at) {
    return delegate.markDead(tenant, eventId, attempt, error, at);
  }

  @Override
  public Optional<WebhookEvent> find(TenantId tenant, String eventId) {
    return delegate.find(tenant, eventId);
  }

  @Override
  public List<WebhookEvent> list(TenantId tenant, String integrationId,
      Optional<EventStatus> status, int limit) {
    return delegate.list(tenant, integrationId, status, limit);
  }

  @Override
  public Map<EventStatus, Long> countByStatus(TenantId tenant, String integrationId) {
    return delegate.countByStatus(tenant, integrationId);
  }

  @Override
  public int deleteTerminalBefore(Instant cutoff, int batchSize) {
    return delegate.deleteTerminalBefore(cutoff, batchSize);
  }

  @Override
  public String toString() {
    return "Observed[" + delegate + "]";
  }
}
