package io.wacanda.whatsapp.baileys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records scheduled tasks; the test runs them when it wants. Thread-safe. */
final class ManualScheduler implements Scheduler {
  record Task(Runnable task, Duration delay) {}

  private final List<Task> pending = new ArrayList<>();
  private boolean closed;

  @Override
  public synchronized void schedule(Runnable task, Duration delay) {
    if (!closed) {
      pending.add(new Task(task, delay));
    }
  }

  synchronized List<Duration> delays() {
    return pending.stream().map(Task::delay).toList();
  }

  /** Runs the oldest pending task on the calling thread. */
  void runNext() {
    Task t;
    synchronized (this) {
      if (pending.isEmpty()) {
        throw new AssertionError("no task scheduled");
      }
      t = pending.remove(0);
    }
    t.task().run();
  }

  @Override
  public synchronized void close() {
    closed = true;
    pending.clear();
  }
}
