package io.wacanda.telegram;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide settings of the Telegram channel, shared by every Telegram integration of one
 * {@link TelegramIntegrationProvider}: timeouts, long polling, back-off and send pacing.
 * Per-integration settings (token, mode, URL) are the template fields instead. Immutable and
 * thread-safe; build with {@link #builder()}, derive with {@link #newBuilder()}.
 */
public final class TelegramConfig {
  /** Default timeout of one Bot API request (long polls add their poll timeout): 10 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default long-poll time of {@code getUpdates}: 30 seconds. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(30);
  /** Default updates fetched per {@code getUpdates}: 100 (Telegram's maximum). */
  public static final int DEFAULT_POLL_LIMIT = 100;
  /** Default first wait after a failed poll: 1 second; doubled per failure. */
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofSeconds(1);
  /** Default longest wait between failed polls: 60 seconds. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
  /** Default average spacing of messages to one private chat: 1 second (Telegram's advice). */
  public static final Duration DEFAULT_PRIVATE_CHAT_INTERVAL = Duration.ofSeconds(1);
  /** Default average spacing of messages to one group: 3 seconds (20 a minute). */
  public static final Duration DEFAULT_GROUP_CHAT_INTERVAL = Duration.ofSeconds(3);
  /** Default messages one chat may receive at once before spacing applies: 3. */
  public static final int DEFAULT_CHAT_BURST = 3;
  /** Default spacing of messages across the whole bot: 34 ms (about 30 a second). */
  public static final Duration DEFAULT_BOT_INTERVAL = Duration.ofMillis(34);
  /**
   * Default longest time a send waits for its pacing slot: 5 seconds. A send that would wait
   * longer fails as retryable (RATE_LIMITED with the wait as retry-after) so the inbox reschedules
   * it instead of holding a worker.
   */
  public static final Duration DEFAULT_MAX_PACING_WAIT = Duration.ofSeconds(5);
  /** Default time {@code close()} waits for the polling thread: 5 seconds. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

  private final Duration requestTimeout;
  private final Duration pollTimeout;
  private final int pollLimit;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration privateChatInterval;
  private final Duration groupChatInterval;
  private final int chatBurst;
  private final Duration botInterval;
  private final Duration maxPacingWait;
  private final Duration stopTimeout;
  private final ThreadFactory threadFactory;
  private final Sleeper sleeper;

  private TelegramConfig(Builder b) {
    this.requestTimeout = b.requestTimeout;
    this.pollTimeout = b.pollTimeout;
    this.pollLimit = b.pollLimit;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.privateChatInterval = b.privateChatInterval;
    this.groupChatInterval = b.groupChatInterval;
    this.chatBurst = b.chatBurst;
    this.botInterval = b.botInterval;
    this.maxPacingWait = b.maxPacingWait;
    this.stopTimeout = b.stopTimeout;
    this.threadFactory = b.threadFactory;
    this.sleeper = b.sleeper;
  }

  /** Every default. */
  public static TelegramConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration pollTimeout() {
    return pollTimeout;
  }

  public int pollLimit() {
    return pollLimit;
  }

  public Duration minBackoff() {
    return minBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public Duration privateChatInterval() {
    return privateChatInterval;
  }

  public Duration groupChatInterval() {
    return groupChatInterval;
  }

  public int chatBurst() {
    return chatBurst;
  }

  public Duration botInterval() {
    return botInterval;
  }

  public Duration maxPacingWait() {
    return maxPacingWait;
  }

  public Duration stopTimeout() {
    return stopTimeout;
  }

  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  @Override
  public String toString() {
    return "TelegramConfig[requestTimeout=" + requestTimeout + ", pollTimeout=" + pollTimeout
        + ", pollLimit=" + pollLimit + ", backoff=" + minBackoff + ".." + maxBackoff
        + ", privateChatInterval=" + privateChatInterval + ", groupChatInterval="
        + groupChatInterval + ", chatBurst=" + chatBurst + ", botInterval=" + botInterval
        + ", maxPacingWait=" + maxPacingWait + ", stopTimeout=" + stopTimeout + "]";
  }

  /** Builder; every setter checks its value at once, {@link #build()} checks combinations. */
  public static final class Builder {
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private int pollLimit = DEFAULT_POLL_LIMIT;
    private Duration minBackoff = DEFAULT_MIN_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration privateChatInterval = DEFAULT_PRIVATE_CHAT_INTERVAL;
    private Duration groupChatInterval = DEFAULT_GROUP_CHAT_INTERVAL;
    private int chatBurst = DEFAULT_CHAT_BURST;
    private Duration botInterval = DEFAULT_BOT_INTERVAL;
    private Duration maxPacingWait = DEFAULT_MAX_PACING_WAIT;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private ThreadFactory threadFactory = daemonThreads("wacanda-telegram-poll");
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    private Builder(TelegramConfig c) {
      this.requestTimeout = c.requestTimeout;
      this.pollTimeout = c.pollTimeout;
      this.pollLimit = c.pollLimit;
      this.minBackoff = c.minBackoff;
      this.maxBackoff = c.maxBackoff;
      this.privateChatInterval = c.privateChatInterval;
      this.groupChatInterval = c.groupChatInterval;
      this.chatBurst = c.chatBurst;
      this.botInterval = c.botInterval;
      this.maxPacingWait = c.maxPacingWait;
      this.stopTimeout = c.stopTimeout;
      this.threadFactory = c.threadFactory;
      this.sleeper = c.sleeper;
    }

    /** Timeout of one Bot API request, 1 s to 5 min; default 10 s. */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = between("requestTimeout", d, Duration.ofSeconds(1),
          Duration.ofMinutes(5));
      return this;
    }

    /**
     * Long-poll time of {@code getUpdates}, 0 to 90 s (0 is short polling: for tests only); whole
     * seconds on the wire; default 30 s.
     */
    public Builder pollTimeout(Duration d) {
      this.pollTimeout = between("pollTimeout", d, Duration.ZERO, Duration.ofSeconds(90));
      return this;
    }

    /** Updates per {@code getUpdates}, 1 to 100; default 100. */
    public Builder pollLimit(int n) {
      if (n < 1 || n > 100) {
        throw new IllegalArgumentException("pollLimit must be 1..100, was " + n);
      }
      this.pollLimit = n;
      return this;
    }

    /** First and longest wait after failed polls; default 1 s and 60 s. */
    public Builder backoff(Duration min, Duration max) {
      this.minBackoff = between("minBackoff", min, Duration.ofMillis(1), Duration.ofMinutes(10));
      this.maxBackoff = between("maxBackoff", max, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Average spacing per private chat and per group, and how many messages a chat may get at once
     * before spacing applies; defaults 1 s, 3 s and 3. Zero intervals turn pacing off.
     */
    public Builder chatPacing(Duration privateChat, Duration group, int burst) {
      this.privateChatInterval = between("privateChatInterval", privateChat, Duration.ZERO,
          Duration.ofMinutes(1));
      this.groupChatInterval = between("groupChatInterval", group, Duration.ZERO,
          Duration.ofMinutes(1));
      if (burst < 1 || burst > 100) {
        throw new IllegalArgumentException("chat burst must be 1..100, was " + burst);
      }
      this.chatBurst = burst;
      return this;
    }

    /** Spacing of messages across the bot, 0 to 1 s; default 34 ms (about 30 a second). */
    public Builder botInterval(Duration d) {
      this.botInterval = between("botInterval", d, Duration.ZERO, Duration.ofSeconds(1));
      return this;
    }

    /** Longest wait of one send for its pacing slot, 0 to 60 s; default 5 s. */
    public Builder maxPacingWait(Duration d) {
      this.maxPacingWait = between("maxPacingWait", d, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /** How long {@code close()} waits for the polling thread, 0 to 60 s; default 5 s. */
    public Builder stopTimeout(Duration d) {
      this.stopTimeout = between("stopTimeout", d, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /** Makes polling threads; default daemon threads named {@code wacanda-telegram-poll-N}. */
    public Builder threadFactory(ThreadFactory f) {
      this.threadFactory = Objects.requireNonNull(f, "threadFactory");
      return this;
    }

    /** How waits happen (pacing, back-off); tests replace it to move a clock instead. */
    Builder sleeper(Sleeper s) {
      this.sleeper = Objects.requireNonNull(s, "sleeper");
      return this;
    }

    public TelegramConfig build() {
      if (minBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException("minBackoff (" + minBackoff
            + ") must not exceed maxBackoff (" + maxBackoff + ")");
      }
      return new TelegramConfig(this);
    }

    private static Duration between(String name, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max
            + ", was " + d);
      }
      return d;
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
