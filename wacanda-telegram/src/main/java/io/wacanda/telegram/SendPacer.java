package io.wacanda.telegram;

import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Spaces sends so bursts queue instead of meeting Telegram's 429: per chat (private chats about one
 * message a second, groups about 20 a minute, each allowing a small burst) and per bot (about 30 a
 * second), using the generic cell rate algorithm on the injected {@link Clock}.
 *
 * <p>{@link #acquire} reserves the earliest slot that satisfies both limits and then blocks the
 * calling thread until it (through the {@link Sleeper}). Sends run on the inbox's bounded worker
 * pool, so a blocked send holds one worker; a send whose slot is further away than the configured
 * maximum wait is not blocked but refused as retryable ({@code RATE_LIMITED} with the wait as
 * retry-after), and the inbox tries it again later. A 429 from Telegram pushes the chat's next slot
 * to after Telegram's {@code retry_after} ({@link #backOff}). Thread-safe.
 */
final class SendPacer {
  private static final int SWEEP_AT = 10_000;

  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration privateInterval;
  private final Duration groupInterval;
  private final int burst;
  private final Duration botInterval;
  private final Duration maxWait;
  private final Map<String, Instant> chatTat = new HashMap<>();
  private Instant botTat = Instant.MIN;

  SendPacer(Clock clock, TelegramConfig config) {
    this.clock = clock;
    this.sleeper = config.sleeper();
    this.privateInterval = config.privateChatInterval();
    this.groupInterval = config.groupChatInterval();
    this.burst = config.chatBurst();
    this.botInterval = config.botInterval();
    this.maxWait = config.maxPacingWait();
  }

  /**
   * Waits for the next slot of this chat.
   *
   * @return how long the caller waited
   * @throws RetryableException RATE_LIMITED when the slot is further away than the maximum wait
   */
  Duration acquire(ChatAddress chat) {
    Duration wait;
    synchronized (this) {
      Instant now = clock.instant();
      Duration interval = chat.isGroup() ? groupInterval : privateInterval;
      Duration tolerance = interval.multipliedBy(burst - 1L);
      Instant chatTheoretical = later(chatTat.getOrDefault(chat.chatId(), Instant.MIN), now);
      Instant botTheoretical = later(botTat, now);
      Instant sendAt = later(now, later(chatTheoretical.minus(tolerance), botTheoretical));
      wait = Duration.between(now, sendAt);
      if (wait.compareTo(maxWait) > 0) {
        throw new RetryableException(ErrorCode.RATE_LIMITED, "chat " + chat.chatId()
            + " has too many messages queued; next slot in " + wait.toMillis() + " ms", wait,
            null);
      }
      chatTat.put(chat.chatId(), later(chatTheoretical, sendAt).plus(interval));
      botTat = later(botTheoretical, sendAt).plus(botInterval);
      if (chatTat.size() > SWEEP_AT) {
        sweep(now);
      }
    }
    if (!wait.isZero()) {
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetryableException(ErrorCode.UNAVAILABLE, "interrupted while pacing a send",
            null);
      }
    }
    return wait;
  }

  /** Telegram said 429 for this chat: no slot before {@code retryAfter} from now. */
  synchronized void backOff(ChatAddress chat, Duration retryAfter) {
    Duration interval = chat.isGroup() ? groupInterval : privateInterval;
    Instant notBefore = clock.instant().plus(retryAfter)
        .plus(interval.multipliedBy(burst - 1L));
    chatTat.merge(chat.chatId(), notBefore, SendPacer::later);
  }

  private void sweep(Instant now) {
    for (Iterator<Instant> it = chatTat.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(now)) {
        it.remove();
      }
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
