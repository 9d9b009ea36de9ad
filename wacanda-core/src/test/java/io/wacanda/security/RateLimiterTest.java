package io.wacanda.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void allowsTheBurstThenRefusesWithTheWaitUntilTheNextToken() {
    MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    RateLimiter limiter = new RateLimiter(2, 3, clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("k")).isEmpty();
    }
    assertThat(limiter.tryAcquire("k")).hasValueSatisfying(
        wait -> assertThat(wait).isBetween(Duration.ofMillis(499), Duration.ofMillis(501)));
    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.tryAcquire("k")).isEmpty();
    assertThat(limiter.tryAcquire("k")).isPresent();
  }

  @Test
  void keepsKeysApart() {
    RateLimiter limiter = new RateLimiter(1, 1, MutableClock.at("2026-11-26T10:00:00Z"));
    assertThat(limiter.tryAcquire("a")).isEmpty();
    assertThat(limiter.tryAcquire("a")).isPresent();
    assertThat(limiter.tryAcquire("b")).isEmpty();
  }

  @Test
  void refillsAtTheRateButNeverBeyondTheBurst() {
    MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    RateLimiter limiter = new RateLimiter(10, 4, clock);
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire("k")).isEmpty();
    }
    assertThat(limiter.tryAcquire("k")).isPresent();

    clock.advance(Duration.ofMillis(250)); // 2.5 tokens
    assertThat(limiter.tryAcquire("k")).isEmpty();
    assertThat(limiter.tryAcquire("k")).isEmpty();
    assertThat(limiter.tryAcquire("k")).hasValueSatisfying(wait ->
        assertThat(wait).isBetween(Duration.ofMillis(49), Duration.ofMillis(51)));

    clock.advance(Duration.ofHours(3)); // idle long after full: still only the burst
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire("k")).isEmpty();
    }
    assertThat(limiter.tryAcquire("k")).isPresent();
  }

  @Test
  void concurrentCallersOnOneKeyShareExactlyTheBurst() throws Exception {
    RateLimiter limiter = new RateLimiter(1, 500, MutableClock.at("2026-11-26T10:00:00Z"));
    java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1_000; i++) {
          if (limiter.tryAcquire("hot").isEmpty()) {
            granted.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    assertThat(granted.get()).isEqualTo(500); // the clock stands still: no refill
  }

  @Test
  void aVeryLowRateStillAllowsTheBurstAndReportsALongWait() {
    RateLimiter limiter = new RateLimiter(1e-12, 2, MutableClock.at("2026-11-26T10:00:00Z"));
    assertThat(limiter.tryAcquire("k")).isEmpty();
    assertThat(limiter.tryAcquire("k")).isEmpty();
    assertThat(limiter.tryAcquire("k")).hasValueSatisfying(wait ->
        assertThat(wait).isGreaterThan(Duration.ofDays(365)));
  }
}
