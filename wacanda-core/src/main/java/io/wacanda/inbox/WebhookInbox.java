package io.wacanda.inbox;

import io.wacanda.RetryableException;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.channel.InboundEvent;
import io.wacanda.internal.Ids;
import io.wacanda.internal.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook inbox: {@link #append} stores verified events durably (idempotent on the platform's
 * key) so the platform can be answered at once; a fixed pool of worker threads claims due events
 * from the {@link WebhookEventStore}, hands them to the {@link EventProcessor}, and retries failures
 * per the {@link RetryPolicy} until they are processed or dead. Workers claim through the store, so
 * several processes sharing a database share the work; a claim whose worker died is taken again
 * after its lease. Thread-safe. {@link #close()} stops claiming and waits for in-flight events.
 */
public final class WebhookInbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookInbox.class);

  private final WebhookEventStore store;
  private final EventProcessor processor;
  private final Clock clock;
  private final Config config;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Workers looking for work or waiting for it: appends wake them only when there are some. */
  private final AtomicInteger idle = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private long signals;
  private volatile FailureListener failureListener = (event, error, dead) -> { };
  private volatile BooleanSupplier requestsWaiting = () -> false;
  private static final Duration DEFAULT_ACK_PRIORITY = Duration.ofSeconds(30);
  /** How long a worker deferring to waiting requests sleeps before looking again. */
  private static final long DEFER_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** Told about every failed attempt (for alerts and event streams). */
  @FunctionalInterface
  public interface FailureListener {
    /**
     * @param event the event as claimed for the failed attempt
     * @param dead whether it will not be tried again
     */
    void failed(WebhookEvent event, String error, boolean dead);
  }

  public WebhookInbox(WebhookEventStore store, EventProcessor processor, Clock clock,
      Config config) {
    this.store = Objects.requireNonNull(store, "store");
    this.processor = Objects.requireNonNull(processor, "processor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Stores events of one integration. Returns once they are durable; duplicates (same idempotency
   * key) are recognised and not stored again.
   */
  public List<WebhookEventStore.AppendResult> append(TenantId tenant, String integrationId,
      List<InboundEvent> events) {
    List<WebhookEventStore.AppendResult> results = new ArrayList<>(events.size());
    Instant now = clock.instant();
    boolean added = false;
    for (InboundEvent e : events) {
      WebhookEvent event = WebhookEvent.pending(Ids.next("evt"), tenant, integrationId,
          e.eventType(), e.idempotencyKey(), Json.writeString(e), now);
      WebhookEventStore.AppendResult r = store.append(event);
      added |= !r.duplicate();
      if (r.duplicate()) {
        log.debug("Duplicate delivery {} of integration {} ignored", e.idempotencyKey(),
            integrationId);
      }
      results.add(r);
    }
    if (added) {
      signal();
    }
    return results;
  }

  /** Sets the listener told about failed attempts; replaces any earlier one. */
  public void onFailure(FailureListener listener) {
    this.failureListener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Lets acknowledgements go first: while {@code requestsWaiting} says that requests are waiting
   * for a request thread (a server binding reports it, see
   * {@code WacandaHttpHandler.reportRequestsWaiting}), workers do not claim new events, for at
   * most {@link Config#ackPriority()} at a stretch; after that they share the CPU again until
   * the requests stop waiting. A batch already claimed is finished either way.
   */
  public void yieldTo(BooleanSupplier requestsWaiting) {
    this.requestsWaiting = Objects.requireNonNull(requestsWaiting, "requestsWaiting");
  }

  /** Decodes a stored event's payload. */
  public static InboundEvent decode(WebhookEvent event) {
    return Json.read(event.payload(), InboundEvent.class);
  }

  /** Starts the worker threads; idempotent. */
  public void start() {
    if (closed.get() || !running.compareAndSet(false, true)) {
      return;
    }
    for (int i = 0; i < config.workers(); i++) {
      Thread t = config.threadFactory().newThread(this::workLoop);
      workers.add(t);
      t.start();
    }
    log.info("Webhook inbox started with {} workers", config.workers());
  }

  /**
   * Claims and processes due events on the calling thread until none is due; for tests and for
   * hosts that drive processing themselves.
   *
   * @return how many events were handled
   */
  public int drain() {
    int handled = 0;
    List<WebhookEvent> batch;
    while (!(batch = store.claimDue(clock.instant(), config.batchSize(), config.lease()))
        .isEmpty()) {
      for (WebhookEvent e : batch) {
        if (!leaseRunningOut(e)) {
          handle(e);
          handled++;
        }
      }
    }
    return handled;
  }

  private void workLoop() {
    Deferral deferral = new Deferral();
    while (running.get()) {
      deferral.awaitTurn();
      List<WebhookEvent> batch;
      idle.incrementAndGet();
      try {
        batch = store.claimDue(clock.instant(), config.batchSize(), config.lease());
      } catch (RuntimeException e) {
        log.warn("Inbox could not claim events; retrying: {}", e.toString());
        batch = List.of();
        await(config.pollInterval().multipliedBy(5));
      }
      if (batch.isEmpty()) {
        await(config.pollInterval());
        idle.decrementAndGet();
        continue;
      }
      idle.decrementAndGet();
      // No deferring inside a claimed batch: a worker waiting there would sit on leases it holds.
      for (WebhookEvent e : batch) {
        if (leaseRunningOut(e)) {
          // The rest of this batch waited too long behind slower events: leave it to be
          // re-claimed rather than race another worker that may already hold it.
          log.debug("Event {} skipped: its lease is running out", e.id());
          continue;
        }
        inFlight.incrementAndGet();
        try {
          handle(e);
        } finally {
          inFlight.decrementAndGet();
        }
      }
    }
  }

  /**
   * One worker's acknowledgement priority: before each claim (never while it holds claimed
   * events, whose leases would run out), it waits while the
   * server reports requests waiting, until it has seen none in {@link #QUIET_LOOKS} looks in a row
   * (a saturated server is rarely caught idle three times running; a lightly loaded one is at once),
   * and for at most {@link Config#ackPriority()} at a stretch.
   */
  private final class Deferral {
    private static final int QUIET_LOOKS = 3;
    private final long limit = config.ackPriority().toNanos();
    private long since; // System.nanoTime() when this stretch of deferring began; 0: not deferring

    void awaitTurn() {
      if (limit == 0) {
        return;
      }
      int quiet = 0;
      while (running.get()) {
        if (requestsWaiting.getAsBoolean()) {
          quiet = 0;
          long now = System.nanoTime();
          if (since == 0) {
            since = now;
          } else if (now - since >= limit) {
            return; // saturated for longer than a burst: take a share of the CPU again
          }
        } else if (since == 0 || ++quiet >= QUIET_LOOKS) {
          since = 0;
          return;
        }
        LockSupport.parkNanos(DEFER_STEP_NANOS);
      }
    }
  }

  /** Whether less than half of the event's lease is left. */
  private boolean leaseRunningOut(WebhookEvent event) {
    return event.leaseUntil()
        .map(until -> clock.instant().isAfter(until.minus(config.lease().dividedBy(2))))
        .orElse(false);
  }

  private void handle(WebhookEvent event) {
    try {
      processor.process(event);
      store.markProcessed(event.tenant(), event.id(), event.attempts(), clock.instant());
    } catch (RetryableException e) {
      retryOrBury(event, e, e.retryAfter().orElse(null));
    } catch (WacandaException e) {
      log.warn("Event {} of integration {} failed for good: {}", event.id(),
          event.integrationId(), e.getMessage());
      store.markDead(event.tenant(), event.id(), event.attempts(), describe(e),
          clock.instant());
      notifyFailure(event, describe(e), true);
    } catch (RuntimeException e) {
      log.warn("Event {} of integration {} failed on attempt {}", event.id(),
          event.integrationId(), event.attempts(), e);
      retryOrBury(event, e, null);
    }
  }

  private void retryOrBury(WebhookEvent event, RuntimeException e, Duration requested) {
    if (config.retryPolicy().canRetry(event.attempts())) {
      Duration delay = config.retryPolicy().delayAfter(event.attempts(), requested);
      store.markRetry(event.tenant(), event.id(), event.attempts(),
          clock.instant().plus(delay), describe(e));
      log.info("Event {} will be retried in {} ms (attempt {} failed: {})", event.id(),
          delay.toMillis(), event.attempts(), e.getMessage());
      notifyFailure(event, describe(e), false);
    } else {
      store.markDead(event.tenant(), event.id(), event.attempts(), describe(e),
          clock.instant());
      log.warn("Event {} of integration {} is dead after {} attempts: {}", event.id(),
          event.integrationId(), event.attempts(), e.getMessage());
      notifyFailure(event, describe(e), true);
    }
  }

  private void notifyFailure(WebhookEvent event, String error, boolean dead) {
    try {
      failureListener.failed(event, error, dead);
    } catch (RuntimeException e) {
      log.warn("Inbox failure listener failed", e);
    }
  }

  private static String describe(RuntimeException e) {
    String m = e.getMessage();
    String s = e instanceof WacandaException w ? w.code() + ": " + m
        : e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return s.length() > 1000 ? s.substring(0, 1000) : s;
  }

  private void signal() {
    // A worker counts itself idle before it claims, so either it sees this append's event or
    // this sees it idle and wakes it; busy workers come back for more without a signal.
    if (idle.get() == 0) {
      return;
    }
    lock.lock();
    try {
      signals = Math.min(signals + 1, config.workers());
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void await(Duration d) {
    lock.lock();
    try {
      if (signals > 0) {
        signals--;
        return;
      }
      work.await(d.toNanos(), TimeUnit.NANOSECONDS);
      if (signals > 0) {
        signals--;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    } finally {
      lock.unlock();
    }
  }

  /** Stops claiming, waits up to the drain timeout for in-flight events; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running.set(false);
    lock.lock();
    try {
      work.signalAll();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    for (Thread t : workers) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    int left = inFlight.get();
    if (left > 0) {
      log.warn("Inbox closed with {} events still in flight; their leases will expire and "
          + "they will be processed again", left);
    } else {
      log.info("Webhook inbox stopped");
    }
  }

  /**
   * Inbox settings.
   *
   * @param workers worker threads; default 4
   * @param batchSize events claimed per store call; default 8
   * @param pollInterval how long an idle worker waits before polling again (appends wake it at
   *     once); default 500 ms
   * @param lease how long a claim holds before another worker may take the event; default 5 min
   * @param drainTimeout how long {@link #close()} waits for in-flight events; default 10 s
   * @param ackPriority how long at a stretch workers leave the CPU to waiting requests (see
   *     {@link WebhookInbox#yieldTo}); zero never defers; default 30 s: a burst that saturates
   *     the server is acknowledged first and answered right after, and saturation that lasts
   *     longer is shared again
   */
  public record Config(int workers, int batchSize, Duration pollInterval, Duration lease,
      Duration drainTimeout, RetryPolicy retryPolicy, ThreadFactory threadFactory,
      Duration ackPriority) {

    /** Settings with the default {@code ackPriority}. */
    public Config(int workers, int batchSize, Duration pollInterval, Duration lease,
        Duration drainTimeout, RetryPolicy retryPolicy, ThreadFactory threadFactory) {
      this(workers, batchSize, pollInterval, lease, drainTimeout, retryPolicy, threadFactory,
          DEFAULT_ACK_PRIORITY);
    }

    public Config {
      if (workers < 1 || workers > 256) {
        throw new IllegalArgumentException("workers must be 1..256, was " + workers);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
      }
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      Objects.requireNonNull(retryPolicy, "retryPolicy");
      Objects.requireNonNull(threadFactory, "threadFactory");
      if (ackPriority == null || ackPriority.isNegative()) {
        throw new IllegalArgumentException("ackPriority must be >= 0, was " + ackPriority);
      }
    }

    public static Config defaults() {
      return new Config(4, 8, Duration.ofMillis(500), Duration.ofMinutes(5),
          Duration.ofSeconds(10), RetryPolicy.DEFAULT, namedThreads("wacanda-inbox"));
    }

    public Config withWorkers(int n) {
      return new Config(n, batchSize, pollInterval, lease, drainTimeout, retryPolicy,
          threadFactory, ackPriority);
    }

    public Config withRetryPolicy(RetryPolicy policy) {
      return new Config(workers, batchSize, pollInterval, lease, drainTimeout, policy,
          threadFactory, ackPriority);
    }

    public Config withPollInterval(Duration d) {
      return new Config(workers, batchSize, d, lease, drainTimeout, retryPolicy, threadFactory,
          ackPriority);
    }

    public Config withLease(Duration d) {
      return new Config(workers, batchSize, pollInterval, d, drainTimeout, retryPolicy,
          threadFactory, ackPriority);
    }

    /** See {@link #ackPriority()}; {@link Duration#ZERO} lets workers never defer. */
    public Config withAckPriority(Duration d) {
      return new Config(workers, batchSize, pollInterval, lease, drainTimeout, retryPolicy,
          threadFactory, d);
    }
  }

  /** Daemon threads named {@code prefix-N}. */
  public static ThreadFactory namedThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
