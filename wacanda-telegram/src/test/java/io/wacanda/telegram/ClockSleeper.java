package io.wacanda.telegram;

import io.wacanda.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A sleeper that records each wait and moves a test clock instead of sleeping. */
final class ClockSleeper implements Sleeper {
  private final MutableClock clock;
  private final List<Duration> waits = new ArrayList<>();

  ClockSleeper(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void sleep(Duration d) {
    waits.add(d);
    clock.advance(d);
  }

  synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }
}
