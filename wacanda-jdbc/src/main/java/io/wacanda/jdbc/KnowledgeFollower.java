package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.rag.DefaultRagEngine;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an instance's in-memory knowledge indexes current with a knowledge base that several
 * instances share. Every change to a tenant's documents raises the tenant's revision in
 * {@code kb_revisions} (see {@link JdbcKnowledgeStore}); the follower polls the revisions every
 * {@link Builder#pollInterval(Duration) poll interval} and hands the tenants whose revision
 * another instance raised to the refresher, which rebuilds from the table. Changes written through
 * this instance's own store are already indexed by its engine and are skipped.
 *
 * <pre>{@code
 * KnowledgeFollower follower = stores.knowledgeFollower().build(); // baseline read now
 * Wacanda wacanda = stores.applyTo(Wacanda.builder())...build();  // engine rebuilt from the table
 * follower.start((DefaultRagEngine) wacanda.rag());
 * }</pre>
 *
 * <p>The baseline is read when the follower is built: build it before the engine rebuilds its
 * indexes at start, so no change between the two is missed. A refresh that fails is logged and
 * tried again at the next poll. One daemon thread, from the {@link Builder#threadFactory
 * thread factory}; {@link #close()} stops it, waiting up to 10 seconds for a running refresh.
 * Thread-safe.
 */
public final class KnowledgeFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeFollower.class);
  /** Default time between two looks at the revisions: 2 seconds. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

  private final JdbcKnowledgeStore store;
  private final Duration pollInterval;
  private final ScheduledExecutorService executor;
  private final Map<TenantId, Long> known;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger refreshes = new AtomicInteger();
  private volatile Consumer<Set<TenantId>> refresher;

  private KnowledgeFollower(Builder b) {
    this.store = b.store;
    this.pollInterval = b.pollInterval;
    this.executor = Executors.newSingleThreadScheduledExecutor(b.threadFactory);
    store.followed();
    this.known = new HashMap<>(store.revisions());
  }

  /**
   * Starts following for a {@link DefaultRagEngine}: a change elsewhere rebuilds the indexes of
   * the tenants it touched, and only theirs, from the store with
   * {@link DefaultRagEngine#rebuildIndexes(TenantId)}.
   */
  public KnowledgeFollower start(DefaultRagEngine engine) {
    Objects.requireNonNull(engine, "engine");
    return start(tenants -> tenants.forEach(engine::rebuildIndexes));
  }

  /**
   * Starts following with any refresher, called on the follower's thread with the tenants whose
   * knowledge another instance changed since the last call. Idempotent.
   */
  public KnowledgeFollower start(Consumer<Set<TenantId>> refresher) {
    this.refresher = Objects.requireNonNull(refresher, "refresher");
    if (!closed.get() && started.compareAndSet(false, true)) {
      long every = pollInterval.toMillis();
      executor.scheduleWithFixedDelay(this::pollQuietly, every, every, TimeUnit.MILLISECONDS);
      log.info("Following knowledge revisions every {} ms", every);
    }
    return this;
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      log.warn("Knowledge follower could not refresh; will try again: {}", e.toString());
    }
  }

  /**
   * Looks at the revisions once and refreshes what changed elsewhere; the follower's thread does
   * this every poll interval, tests and hosts may call it directly.
   *
   * @return the tenants that were refreshed
   */
  public synchronized Set<TenantId> poll() {
    Consumer<Set<TenantId>> r = refresher;
    if (r == null) {
      throw WacandaException.invalid("start the knowledge follower before polling it");
    }
    Map<TenantId, Long> current = store.revisions();
    Set<TenantId> changed = new LinkedHashSet<>();
    for (Map.Entry<TenantId, Long> e : current.entrySet()) {
      long seen = known.getOrDefault(e.getKey(), 0L);
      long now = e.getValue();
      if (now == seen) {
        continue;
      }
      boolean allOwn = now > seen;
      for (long rev = seen + 1; allOwn && rev <= now; rev++) {
        allOwn = store.isOwnRevision(e.getKey(), rev);
      }
      if (!allOwn) {
        changed.add(e.getKey());
      }
    }
    if (!changed.isEmpty()) {
      long start = System.nanoTime();
      r.accept(Set.copyOf(changed));
      refreshes.incrementAndGet();
      log.info("Refreshed knowledge of {} tenants changed elsewhere in {} ms", changed.size(),
          Duration.ofNanos(System.nanoTime() - start).toMillis());
    }
    current.forEach((tenant, rev) -> {
      known.put(tenant, rev);
      store.forgetOwnRevisions(tenant, rev);
    });
    return changed;
  }

  /** How many refreshes ran so far. */
  public int refreshCount() {
    return refreshes.get();
  }

  /** Stops polling; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "KnowledgeFollower[pollInterval=" + pollInterval + ", started=" + started.get() + "]";
  }

  /** Settings of a {@link KnowledgeFollower}; from {@link JdbcStores#knowledgeFollower()}. */
  public static final class Builder {
    private final JdbcKnowledgeStore store;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private ThreadFactory threadFactory = daemonThreads("wacanda-knowledge-follower");

    Builder(JdbcKnowledgeStore store) {
      this.store = store;
    }

    /** Time between two looks at the revisions, 10 ms to 1 hour. Default 2 seconds. */
    public Builder pollInterval(Duration pollInterval) {
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.compareTo(Duration.ofMillis(10)) < 0
          || pollInterval.compareTo(Duration.ofHours(1)) > 0) {
        throw WacandaException.invalid("pollInterval must be 10 ms..1 h, was " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /** Makes the polling thread. Default daemon threads named wacanda-knowledge-follower-N. */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /** Reads the current revisions as the baseline; {@link #start} begins polling. */
    public KnowledgeFollower build() {
      return new KnowledgeFollower(this);
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
