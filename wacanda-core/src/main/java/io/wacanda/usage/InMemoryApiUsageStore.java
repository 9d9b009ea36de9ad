package io.wacanda.usage;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link ApiUsageStore} held in memory: usage entries ordered by time, per integration and
 * overall (for retention). Thread-safe: every call takes one lock. Everything is lost when the
 * process stops; use {@code wacanda-jdbc} for durability.
 *
 * <p>Recording an id that is already stored changes nothing.
 */
public final class InMemoryApiUsageStore implements ApiUsageStore {
  private final Object lock = new Object();
  private final Set<String> ids = new HashSet<>();
  private final NavigableSet<Entry> byTime = new TreeSet<>();
  private final Map<Scope, NavigableSet<Entry>> byIntegration = new HashMap<>();
  private long nextSeq;

  @Inject
  public InMemoryApiUsageStore() {}

  @Override
  public void record(ApiUsage usage) {
    synchronized (lock) {
      if (!ids.add(usage.id())) {
        return;
      }
      Entry entry = new Entry(usage.at(), nextSeq++, usage);
      byTime.add(entry);
      byIntegration.computeIfAbsent(Scope.of(usage), s -> new TreeSet<>()).add(entry);
    }
  }

  @Override
  public long count(TenantId tenant, String integrationId, Instant since) {
    Entry from = new Entry(since, Long.MIN_VALUE, null);
    synchronized (lock) {
      NavigableSet<Entry> entries = byIntegration.get(new Scope(tenant, integrationId));
      return entries == null ? 0 : entries.tailSet(from, true).size();
    }
  }

  @Override
  public int deleteBefore(Instant cutoff, int batchSize) {
    if (batchSize < 1) {
      throw WacandaException.invalid("batchSize must be positive, was " + batchSize);
    }
    synchronized (lock) {
      int deleted = 0;
      while (deleted < batchSize && !byTime.isEmpty() && byTime.first().at().isBefore(cutoff)) {
        Entry entry = byTime.pollFirst();
        ids.remove(entry.usage().id());
        Scope scope = Scope.of(entry.usage());
        NavigableSet<Entry> entries = byIntegration.get(scope);
        entries.remove(entry);
        if (entries.isEmpty()) {
          byIntegration.remove(scope);
        }
        deleted++;
      }
      return deleted;
    }
  }

  /** Orders entries by time, then by arrival; {@code usage} is null only in search keys. */
  private record Entry(Instant at, long seq, ApiUsage usage) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int byAt = at.compareTo(other.at);
      return byAt != 0 ? byAt : Long.compare(seq, other.seq);
    }
  }

  private record Scope(TenantId tenant, String integrationId) {
    static Scope of(ApiUsage usage) {
      return new Scope(usage.tenant(), usage.integrationId());
    }
  }
}
