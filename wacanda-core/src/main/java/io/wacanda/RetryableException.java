package io.wacanda;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that may succeed if tried again: rate limits (with the platform's advertised delay),
 * timeouts, 5xx answers, broken connections. Inbox workers and senders retry these with backoff.
 */
public class RetryableException extends WacandaException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public RetryableException(ErrorCode code, String message, Duration retryAfter, Throwable cause) {
    super(code, message, cause);
    this.retryAfter = retryAfter;
  }

  public RetryableException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, cause);
  }

  /** The delay the other side asked for, when it said one (HTTP 429 Retry-After, Telegram retry_after). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
