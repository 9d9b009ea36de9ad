package io.wacanda.event;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@link WacandaEvent}s to subscribers, synchronously on the publishing thread: keep
 * listeners quick (hand off to a queue, as the SSE streams do). A listener that throws is logged and
 * skipped; it never breaks the flow that published. Thread-safe.
 */
public final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private final CopyOnWriteArrayList<Consumer<WacandaEvent>> listeners =
      new CopyOnWriteArrayList<>();

  @jakarta.inject.Inject
  public EventBus() {}

  /** Adds a listener; close the returned subscription to remove it. */
  public Subscription subscribe(Consumer<WacandaEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public void publish(WacandaEvent event) {
    for (Consumer<WacandaEvent> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        log.warn("Event listener {} failed on {}", l.getClass().getName(), event.type(), e);
      }
    }
  }

  /** Number of current subscribers. */
  public int subscribers() {
    return listeners.size();
  }

  /** A subscription; closing it is idempotent. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
