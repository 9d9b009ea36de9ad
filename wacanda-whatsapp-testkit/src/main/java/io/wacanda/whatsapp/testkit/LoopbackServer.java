package io.wacanda.whatsapp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** The JDK HTTP server on 127.0.0.1 and a dynamic port, recording every request. */
abstract class LoopbackServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A response a route produces. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply json(int status, Object body) {
      try {
        return new Reply(status, Map.of("Content-Type", "application/json"),
            JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Reply raw(int status, String contentType, byte[] body) {
      return new Reply(status, Map.of("Content-Type", contentType), body);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();

  LoopbackServer(String name) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a loopback port", e);
    }
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::exchange);
    server.start();
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request received, oldest first. */
  public List<RecordedRequest> requests() {
    lock.lock();
    try {
      return List.copyOf(requests);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets recorded requests (state such as instances stays). */
  public void clearRequests() {
    lock.lock();
    try {
      requests.clear();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until at least {@code count} recorded requests match, and returns the matching ones.
   *
   * @throws AssertionError when the timeout passes first
   */
  List<RecordedRequest> await(Predicate<RecordedRequest> filter, int count, Duration timeout,
      String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        List<RecordedRequest> match = requests.stream().filter(filter).toList();
        if (match.size() >= count) {
          return match;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " " + what + " within " + timeout
              + ", got " + match.size());
        }
        arrived.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } finally {
      lock.unlock();
    }
  }

  /** Answers one request; {@code request} is already recorded. */
  abstract Reply route(RecordedRequest request);

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT),
          List.copyOf(v)));
      String text = new String(body, StandardCharsets.UTF_8);
      JsonNode json;
      try {
        json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (IOException e) {
        json = JSON.createObjectNode();
      }
      String query = ex.getRequestURI().getRawQuery();
      RecordedRequest req = new RecordedRequest(ex.getRequestMethod().toUpperCase(Locale.ROOT),
          ex.getRequestURI().getPath(), query, headers, text, json == null
              ? JSON.createObjectNode() : json);
      Reply reply;
      try {
        reply = route(req);
      } catch (RuntimeException e) {
        reply = Reply.json(500, Map.of("error", "fake failed: " + e));
      }
      lock.lock();
      try {
        requests.add(req);
        arrived.signalAll();
      } finally {
        lock.unlock();
      }
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        ex.getResponseBody().write(reply.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
