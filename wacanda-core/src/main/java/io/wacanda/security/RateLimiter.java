package io.wacanda.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets per key (an integration key hash, a client address): {@code ratePerSecond} tokens
 * refill continuously up to {@code burst}. Thread-safe and lock-free: each bucket is one atomic
 * "theoretical arrival time" (the generic cell rate algorithm, which admits exactly what a token
 * bucket admits), so calls on one busy key never wait for each other. Buckets idle for a minute
 * (and full by then) are dropped on access so memory stays bounded by active keys.
 */
public final class RateLimiter {
  private static final long IDLE_NANOS = 60_000_000_000L;

  /** Nanoseconds one token takes to refill. */
  private final long interval;
  /** How far ahead of now the arrival time may run: the burst beyond the first request. */
  private final long tolerance;
  private final Clock clock;
  private final ConcurrentHashMap<String, AtomicLong> buckets = new ConcurrentHashMap<>();
  private volatile long lastSweepNanos;

  /**
   * @param ratePerSecond sustained requests per second per key, &gt; 0
   * @param burst requests allowed at once, &gt;= 1
   */
  public RateLimiter(double ratePerSecond, int burst, Clock clock) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("ratePerSecond must be > 0, was " + ratePerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be >= 1, was " + burst);
    }
    // Capped far below overflow: a rate so low that a token takes years is "never" either way.
    double nanosPerToken = Math.min(1e9 / ratePerSecond, 1e17);
    this.interval = Math.max(1, Math.round(nanosPerToken));
    this.tolerance = (long) Math.min((burst - 1) * (double) interval, 1e18);
    this.clock = clock;
  }

  /**
   * Takes one token.
   *
   * @return empty when allowed; otherwise how long until a token is available
   */
  public Optional<Duration> tryAcquire(String key) {
    long now = nanos();
    sweep(now);
    AtomicLong arrival = buckets.computeIfAbsent(key, k -> new AtomicLong(now));
    while (true) {
      long due = arrival.get();
      long from = Math.max(due, now);
      long ahead = from - now;
      if (ahead > tolerance) {
        return Optional.of(Duration.ofNanos(ahead - tolerance));
      }
      if (arrival.compareAndSet(due, from + interval)) {
        return Optional.empty();
      }
    }
  }

  private long nanos() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private void sweep(long now) {
    long last = lastSweepNanos;
    if (now - last < IDLE_NANOS) {
      return;
    }
    synchronized (this) {
      if (lastSweepNanos != last) {
        return; // another caller swept meanwhile
      }
      lastSweepNanos = now;
    }
    // Full and untouched for a minute. A caller racing with the removal takes its token from the
    // removed (full) bucket and the next call starts a new full one: at worst one request more
    // than the burst, once, for a key that had been idle for a minute.
    buckets.entrySet().removeIf(e -> now - e.getValue().get() > IDLE_NANOS);
  }
}
