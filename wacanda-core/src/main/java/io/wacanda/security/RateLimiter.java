package io.wacanda.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (an integration key hash, a client address): {@code ratePerSecond} tokens
 * refill continuously up to {@code burst}. Thread-safe; buckets idle for a minute at full are
 * dropped on access so memory stays bounded by active keys.
 */
public final class RateLimiter {
  private final double ratePerSecond;
  private final double burst;
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private long lastSweepNanos;

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
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
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
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    synchronized (b) {
      double elapsed = (now - b.lastNanos) / 1e9;
      b.tokens = Math.min(burst, b.tokens + elapsed * ratePerSecond);
      b.lastNanos = now;
      if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return Optional.empty();
      }
      double waitSeconds = (1.0 - b.tokens) / ratePerSecond;
      return Optional.of(Duration.ofNanos((long) Math.ceil(waitSeconds * 1e9)));
    }
  }

  private long nanos() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private void sweep(long now) {
    if (now - lastSweepNanos < 60_000_000_000L) {
      return;
    }
    lastSweepNanos = now;
    double fullAfter = burst / ratePerSecond;
    buckets.entrySet().removeIf(e -> (now - e.getValue().lastNanos) / 1e9 > Math.max(60, fullAfter));
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }
}
