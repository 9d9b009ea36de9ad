package io.wacanda.inbox;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before attempt {@code n+1} wait a random duration in
 * {@code [base/2, base]} where {@code base = min(maxDelay, initialDelay * multiplier^(n-1))}; a
 * delay the other side asked for (Retry-After) wins when longer. After {@code maxAttempts} the
 * event is dead-lettered. Immutable.
 *
 * @param maxAttempts attempts in all, including the first; default 6
 * @param initialDelay delay after the first failure; default 2 s
 * @param maxDelay cap on any delay; default 1 h
 * @param multiplier growth per attempt; default 3
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay,
    double multiplier) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofSeconds(2), Duration.ofHours(1), 3.0);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
    }
  }

  /** Whether another attempt follows attempt number {@code attempt} (1-based). */
  public boolean canRetry(int attempt) {
    return attempt < maxAttempts;
  }

  /** The delay before the attempt after {@code attempt} (1-based). */
  public Duration delayAfter(int attempt, Duration requested) {
    double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(maxDelay.toMillis(), base);
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    Duration d = Duration.ofMillis(jittered);
    return requested != null && requested.compareTo(d) > 0
        ? (requested.compareTo(maxDelay) > 0 ? maxDelay : requested) : d;
  }
}
