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
}
