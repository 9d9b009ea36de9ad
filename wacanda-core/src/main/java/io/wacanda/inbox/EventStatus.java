package io.wacanda.inbox;

/** Lifecycle of an inbox event. PROCESSED and DEAD are terminal. */
public enum EventStatus {
  /** Stored, waiting for a worker (first try or a retry at {@code nextAttemptAt}). */
  PENDING,
  /** Claimed by a worker until its lease ends. */
  PROCESSING,
  PROCESSED,
  /** Gave up after the configured attempts; {@code lastError} says why. */
  DEAD
}
