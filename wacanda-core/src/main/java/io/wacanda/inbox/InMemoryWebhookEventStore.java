package io.wacanda.inbox;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * {@link WebhookEventStore} held in memory: events by id, with an index by (tenant, integration,
 * idempotency key), counters per integration and status, and two queues ordered by creation time,
 * one of PENDING and PROCESSING events for claiming, one of PROCESSED and DEAD events for
 * retention. {@link #list} scans every event (an admin call; an index by integration would cost
 * every append). Thread-safe.
 * {@link #append} takes no lock (it sits on the webhook acknowledgement path): it wins the
 * idempotency key with one atomic {@code putIfAbsent} and hands the event to the claim queues
 * through a lock-free arrivals queue; claims, transitions and retention take one lock, so no
 * event is claimed twice. {@link #find}, {@link #list} and {@link #countByStatus} take no lock.
 * Everything is lost when the process stops; use {@code wacanda-jdbc} for durability.
 *
 * <p>Marking an unknown event, another tenant's event or a terminal (PROCESSED, DEAD) one changes
 * nothing.
 */
public final class InMemoryWebhookEventStore implements WebhookEventStore {
  private static final Comparator<Stored> NEWEST_FIRST =
      Comparator.comparing(Stored::slot).reversed();

  /** Guards {@link #live}, {@link #terminal} and every status change. */
  private final Object lock = new Object();
  private final Map<String, Stored> byId = new ConcurrentHashMap<>();
  private final Map<DedupKey, String> idByKey = new ConcurrentHashMap<>();
  /** Events per integration and status, for {@link #countByStatus} without a scan. */
  private final Map<Scope, StatusCounts> countsByIntegration = new ConcurrentHashMap<>();
  /** Appended events not yet moved into {@link #live} or {@link #terminal}. */
  private final Queue<Slot> arrivals = new ConcurrentLinkedQueue<>();
  private final NavigableSet<Slot> live = new TreeSet<>();
  private final NavigableSet<Slot> terminal = new TreeSet<>();
  private final AtomicLong nextSeq = new AtomicLong();

  @Inject
  public InMemoryWebhookEventStore() {}

  @Override
  public AppendResult append(WebhookEvent event) {
    DedupKey key = DedupKey.of(event);
    Stored stored = new Stored(event, new Slot(event.createdAt(), nextSeq.getAndIncrement(),
        event.id()));
    while (true) {
      String earlierId = idByKey.get(key);
      if (earlierId != null) {
        Stored earlier = byId.get(earlierId);
        if (earlier != null) {
          return new AppendResult(earlier.event(), true);
        }
        continue; // retention is deleting the earlier event right now
      }
      if (byId.putIfAbsent(event.id(), stored) != null) {
        throw WacandaException.conflict("webhook event id already in use: " + event.id());
      }
      earlierId = idByKey.putIfAbsent(key, event.id());
      if (earlierId == null) {
        break;
      }
      byId.remove(event.id(), stored); // lost the race for the key: never visible to anyone
      Stored earlier = byId.get(earlierId);
      if (earlier != null) {
        return new AppendResult(earlier.event(), true);
      }
    }
    // Counted before it can be claimed (arrivals), so a transition never decrements first.
    counts(Scope.of(event)).add(event.status(), 1);
    arrivals.add(stored.slot());
    return new AppendResult(event, false);
  }

  /** Moves arrivals into the queue of their status; callers hold {@link #lock}. */
  private void admitArrivals() {
    Slot slot;
    while ((slot = arrivals.poll()) != null) {
      Stored stored = byId.get(slot.id());
      if (stored != null) {
        queueOf(stored.event().status()).add(slot);
      }
    }
  }

  @Override
  public List<WebhookEvent> claimDue(Instant now, int max, Duration lease) {
    if (max < 1) {
      throw WacandaException.invalid("max must be positive, was " + max);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw WacandaException.invalid("lease must be positive, was " + lease);
    }
    Instant leaseUntil = now.plus(lease);
    List<WebhookEvent> claimed = new ArrayList<>();
    synchronized (lock) {
      admitArrivals();
      for (Slot slot : live) {
        if (claimed.size() == max) {
          break;
        }
        Stored stored = byId.get(slot.id());
        WebhookEvent e = stored.event();
        if (isDue(e, now)) {
          WebhookEvent next = new WebhookEvent(e.id(), e.tenant(), e.integrationId(),
              e.eventType(), e.idempotencyKey(), e.payload(), EventStatus.PROCESSING,
              e.attempts() + 1, e.nextAttemptAt(), Optional.of(leaseUntil), e.lastError(),
              e.createdAt(), e.processedAt());
          byId.put(e.id(), new Stored(next, stored.slot()));
          recount(e, next);
          claimed.add(next);
        }
      }
    }
    return claimed;
  }

  @Override
  public boolean markProcessed(TenantId tenant, String eventId, int attempt, Instant at) {
    return transition(tenant, eventId, attempt, e -> new WebhookEvent(e.id(), e.tenant(), e.integrationId(),
        e.eventType(), e.idempotencyKey(), e.payload(), EventStatus.PROCESSED, e.attempts(),
        e.nextAttemptAt(), Optional.empty(), e.lastError(), e.createdAt(), Optional.of(at)));
  }

  @Override
  public boolean markRetry(TenantId tenant, String eventId, int attempt, Instant nextAttemptAt,
      String error) {
    return transition(tenant, eventId, attempt, e -> new WebhookEvent(e.id(), e.tenant(), e.integrationId(),
        e.eventType(), e.idempotencyKey(), e.payload(), EventStatus.PENDING, e.attempts(),
        nextAttemptAt, Optional.empty(), error, e.createdAt(), e.processedAt()));
  }

  @Override
  public boolean markDead(TenantId tenant, String eventId, int attempt, String error,
      Instant at) {
    return transition(tenant, eventId, attempt, e -> new WebhookEvent(e.id(), e.tenant(), e.integrationId(),
        e.eventType(), e.idempotencyKey(), e.payload(), EventStatus.DEAD, e.attempts(),
        e.nextAttemptAt(), Optional.empty(), error, e.createdAt(), Optional.of(at)));
  }

  @Override
  public Optional<WebhookEvent> find(TenantId tenant, String eventId) {
    return Optional.ofNullable(byId.get(eventId))
        .map(Stored::event)
        .filter(e -> e.tenant().equals(tenant));
  }

  @Override
  public List<WebhookEvent> list(TenantId tenant, String integrationId,
      Optional<EventStatus> status, int limit) {
    if (limit < 1) {
      throw WacandaException.invalid("limit must be positive, was " + limit);
    }
    return integrationEvents(tenant, integrationId).stream()
        .filter(s -> status.isEmpty() || s.event().status() == status.get())
        .sorted(NEWEST_FIRST)
        .limit(limit)
        .map(Stored::event)
        .toList();
  }

  @Override
  public Map<EventStatus, Long> countByStatus(TenantId tenant, String integrationId) {
    StatusCounts counts = countsByIntegration.get(new Scope(tenant, integrationId));
    Map<EventStatus, Long> out = new EnumMap<>(EventStatus.class);
    for (EventStatus status : EventStatus.values()) {
      out.put(status, counts == null ? 0L : Math.max(0, counts.get(status)));
    }
    return out;
  }

  @Override
  public int deleteTerminalBefore(Instant cutoff, int batchSize) {
    if (batchSize < 1) {
      throw WacandaException.invalid("batchSize must be positive, was " + batchSize);
    }
    synchronized (lock) {
      admitArrivals();
      int deleted = 0;
      while (deleted < batchSize && !terminal.isEmpty()
          && terminal.first().createdAt().isBefore(cutoff)) {
        Slot slot = terminal.pollFirst();
        WebhookEvent event = byId.get(slot.id()).event();
        // Integration index first, then the key, then the event: a concurrent append that sees
        // the key still finds the event, or sees no key and stores a new one.
        counts(Scope.of(event)).add(event.status(), -1);
        idByKey.remove(DedupKey.of(event), event.id());
        byId.remove(slot.id());
        deleted++;
      }
      return deleted;
    }
  }

  private static boolean isDue(WebhookEvent e, Instant now) {
    return switch (e.status()) {
      case PENDING -> !e.nextAttemptAt().isAfter(now);
      case PROCESSING -> e.leaseUntil().map(until -> !until.isAfter(now)).orElse(true);
      case PROCESSED, DEAD -> false;
    };
  }

  private boolean transition(TenantId tenant, String eventId, int attempt,
      UnaryOperator<WebhookEvent> change) {
    synchronized (lock) {
      admitArrivals();
      Stored stored = byId.get(eventId);
      if (stored == null || !stored.event().tenant().equals(tenant)
          || stored.event().status() != EventStatus.PROCESSING
          || stored.event().attempts() != attempt) {
        return false;
      }
      WebhookEvent next = change.apply(stored.event());
      byId.put(eventId, new Stored(next, stored.slot()));
      recount(stored.event(), next);
      if (isTerminal(next.status())) {
        live.remove(stored.slot());
        terminal.add(stored.slot());
      }
      return true;
    }
  }

  /** Scans every event: listing is an admin call, and an index would cost every append. */
  private List<Stored> integrationEvents(TenantId tenant, String integrationId) {
    List<Stored> rows = new ArrayList<>();
    for (Stored stored : byId.values()) {
      WebhookEvent e = stored.event();
      if (e.integrationId().equals(integrationId) && e.tenant().equals(tenant)) {
        rows.add(stored);
      }
    }
    return rows;
  }

  /** Moves an event from its old status's counter to its new one's; callers hold the lock. */
  private void recount(WebhookEvent before, WebhookEvent after) {
    if (before.status() != after.status()) {
      StatusCounts counts = counts(Scope.of(after));
      counts.add(before.status(), -1);
      counts.add(after.status(), 1);
    }
  }

  private StatusCounts counts(Scope scope) {
    return countsByIntegration.computeIfAbsent(scope, s -> new StatusCounts());
  }

  /** One counter per status; kept for an integration once it has had an event. */
  private static final class StatusCounts {
    private final java.util.concurrent.atomic.LongAdder[] counts =
        new java.util.concurrent.atomic.LongAdder[EventStatus.values().length];

    StatusCounts() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new java.util.concurrent.atomic.LongAdder();
      }
    }

    void add(EventStatus status, long n) {
      counts[status.ordinal()].add(n);
    }

    long get(EventStatus status) {
      return counts[status.ordinal()].sum();
    }
  }

  private NavigableSet<Slot> queueOf(EventStatus status) {
    return isTerminal(status) ? terminal : live;
  }

  private static boolean isTerminal(EventStatus status) {
    return status == EventStatus.PROCESSED || status == EventStatus.DEAD;
  }

  private record Stored(WebhookEvent event, Slot slot) {}

  /** Position in a queue: creation time, then arrival order. */
  private record Slot(Instant createdAt, long seq, String id) implements Comparable<Slot> {
    @Override
    public int compareTo(Slot other) {
      int byCreated = createdAt.compareTo(other.createdAt);
      return byCreated != 0 ? byCreated : Long.compare(seq, other.seq);
    }
  }

  private record DedupKey(TenantId tenant, String integrationId, String idempotencyKey) {
    static DedupKey of(WebhookEvent event) {
      return new DedupKey(event.tenant(), event.integrationId(), event.idempotencyKey());
    }
  }

  private record Scope(TenantId tenant, String integrationId) {
    static Scope of(WebhookEvent event) {
      return new Scope(event.tenant(), event.integrationId());
    }
  }
}
