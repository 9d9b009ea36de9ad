package io.wacanda.whatsapp.baileys;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs reconnect attempts later. The default is one daemon thread per channel, named
 * {@code wacanda-baileys-<integration id>}, created on first use and stopped by {@link #close()};
 * tests substitute a manual one.
 */
interface Scheduler extends AutoCloseable {

  void schedule(Runnable task, Duration delay);

  /** Cancels pending tasks; idempotent. */
  @Override
  void close();

  /** A lazily started single daemon thread. */
  static Scheduler daemon(String name) {
    return new Scheduler() {
      private final AtomicReference<ScheduledThreadPoolExecutor> executor =
          new AtomicReference<>();
      private volatile boolean closed;

      @Override
      public void schedule(Runnable task, Duration delay) {
        if (closed) {
          return;
        }
        ScheduledThreadPoolExecutor e = executor.get();
        if (e == null) {
          ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
          });
          created.setRemoveOnCancelPolicy(true);
          if (executor.compareAndSet(null, created)) {
            e = created;
          } else {
            created.shutdownNow();
            e = executor.get();
          }
        }
        e.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      }

      @Override
      public void close() {
        closed = true;
        ScheduledThreadPoolExecutor e = executor.getAndSet(null);
        if (e != null) {
          e.shutdownNow();
          try {
            e.awaitTermination(2, TimeUnit.SECONDS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
  }
}
