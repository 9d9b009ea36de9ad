package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendPacerTest {
  private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
  private final ClockSleeper sleeper = new ClockSleeper(clock);
  /** Per-chat limits only; the bot-wide limit has its own test. */
  private final SendPacer pacer = new SendPacer(clock, TelegramConfig.builder().sleeper(sleeper)
      .botInterval(Duration.ZERO).maxPacingWait(Duration.ofSeconds(30)).build());
  private static final ChatAddress CUSTOMER = ChatAddress.of(100000001L);
  private static final ChatAddress GROUP = ChatAddress.of(-1001000000001L);

  @Test
  void aPrivateChatGetsABurstOfThreeThenOnePerSecond() {
    for (int i = 0; i < 3; i++) {
      assertThat(pacer.acquire(CUSTOMER)).isZero();
    }
    assertThat(pacer.acquire(CUSTOMER)).isEqualTo(Duration.ofSeconds(1));
    assertThat(pacer.acquire(CUSTOMER)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aGroupGetsTwentyAMinute() {
    for (int i = 0; i < 3; i++) {
      pacer.acquire(GROUP);
    }
    assertThat(pacer.acquire(GROUP)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aQuietChatIsNotDelayed() {
    for (int i = 0; i < 5; i++) {
      pacer.acquire(CUSTOMER);
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(pacer.acquire(CUSTOMER)).isZero();
  }

  @Test
  void theBotAsAWholeSendsAboutThirtyASecond() {
    SendPacer bot = new SendPacer(clock, TelegramConfig.builder().sleeper(sleeper).build());
    Duration total = Duration.ZERO;
    for (int chat = 1; chat <= 31; chat++) {
      total = total.plus(bot.acquire(ChatAddress.of(chat)));
    }
    // 31 different chats: the first goes at once, each next one 34 ms later.
    assertThat(total).isEqualTo(Duration.ofMillis(34 * 30));
    assertThat(sleeper.waits()).allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofMillis(34)));
  }

  @Test
  void aSlotTooFarAwayIsRefusedAsRetryableInsteadOfBlocking() {
    // Sends from concurrent workers: the clock does not move between them.
    SendPacer strict = new SendPacer(clock, TelegramConfig.builder().sleeper(d -> { })
        .botInterval(Duration.ZERO).maxPacingWait(Duration.ofMillis(1500)).build());
    for (int i = 0; i < 3; i++) {
      assertThat(strict.acquire(CUSTOMER)).isZero();
    }
    assertThat(strict.acquire(CUSTOMER)).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> strict.acquire(CUSTOMER)).isInstanceOfSatisfying(RetryableException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
    });
  }

  @Test
  void telegramsRetryAfterHoldsTheChat() {
    pacer.backOff(CUSTOMER, Duration.ofSeconds(8));
    assertThat(pacer.acquire(CUSTOMER)).isEqualTo(Duration.ofSeconds(8));
    assertThat(pacer.acquire(ChatAddress.of(100000002L))).isZero();
  }

  @Test
  void zeroIntervalsTurnPacingOff() {
    SendPacer off = new SendPacer(clock, TelegramConfig.builder().sleeper(sleeper)
        .chatPacing(Duration.ZERO, Duration.ZERO, 1).botInterval(Duration.ZERO).build());
    for (int i = 0; i < 100; i++) {
      assertThat(off.acquire(CUSTOMER)).isZero();
    }
  }
}
