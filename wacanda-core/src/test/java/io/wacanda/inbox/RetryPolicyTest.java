package io.wacanda.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofMinutes(1), 3);

  @RepeatedTest(20)
  void growsExponentiallyWithJitterWithinHalfToFullAndCaps() {
    assertThat(policy.delayAfter(1, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(policy.delayAfter(2, null)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(6));
    assertThat(policy.delayAfter(3, null)).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(18));
    assertThat(policy.delayAfter(10, null)).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(1));
  }

  @Test
  void honoursALongerRequestedDelayUpToTheCap() {
    assertThat(policy.delayAfter(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.delayAfter(1, Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void countsAttempts() {
    assertThat(policy.canRetry(4)).isTrue();
    assertThat(policy.canRetry(5)).isFalse();
  }
}
