package io.wacanda.spring;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.event.EventBus;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.http.WacandaHttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Serves the admin event stream ({@code GET {base}/admin/events}) as Server-Sent Events on Spring
 * MVC's async support. The handler authenticates the request and hands over ready-made SSE frames;
 * each stream has a bounded queue and its own daemon thread ({@code wacanda-sse-N}) that writes
 * them, so a slow client never blocks whoever published the event, and a client that falls
 * {@code queue-capacity} frames behind is disconnected. Idle streams get a comment line every
 * {@code heartbeat}; a stream ends after {@code timeout} (browsers reconnect). Stops first on
 * shutdown (highest lifecycle phase), so open streams never hold up the web server's graceful
 * shutdown. Thread-safe.
 */
final class EventStreams implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
  static final MediaType EVENT_STREAM =
      new MediaType("text", "event-stream", StandardCharsets.UTF_8);
  private static final String CLOSE = "";

  private final WacandaHttpHandler handler;
  private final int maxStreams;
  private final Duration heartbeat;
  private final Duration timeout;
  private final int queueCapacity;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger names = new AtomicInteger();
  private volatile boolean running;

  EventStreams(WacandaHttpHandler handler, WacandaProperties.Events config) {
    this.handler = handler;
    if (config.getMaxStreams() < 1) {
      throw new IllegalArgumentException("wacanda.http.events.max-streams must be >= 1, was "
          + config.getMaxStreams());
    }
    if (config.getQueueCapacity() < 1) {
      throw new IllegalArgumentException("wacanda.http.events.queue-capacity must be >= 1, was "
          + config.getQueueCapacity());
    }
    requirePositive("wacanda.http.events.heartbeat", config.getHeartbeat());
    requirePositive("wacanda.http.events.timeout", config.getTimeout());
    this.maxStreams = config.getMaxStreams();
    this.heartbeat = config.getHeartbeat();
    this.timeout = config.getTimeout();
    this.queueCapacity = config.getQueueCapacity();
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
    }
  }

  /**
   * Opens a stream for an authenticated admin request.
   *
   * @throws WacandaException UNAUTHORIZED without valid admin credentials, UNAVAILABLE when
   *     shutting down or at {@code max-streams}
   */
  ResponseBodyEmitter open(HttpRequest request) {
    if (!running) {
      throw new WacandaException(ErrorCode.UNAVAILABLE, "event streams are shutting down");
    }
    if (active.incrementAndGet() > maxStreams) {
      active.decrementAndGet();
      throw new WacandaException(ErrorCode.UNAVAILABLE, "too many event streams (at most "
          + maxStreams + "); try again later");
    }
    Stream stream = new Stream(new ResponseBodyEmitter(timeout.toMillis()));
    try {
      stream.subscription = handler.subscribeEvents(request, stream::offer);
    } catch (RuntimeException e) {
      active.decrementAndGet();
      throw e;
    }
    streams.add(stream);
    stream.emitter.onCompletion(stream::end);
    stream.emitter.onTimeout(stream::end);
    stream.emitter.onError(t -> stream.end());
    Thread t = new Thread(stream::run, "wacanda-sse-" + names.incrementAndGet());
    t.setDaemon(true);
    t.start();
    return stream.emitter;
  }

  /** The envelope for a refused stream: the handler's own for auth errors, else UNAVAILABLE. */
  HttpResponse refusal(HttpRequest request, WacandaException e) {
    if (e.code() != ErrorCode.UNAVAILABLE) {
      return handler.handle(request);
    }
    String message = e.getMessage().replace("\\", "\\\\").replace("\"", "\\\"");
    return HttpResponse.json(503, ("{\"success\":false,\"error\":{\"code\":\"UNAVAILABLE\","
        + "\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  /** Streams open now. */
  int active() {
    return active.get();
  }

  @Override
  public void start() {
    running = true;
  }

  /** Ends every open stream; new ones are refused. */
  @Override
  public void stop() {
    running = false;
    for (Stream s : streams) {
      s.end();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the web server's graceful shutdown waits for requests to finish. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  private final class Stream {
    final ResponseBodyEmitter emitter;
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>(queueCapacity);
    final AtomicBoolean ended = new AtomicBoolean();
    volatile boolean overflow;
    volatile EventBus.Subscription subscription;

    Stream(ResponseBodyEmitter emitter) {
      this.emitter = emitter;
    }

    void offer(String frame) {
      if (!frames.offer(frame)) {
        overflow = true;
        end();
      }
    }

    /** Idempotent; wakes the writer, which completes the response. */
    void end() {
      if (ended.compareAndSet(false, true)) {
        frames.clear();
        frames.offer(CLOSE);
      }
    }

    void run() {
      try {
        send(": connected\n\n");
        while (!ended.get()) {
          String frame = frames.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
          if (frame == null) {
            send(": ping\n\n");
          } else if (!frame.isEmpty()) {
            send(frame);
          }
        }
        if (overflow) {
          log.info("Event stream client fell {} events behind; disconnected", queueCapacity);
        }
        emitter.complete();
      } catch (IOException | IllegalStateException e) {
        log.debug("Event stream ended: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        emitter.complete();
      } finally {
        ended.set(true);
        EventBus.Subscription s = subscription;
        if (s != null) {
          s.close();
        }
        streams.remove(this);
        active.decrementAndGet();
      }
    }

    private void send(String text) throws IOException {
      emitter.send(text, EVENT_STREAM);
    }
  }
}
