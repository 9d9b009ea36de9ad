package io.wacanda.telegram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * A sleeper that records each wait and returns at once while it has permits; without permits it
 * blocks until given more or interrupted (as {@code close()} does). Bounds retry loops in tests
 * without sleeping.
 */
final class GateSleeper implements Sleeper {
  private final Semaphore permits;
  private final List<Duration> waits = new ArrayList<>();

  GateSleeper(int permits) {
    this.permits = new Semaphore(permits);
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    synchronized (this) {
      waits.add(d);
      notifyAll();
    }
    permits.acquire();
  }

  void release(int n) {
    permits.release(n);
  }

  synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }

  synchronized List<Duration> awaitWaits(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (waits.size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("expected " + n + " waits, saw " + waits);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(waits);
  }
}
