package io.wacanda.whatwut;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void readsDelaySeconds() {
    assertThat(RetryAfter.parse(Optional.of(" 120 "), NOW)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(Optional.of("0"), NOW)).contains(Duration.ZERO);
  }

  @Test
  void readsAnHttpDateRelativeToNow() {
    assertThat(RetryAfter.parse(Optional.of("Tue, 24 Nov 2026 10:02:00 GMT"), NOW))
        .contains(Duration.ofMinutes(2));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertThat(RetryAfter.parse(Optional.of("Tue, 24 Nov 2026 09:00:00 GMT"), NOW))
        .contains(Duration.ZERO);
  }

  @Test
  void unreadableValuesAreIgnored() {
    assertThat(RetryAfter.parse(Optional.empty(), NOW)).isEmpty();
    assertThat(RetryAfter.parse(Optional.of(""), NOW)).isEmpty();
    assertThat(RetryAfter.parse(Optional.of("soon"), NOW)).isEmpty();
    assertThat(RetryAfter.parse(Optional.of("-5"), NOW)).isEmpty();
    assertThat(RetryAfter.parse(Optional.of("99999999999999999999999"), NOW)).isEmpty();
  }
}
