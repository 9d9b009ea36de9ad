package io.wacanda.usage;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ApiUsageStore} held in memory as counters: per integration, one counter per millisecond
 * in which calls were recorded. It keeps what {@link #count} and retention need and nothing else
 * (a few dozen bytes per busy millisecond instead of a row per call), and {@link #record}, which
 * sits on every external API call, takes no lock. Times are counted at millisecond resolution:
 * {@code count(since)} includes the calls of {@code since}'s whole millisecond, and
 * {@code deleteBefore(cutoff)} deletes calls of the milliseconds wholly before {@code cutoff}.
 * Usage ids are not kept: recording the same {@link ApiUsage} twice counts it twice. Everything is
 * lost when the process stops; use {@code wacanda-jdbc} for durability and per-call rows.
 */
public final class InMemoryApiUsageStore implements ApiUsageStore {
  private final Map<Scope, ConcurrentNavigableMap<Long, AtomicLong>> byIntegration =
      new ConcurrentHashMap<>();
  /** Serialises retention runs (so concurrent runs never delete an entry twice). */
  private final Object retention = new Object();

  @Inject
  public InMemoryApiUsageStore() {}

  @Override
  public void record(ApiUsage usage) {
    ConcurrentNavigableMap<Long, AtomicLong> counters = byIntegration.computeIfAbsent(
        new Scope(usage.tenant(), usage.integrationId()), s -> new ConcurrentSkipListMap<>());
    long millis = usage.at().toEpochMilli();
    while (true) {
      AtomicLong counter = counters.computeIfAbsent(millis, m -> new AtomicLong());
      counter.incrementAndGet();
      if (counters.get(millis) == counter) {
        return;
      }
      // Retention removed this (emptied) counter between our lookup and our increment.
      counter.decrementAndGet();
    }
  }

  @Override
  public long count(TenantId tenant, String integrationId, Instant since) {
    ConcurrentNavigableMap<Long, AtomicLong> counters =
        byIntegration.get(new Scope(tenant, integrationId));
    if (counters == null) {
      return 0;
    }
    long total = 0;
    for (AtomicLong counter : counters.tailMap(since.toEpochMilli(), true).values()) {
      total += counter.get();
    }
    return total;
  }

  @Override
  public int deleteBefore(Instant cutoff, int batchSize) {
    if (batchSize < 1) {
      throw WacandaException.invalid("batchSize must be positive, was " + batchSize);
    }
    long before = cutoff.toEpochMilli(); // the first millisecond not wholly before cutoff
    synchronized (retention) {
      int deleted = 0;
      for (ConcurrentNavigableMap<Long, AtomicLong> counters : byIntegration.values()) {
        Iterator<Map.Entry<Long, AtomicLong>> it =
            counters.headMap(before, false).entrySet().iterator();
        while (deleted < batchSize && it.hasNext()) {
          Map.Entry<Long, AtomicLong> e = it.next();
          AtomicLong counter = e.getValue();
          long n;
          long take;
          do {
            n = counter.get();
            take = Math.min(n, batchSize - deleted);
          } while (!counter.compareAndSet(n, n - take));
          deleted += (int) take;
          if (n - take == 0) {
            counters.remove(e.getKey(), counter);
          }
        }
        if (deleted == batchSize) {
          break;
        }
      }
      return deleted;
    }
  }

  private record Scope(TenantId tenant, String integrationId) {}
}
