package io.wacanda.inbox;

import io.wacanda.testing.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.inbox.WebhookEventStore.AppendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link WebhookEventStore} must have. Extend it and return a new, empty store from
 * {@link #newStore()}; every test uses only the tenants and integration ids declared here. Times
 * are passed explicitly, starting at {@link #T0}.
 */
public abstract class WebhookEventStoreContract {
  protected static final TenantId TENANT_A = TenantId.of("tenant-a");
  protected static final TenantId TENANT_B = TenantId.of("tenant-b");
  protected static final String INTEGRATION_A = "int-a";
  protected static final String INTEGRATION_A2 = "int-a2";
  protected static final String INTEGRATION_B = "int-b";
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  protected static final Duration LEASE = Duration.ofSeconds(30);

  private WebhookEventStore store;

  /** A new, empty store. */
  protected abstract WebhookEventStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  protected static WebhookEvent event(String id, TenantId tenant, String integrationId,
      String idempotencyKey, Instant createdAt) {
    return WebhookEvent.pending(id, tenant, integrationId, "message", idempotencyKey,
        "{\"text\":\"hello " + id + "\"}", createdAt);
  }

  protected static WebhookEvent event(String id, Instant createdAt) {
    return event(id, TENANT_A, INTEGRATION_A, "key-" + id, createdAt);
  }

  private WebhookEvent stored(TenantId tenant, String id) {
    return store.find(tenant, id).orElseThrow();
  }

  @Test
  void appendStoresPendingEventThatRoundTrips() {
    WebhookEvent event = event("e-1", T0);

    AppendResult result = store.append(event);

    assertThat(result.duplicate()).isFalse();
    assertThat(result.event()).isEqualTo(event);
    assertThat(store.find(TENANT_A, "e-1")).contains(event);
  }

  @Test
  void appendWithStoredIntegrationAndKeyReturnsEarlierEventAsDuplicate() {
    WebhookEvent first = event("e-1", TENANT_A, INTEGRATION_A, "wamid.1", T0);
    store.append(first);

    AppendResult result =
        store.append(event("e-2", TENANT_A, INTEGRATION_A, "wamid.1", T0.plusSeconds(5)));

    assertThat(result.duplicate()).isTrue();
    assertThat(result.event()).isEqualTo(first);
    assertThat(store.find(TENANT_A, "e-2")).isEmpty();
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.empty(), 10)).containsExactly(first);
  }

  @Test
  void sameKeyOnAnotherIntegrationIsNotADuplicate() {
    store.append(event("e-1", TENANT_A, INTEGRATION_A, "update-7", T0));

    AppendResult result = store.append(event("e-2", TENANT_A, INTEGRATION_A2, "update-7", T0));

    assertThat(result.duplicate()).isFalse();
    assertThat(store.find(TENANT_A, "e-2")).isPresent();
  }

  @Test
  void redeliveryOfProcessedEventIsStillADuplicate() {
    store.append(event("e-1", TENANT_A, INTEGRATION_A, "wamid.1", T0));
    store.claimDue(T0, 1, LEASE);
    store.markProcessed(TENANT_A, "e-1", 1, T0.plusSeconds(1));

    AppendResult result =
        store.append(event("e-2", TENANT_A, INTEGRATION_A, "wamid.1", T0.plusSeconds(3600)));

    assertThat(result.duplicate()).isTrue();
    assertThat(result.event().id()).isEqualTo("e-1");
    assertThat(result.event().status()).isEqualTo(EventStatus.PROCESSED);
  }

  @Test
  void concurrentAppendsOfOneKeyStoreOneEvent() throws Exception {
    AtomicInteger next = new AtomicInteger();

    List<AppendResult> results = Concurrently.run(8, () -> store.append(
        event("e-" + next.getAndIncrement(), TENANT_A, INTEGRATION_A, "wamid.1", T0)));

    assertThat(results).filteredOn(r -> !r.duplicate()).hasSize(1);
    assertThat(results).extracting(r -> r.event().id()).containsOnly(results.stream()
        .filter(r -> !r.duplicate()).findFirst().orElseThrow().event().id());
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.empty(), 10)).hasSize(1);
  }

  @Test
  void claimDueClaimsDueEventsOldestFirst() {
    store.append(event("e-3", T0.plusSeconds(2)));
    store.append(event("e-1", T0));
    store.append(event("e-2", T0.plusSeconds(1)));
    Instant now = T0.plusSeconds(5);

    List<WebhookEvent> claimed = store.claimDue(now, 10, LEASE);

    assertThat(claimed).extracting(WebhookEvent::id).containsExactly("e-1", "e-2", "e-3");
    assertThat(claimed).allSatisfy(e -> {
      assertThat(e.status()).isEqualTo(EventStatus.PROCESSING);
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.leaseUntil()).contains(now.plus(LEASE));
    });
    assertThat(stored(TENANT_A, "e-2")).isEqualTo(claimed.get(1));
  }

  @Test
  void claimDueTakesAtMostMax() {
    for (int n = 0; n < 5; n++) {
      store.append(event("e-" + n, T0.plusSeconds(n)));
    }
    Instant now = T0.plusSeconds(10);

    assertThat(store.claimDue(now, 2, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-0", "e-1");
    assertThat(store.claimDue(now, 2, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-2", "e-3");
    assertThat(store.claimDue(now, 2, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-4");
    assertThat(store.claimDue(now, 2, LEASE)).isEmpty();
  }

  @Test
  void claimDueSkipsEventsNotYetDue() {
    store.append(event("e-1", T0.plusSeconds(10)));

    assertThat(store.claimDue(T0.plusSeconds(9), 10, LEASE)).isEmpty();
    assertThat(store.claimDue(T0.plusSeconds(10), 10, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-1");
  }

  @Test
  void claimDueServesEveryTenant() {
    store.append(event("e-a", TENANT_A, INTEGRATION_A, "k", T0));
    store.append(event("e-b", TENANT_B, INTEGRATION_B, "k", T0.plusSeconds(1)));

    assertThat(store.claimDue(T0.plusSeconds(2), 10, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-a", "e-b");
  }

  @Test
  void claimedEventIsNotClaimedAgainWhileItsLeaseHolds() {
    store.append(event("e-1", T0));
    store.claimDue(T0, 10, LEASE);

    assertThat(store.claimDue(T0.plus(LEASE).minusMillis(1), 10, LEASE)).isEmpty();
  }

  @Test
  void eventWithExpiredLeaseIsClaimedAgainWithAnotherAttempt() {
    store.append(event("e-1", T0));
    store.claimDue(T0, 10, LEASE);
    Instant expired = T0.plus(LEASE);

    List<WebhookEvent> reclaimed = store.claimDue(expired, 10, LEASE);

    assertThat(reclaimed).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("e-1");
      assertThat(e.status()).isEqualTo(EventStatus.PROCESSING);
      assertThat(e.attempts()).isEqualTo(2);
      assertThat(e.leaseUntil()).contains(expired.plus(LEASE));
    });
  }

  @Test
  void expiredLeasesAreReclaimedOldestFirstAlongsidePendingEvents() {
    store.append(event("e-old", T0));
    store.claimDue(T0, 10, LEASE);
    store.append(event("e-new", T0.plusSeconds(1)));

    assertThat(store.claimDue(T0.plus(LEASE), 10, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-old", "e-new");
  }

  @Test
  void claimDueTakesTheOldestOfPendingAndExpiredEventsTogetherUpToMax() {
    store.append(event("e-2", T0.plusSeconds(1)));
    store.append(event("e-4", T0.plusSeconds(3)));
    store.claimDue(T0.plusSeconds(3), 10, LEASE); // e-2 and e-4 held, their leases expire later
    store.append(event("e-1", T0));
    store.append(event("e-3", T0.plusSeconds(2)));
    store.append(event("e-5", T0.plusSeconds(4)));
    Instant expired = T0.plusSeconds(3).plus(LEASE);

    assertThat(store.claimDue(expired, 3, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-1", "e-2", "e-3");
    assertThat(store.claimDue(expired, 3, LEASE)).extracting(WebhookEvent::id)
        .containsExactly("e-4", "e-5");
  }

  @Test
  void markRetryMakesEventPendingUntilItsNextAttempt() {
    store.append(event("e-1", T0));
    store.claimDue(T0, 10, LEASE);
    Instant nextAttempt = T0.plusSeconds(60);

    store.markRetry(TENANT_A, "e-1", 1, nextAttempt, "timeout calling the model");

    WebhookEvent retried = stored(TENANT_A, "e-1");
    assertThat(retried.status()).isEqualTo(EventStatus.PENDING);
    assertThat(retried.nextAttemptAt()).isEqualTo(nextAttempt);
    assertThat(retried.lastError()).isEqualTo("timeout calling the model");
    assertThat(retried.leaseUntil()).isEmpty();
    assertThat(retried.attempts()).isEqualTo(1);
    assertThat(store.claimDue(nextAttempt.minusMillis(1), 10, LEASE)).isEmpty();
    assertThat(store.claimDue(nextAttempt, 10, LEASE)).singleElement()
        .satisfies(e -> assertThat(e.attempts()).isEqualTo(2));
  }

  @Test
  void markProcessedMakesEventTerminal() {
    store.append(event("e-1", T0));
    store.claimDue(T0, 10, LEASE);

    store.markProcessed(TENANT_A, "e-1", 1, T0.plusSeconds(2));

    WebhookEvent processed = stored(TENANT_A, "e-1");
    assertThat(processed.status()).isEqualTo(EventStatus.PROCESSED);
    assertThat(processed.processedAt()).contains(T0.plusSeconds(2));
    assertThat(processed.leaseUntil()).isEmpty();
    assertThat(store.claimDue(T0.plus(Duration.ofDays(1)), 10, LEASE)).isEmpty();
  }

  @Test
  void markDeadRecordsTheErrorAndMakesEventTerminal() {
    store.append(event("e-1", T0));
    store.claimDue(T0, 10, LEASE);

    store.markDead(TENANT_A, "e-1", 1, "channel refused: 403", T0.plusSeconds(2));

    WebhookEvent dead = stored(TENANT_A, "e-1");
    assertThat(dead.status()).isEqualTo(EventStatus.DEAD);
    assertThat(dead.lastError()).isEqualTo("channel refused: 403");
    assertThat(dead.processedAt()).contains(T0.plusSeconds(2));
    assertThat(dead.leaseUntil()).isEmpty();
    assertThat(store.claimDue(T0.plus(Duration.ofDays(1)), 10, LEASE)).isEmpty();
  }

  @Test
  void terminalEventsIgnoreLaterTransitions() {
    store.append(event("e-1", T0));
    store.append(event("e-2", T0));
    store.claimDue(T0, 10, LEASE);
    store.markProcessed(TENANT_A, "e-1", 1, T0.plusSeconds(1));
    store.markDead(TENANT_A, "e-2", 1, "gave up", T0.plusSeconds(1));
    WebhookEvent processed = stored(TENANT_A, "e-1");
    WebhookEvent dead = stored(TENANT_A, "e-2");

    store.markRetry(TENANT_A, "e-1", 1, T0.plusSeconds(5), "late failure");
    store.markDead(TENANT_A, "e-1", 1, "late failure", T0.plusSeconds(5));
    store.markRetry(TENANT_A, "e-2", 1, T0.plusSeconds(5), "late failure");
    store.markProcessed(TENANT_A, "e-2", 1, T0.plusSeconds(5));

    assertThat(stored(TENANT_A, "e-1")).isEqualTo(processed);
    assertThat(stored(TENANT_A, "e-2")).isEqualTo(dead);
    assertThat(store.claimDue(T0.plus(Duration.ofDays(1)), 10, LEASE)).isEmpty();
  }

  @Test
  void aStaleWorkerCannotChangeAnEventAnotherWorkerReclaimed() {
    store.append(event("e-1", T0));
    WebhookEvent first = store.claimDue(T0, 10, LEASE).get(0);
    Instant afterLease = T0.plus(LEASE).plusSeconds(1);
    WebhookEvent second = store.claimDue(afterLease, 10, LEASE).get(0);
    assertThat(second.attempts()).isEqualTo(first.attempts() + 1);

    assertThat(store.markRetry(TENANT_A, "e-1", first.attempts(), afterLease, "stale")).isFalse();
    assertThat(store.markProcessed(TENANT_A, "e-1", first.attempts(), afterLease)).isFalse();
    assertThat(stored(TENANT_A, "e-1").status()).isEqualTo(EventStatus.PROCESSING);

    assertThat(store.markProcessed(TENANT_A, "e-1", second.attempts(), afterLease)).isTrue();
    assertThat(stored(TENANT_A, "e-1").status()).isEqualTo(EventStatus.PROCESSED);
  }

  @Test
  void anEventThatWasNotClaimedCannotBeMarked() {
    store.append(event("e-1", T0));
    assertThat(store.markProcessed(TENANT_A, "e-1", 0, T0)).isFalse();
    assertThat(stored(TENANT_A, "e-1").status()).isEqualTo(EventStatus.PENDING);
  }

  @Test
  void markingUnknownEventChangesNothing() {
    store.markProcessed(TENANT_A, "missing", 1, T0);
    store.markRetry(TENANT_A, "missing", 1, T0, "error");
    store.markDead(TENANT_A, "missing", 1, "error", T0);

    assertThat(store.find(TENANT_A, "missing")).isEmpty();
    assertThat(store.claimDue(T0, 10, LEASE)).isEmpty();
  }

  @Test
  void listReturnsIntegrationsEventsNewestFirstFilteredByStatus() {
    store.append(event("e-1", T0));
    store.append(event("e-2", T0.plusSeconds(1)));
    store.append(event("e-3", T0.plusSeconds(2)));
    store.append(event("e-4", T0.plusSeconds(3)));
    store.append(event("other", TENANT_A, INTEGRATION_A2, "k", T0.plusSeconds(4)));
    store.claimDue(T0.plusSeconds(1), 2, LEASE);
    store.markProcessed(TENANT_A, "e-1", 1, T0.plusSeconds(2));

    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.empty(), 10))
        .extracting(WebhookEvent::id).containsExactly("e-4", "e-3", "e-2", "e-1");
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.empty(), 2))
        .extracting(WebhookEvent::id).containsExactly("e-4", "e-3");
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.of(EventStatus.PENDING), 10))
        .extracting(WebhookEvent::id).containsExactly("e-4", "e-3");
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.of(EventStatus.PROCESSING), 10))
        .extracting(WebhookEvent::id).containsExactly("e-2");
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.of(EventStatus.DEAD), 10)).isEmpty();
  }

  @Test
  void countByStatusCountsIntegrationsEvents() {
    for (int n = 0; n < 6; n++) {
      store.append(event("e-" + n, T0.plusSeconds(n)));
    }
    store.append(event("other", TENANT_A, INTEGRATION_A2, "k", T0.plusSeconds(20)));
    store.claimDue(T0.plusSeconds(10), 4, LEASE);
    store.markProcessed(TENANT_A, "e-0", 1, T0.plusSeconds(11));
    store.markProcessed(TENANT_A, "e-1", 1, T0.plusSeconds(11));
    store.markDead(TENANT_A, "e-2", 1, "gave up", T0.plusSeconds(11));

    var counts = store.countByStatus(TENANT_A, INTEGRATION_A);

    assertThat(counts.getOrDefault(EventStatus.PENDING, 0L)).isEqualTo(2);
    assertThat(counts.getOrDefault(EventStatus.PROCESSING, 0L)).isEqualTo(1);
    assertThat(counts.getOrDefault(EventStatus.PROCESSED, 0L)).isEqualTo(2);
    assertThat(counts.getOrDefault(EventStatus.DEAD, 0L)).isEqualTo(1);
  }

  @Test
  void tenantCannotFindListOrCountAnotherTenantsEvents() {
    store.append(event("e-1", T0));

    assertThat(store.find(TENANT_B, "e-1")).isEmpty();
    assertThat(store.list(TENANT_B, INTEGRATION_A, Optional.empty(), 10)).isEmpty();
    assertThat(store.countByStatus(TENANT_B, INTEGRATION_A).values()).allMatch(c -> c == 0);
  }

  @Test
  void tenantCannotMarkAnotherTenantsEvent() {
    store.append(event("e-1", T0));
    WebhookEvent claimed = store.claimDue(T0, 10, LEASE).get(0);

    store.markProcessed(TENANT_B, "e-1", 1, T0.plusSeconds(1));
    store.markRetry(TENANT_B, "e-1", 1, T0.plusSeconds(1), "error");
    store.markDead(TENANT_B, "e-1", 1, "error", T0.plusSeconds(1));

    assertThat(stored(TENANT_A, "e-1")).isEqualTo(claimed);
  }

  @Test
  void appendUnderAnotherTenantNeverReturnsTheOtherTenantsEvent() {
    WebhookEvent original = event("e-1", TENANT_A, INTEGRATION_A, "wamid.1", T0);
    store.append(original);

    AppendResult result =
        store.append(event("e-2", TENANT_B, INTEGRATION_A, "wamid.1", T0.plusSeconds(1)));

    assertThat(result.event().tenant()).isEqualTo(TENANT_B);
    assertThat(stored(TENANT_A, "e-1")).isEqualTo(original);
  }

  @Test
  void concurrentClaimersClaimEachEventExactlyOnce() throws Exception {
    int events = 500;
    for (int n = 0; n < events; n++) {
      store.append(event("e-" + n, n % 2 == 0 ? TENANT_A : TENANT_B,
          n % 2 == 0 ? INTEGRATION_A : INTEGRATION_B, "k-" + n, T0.plusMillis(n)));
    }
    Instant now = T0.plusSeconds(1);

    List<List<String>> claimedPerThread = Concurrently.run(8, () -> {
      List<String> mine = new ArrayList<>();
      List<WebhookEvent> batch;
      do {
        batch = store.claimDue(now, 7, LEASE);
        batch.forEach(e -> mine.add(e.id()));
      } while (!batch.isEmpty());
      return mine;
    });

    List<String> all = claimedPerThread.stream().flatMap(Collection::stream).toList();
    assertThat(all).hasSize(events).doesNotHaveDuplicates();
    for (int n = 0; n < events; n++) {
      WebhookEvent e = stored(n % 2 == 0 ? TENANT_A : TENANT_B, "e-" + n);
      assertThat(e.status()).isEqualTo(EventStatus.PROCESSING);
      assertThat(e.attempts()).isEqualTo(1);
    }
  }

  @Test
  void deleteTerminalBeforeDeletesOnlyOldTerminalEventsInBatches() {
    Instant cutoff = T0.plus(Duration.ofDays(8));
    for (int n = 0; n < 7; n++) {
      store.append(n < 4
          ? event("old-" + n, TENANT_A, INTEGRATION_A, "k-" + n, T0.plusSeconds(n))
          : event("old-" + n, TENANT_B, INTEGRATION_B, "k-" + n, T0.plusSeconds(n)));
    }
    store.claimDue(T0.plusSeconds(10), 6, LEASE);
    store.markProcessed(TENANT_A, "old-0", 1, T0.plusSeconds(11));
    store.markProcessed(TENANT_A, "old-1", 1, T0.plusSeconds(11));
    store.markDead(TENANT_A, "old-2", 1, "gave up", T0.plusSeconds(11));
    store.markProcessed(TENANT_B, "old-4", 1, T0.plusSeconds(11));
    store.markDead(TENANT_B, "old-5", 1, "gave up", T0.plusSeconds(11));
    // old-3 stays PROCESSING, old-6 stays PENDING
    store.append(event("at-cutoff", TENANT_A, INTEGRATION_A, "k-at", cutoff));
    store.append(event("new", TENANT_A, INTEGRATION_A, "k-new", cutoff.plusSeconds(1)));
    store.claimDue(cutoff.plusSeconds(1), 2, LEASE);
    store.markProcessed(TENANT_A, "at-cutoff", 1, cutoff.plusSeconds(2));
    store.markProcessed(TENANT_A, "new", 1, cutoff.plusSeconds(2));

    assertThat(store.deleteTerminalBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteTerminalBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteTerminalBefore(cutoff, 2)).isEqualTo(1);
    assertThat(store.deleteTerminalBefore(cutoff, 2)).isZero();

    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.empty(), 10))
        .extracting(WebhookEvent::id).containsExactly("new", "at-cutoff", "old-3");
    assertThat(store.list(TENANT_B, INTEGRATION_B, Optional.empty(), 10))
        .extracting(WebhookEvent::id).containsExactly("old-6");
  }

  @Test
  void keyOfDeletedEventCanBeAppendedAgain() {
    store.append(event("e-1", TENANT_A, INTEGRATION_A, "wamid.1", T0));
    store.claimDue(T0, 1, LEASE);
    store.markProcessed(TENANT_A, "e-1", 1, T0.plusSeconds(1));
    store.deleteTerminalBefore(T0.plus(Duration.ofDays(8)), 10);

    AppendResult result = store.append(
        event("e-2", TENANT_A, INTEGRATION_A, "wamid.1", T0.plus(Duration.ofDays(9))));

    assertThat(result.duplicate()).isFalse();
    assertThat(result.event().id()).isEqualTo("e-2");
  }

  @Test
  void countByStatusFollowsRetriesExpiredLeasesAndRetention() {
    for (int n = 0; n < 4; n++) {
      store.append(event("e-" + n, T0.plusSeconds(n)));
    }
    store.claimDue(T0.plusSeconds(10), 4, LEASE);
    store.markProcessed(TENANT_A, "e-0", 1, T0.plusSeconds(11));
    store.markRetry(TENANT_A, "e-1", 1, T0.plusSeconds(20), "try later");
    store.markDead(TENANT_A, "e-2", 1, "gave up", T0.plusSeconds(11));
    // e-3's lease runs out and it is claimed again: still one PROCESSING event, not two.
    store.claimDue(T0.plusSeconds(10).plus(LEASE).plusSeconds(1), 4, LEASE);

    assertThat(store.countByStatus(TENANT_A, INTEGRATION_A)).containsEntry(EventStatus.PENDING, 0L)
        .containsEntry(EventStatus.PROCESSING, 2L).containsEntry(EventStatus.PROCESSED, 1L)
        .containsEntry(EventStatus.DEAD, 1L);

    store.deleteTerminalBefore(T0.plus(Duration.ofDays(8)), 10);

    assertThat(store.countByStatus(TENANT_A, INTEGRATION_A)).containsEntry(EventStatus.PENDING, 0L)
        .containsEntry(EventStatus.PROCESSING, 2L).containsEntry(EventStatus.PROCESSED, 0L)
        .containsEntry(EventStatus.DEAD, 0L);
    assertThat(store.countByStatus(TENANT_B, INTEGRATION_B))
        .containsEntry(EventStatus.PENDING, 0L).containsEntry(EventStatus.PROCESSING, 0L);
  }

  @Test
  void countByStatusCountsConcurrentAppendsOnceEachDuplicatesNever() throws Exception {
    AtomicInteger next = new AtomicInteger();

    Concurrently.run(8, () -> {
      for (int i = 0; i < 50; i++) {
        int n = next.getAndIncrement();
        // Every key twice: the second append of a key is a duplicate.
        store.append(event("e-" + n, TENANT_A, INTEGRATION_A, "key-" + (n / 2), T0));
      }
      return null;
    });

    assertThat(store.countByStatus(TENANT_A, INTEGRATION_A))
        .containsEntry(EventStatus.PENDING, 200L);
    assertThat(store.list(TENANT_A, INTEGRATION_A, Optional.empty(), 1_000)).hasSize(200);
  }
}
