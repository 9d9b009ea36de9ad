package io.wacanda.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline: the JDK's {@code com.sun.net.httpserver} on loopback with a handler that reads
 * the request body to the end and answers 200 with no body (or, for a diagnostic, with a fixed
 * JSON body: the JDK server then writes the status line and headers, flushes, and writes the body,
 * two system calls where a bodiless answer takes one). Its executor is built exactly like
 * {@code JdkHttpServerBinding}'s (fixed threads, bounded queue, caller runs when full), so the
 * two servers differ only in what runs inside the exchange.
 */
final class BareServer implements AutoCloseable {
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final byte[] body;

  private BareServer(HttpServer server, ThreadPoolExecutor executor, byte[] body) {
    this.server = server;
    this.executor = executor;
    this.body = body;
  }

  static BareServer start(int threads, int queueCapacity) {
    return start(threads, queueCapacity, new byte[0]);
  }

  /** A bare server answering 200 with {@code body} as {@code application/json}. */
  static BareServer start(int threads, int queueCapacity, byte[] body) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity), r -> {
          Thread t = new Thread(r, "bare-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    try {
      HttpServer server = HttpServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      server.setExecutor(executor);
      server.createContext("/", ex -> exchange(ex, body));
      server.start();
      return new BareServer(server, executor, body);
    } catch (IOException e) {
      executor.shutdown();
      throw new UncheckedIOException("cannot start the bare server", e);
    }
  }

  private static void exchange(HttpExchange ex, byte[] body) throws IOException {
    try (ex; InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[4096];
      while (in.read(buf) != -1) {
        // read the body to the end, as a real handler must
      }
      if (body.length == 0) {
        ex.sendResponseHeaders(200, -1);
      } else {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** Bytes of the body answered (0: none). */
  int bodyLength() {
    return body.length;
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
