package io.wacanda.telegram;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How the channel waits (send pacing, poll back-off). The default sleeps the calling thread; tests
 * substitute one that advances a test clock, so no test sleeps. Implementations must be
 * thread-safe and interruptible.
 */
@FunctionalInterface
interface Sleeper {
  Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

  void sleep(Duration d) throws InterruptedException;
}
