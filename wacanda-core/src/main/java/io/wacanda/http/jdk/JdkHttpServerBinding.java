package io.wacanda.http.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.http.WacandaHttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts a {@link WacandaHttpHandler} on the JDK's built-in {@code com.sun.net.httpserver} server.
 * Requests run on a bounded pool (default 2 threads per core, queue 1,024; when full, the accepting
 * thread runs the request itself, which slows accepting instead of dropping connections). Bodies
 * are read up to the handler's size limit and no further. TCP_NODELAY is switched on
 * ({@code sun.net.httpserver.nodelay}) unless the host set that property. Not thread-safe for
 * start/stop; {@link #close()} is idempotent.
 */
public final class JdkHttpServerBinding implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JdkHttpServerBinding.class);

  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final WacandaHttpHandler handler;
  private final String contextPath;
  private final Duration stopDelay;
  private volatile boolean closed;
  private static final int MAX_STREAMS = 64;
  private final AtomicInteger streams = new AtomicInteger();
  private final AutoCloseable waitingReport;
  /** How long the server counts as saturated after every request thread was last taken. */
  private static final long SATURATION_MEMORY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private final int threads;
  /** Exchanges handed to the pool and not yet finished (running or queued). */
  private final AtomicInteger pending = new AtomicInteger();
  /** {@link System#nanoTime()} when a submission last found every request thread taken. */
  private volatile long lastSaturated = System.nanoTime() - 2 * SATURATION_MEMORY_NANOS;

  private JdkHttpServerBinding(Builder b) throws IOException {
    this.handler = b.handler;
    this.contextPath = b.contextPath;
    this.stopDelay = b.stopDelay;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(b.threads, b.threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.queueCapacity), r -> {
          Thread t = new Thread(r, "wacanda-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    this.threads = b.threads;
    this.server = HttpServer.create(b.address, b.backlog);
    server.setExecutor(this::submit);
    server.createContext(contextPath.isEmpty() ? "/" : contextPath, this::exchange);
    // Saturated (every request thread busy, or requests queued for one) now or in the last
    // SATURATION_MEMORY: the inbox workers step aside, so that acknowledgements never wait for
    // event processing. A few slow requests (a chat waiting on a model) leave threads free and do
    // not hold the workers.
    this.waitingReport = handler.reportRequestsWaiting(this::saturated);
  }

  /**
   * Hands an exchange to the request pool, counting it until it ends. Counting here rather than
   * asking the pool (active count, queue) costs one atomic add per request and no lock, and it
   * sees the moment of every submission: a closed-loop load keeps the server saturated even when a
   * look at the pool at a random instant catches a thread between two requests.
   */
  private void submit(Runnable exchange) {
    if (pending.incrementAndGet() >= threads) {
      long now = System.nanoTime();
      if (now - lastSaturated > SATURATION_MEMORY_NANOS / 8) { // write the shared field rarely
        lastSaturated = now;
      }
    }
    try {
      executor.execute(() -> {
        try {
          exchange.run();
        } finally {
          pending.decrementAndGet();
        }
      });
    } catch (RuntimeException e) {
      pending.decrementAndGet();
      throw e;
    }
  }

  /** Whether every request thread is taken now, or was in the last {@code SATURATION_MEMORY}. */
  private boolean saturated() {
    return pending.get() >= threads
        || System.nanoTime() - lastSaturated < SATURATION_MEMORY_NANOS;
  }

  public static Builder builder(WacandaHttpHandler handler) {
    return new Builder(handler);
  }

  /** Starts a server on all interfaces at {@code port} (0 picks a free port). */
  public static JdkHttpServerBinding start(WacandaHttpHandler handler, int port) {
    return builder(handler).port(port).build().start();
  }

  public JdkHttpServerBinding start() {
    server.start();
    log.info("Wacanda HTTP listening on {}", server.getAddress());
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void exchange(HttpExchange ex) throws IOException {
    if (ex.getRequestMethod().equals("GET")
        && WacandaHttpHandler.isEventStream(request(ex, new byte[0]))) {
      stream(ex);
      return;
    }
    try (ex) {
      int max = handler.options().maxBodyBytes();
      String lengthHeader = ex.getRequestHeaders().getFirst("Content-Length");
      long declared = -1;
      if (lengthHeader != null) {
        try {
          declared = Long.parseLong(lengthHeader.trim());
        } catch (NumberFormatException e) {
          declared = -1;
        }
      }
      byte[] body;
      if (declared > max) {
        body = null;
      } else if (declared >= 0) {
        body = readDeclared(ex.getRequestBody(), (int) declared);
      } else {
        body = readLimited(ex.getRequestBody(), max);
      }
      HttpResponse response = body == null
          ? handler.payloadTooLarge(request(ex, new byte[0]))
          : handler.handle(request(ex, body));
      write(ex, response);
    } catch (IOException e) {
      log.debug("Connection problem on {} {}: {}", ex.getRequestMethod(),
          ex.getRequestURI().getRawPath(), e.toString());
    }
  }

  /**
   * Serves {@code GET /admin/events} as Server-Sent Events on a dedicated thread (so streams never
   * hold request threads), with a comment line every 15 s to keep proxies from timing out. A client
   * that cannot keep up (256 frames queued) is disconnected.
   */
  private void stream(HttpExchange ex) throws IOException {
    HttpRequest request = request(ex, new byte[0]);
    java.util.concurrent.BlockingQueue<String> frames =
        new java.util.concurrent.LinkedBlockingQueue<>(256);
    java.util.concurrent.atomic.AtomicBoolean overflow =
        new java.util.concurrent.atomic.AtomicBoolean();
    io.wacanda.event.EventBus.Subscription subscription;
    try {
      subscription = handler.subscribeEvents(request, f -> {
        if (!frames.offer(f)) {
          overflow.set(true);
        }
      });
    } catch (io.wacanda.WacandaException e) {
      try (ex) {
        write(ex, handler.handle(request)); // the usual error envelope
      }
      return;
    }
    if (streams.incrementAndGet() > MAX_STREAMS) {
      streams.decrementAndGet();
      subscription.close();
      try (ex) {
        write(ex, HttpResponse.json(503, ("{\"success\":false,\"error\":{\"code\":"
            + "\"UNAVAILABLE\",\"message\":\"too many event streams\"}}")
            .getBytes(StandardCharsets.UTF_8)));
      }
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.getResponseHeaders().set("X-Accel-Buffering", "no");
    ex.sendResponseHeaders(200, 0);
    Thread t = new Thread(() -> {
      try (ex; subscription; OutputStream out = ex.getResponseBody()) {
        out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (!closed && !overflow.get()) {
          String frame = frames.poll(15, TimeUnit.SECONDS);
          out.write((frame == null ? ": ping\n\n" : frame).getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        log.debug("Event stream ended: {}", e.toString());
      } finally {
        streams.decrementAndGet();
      }
    }, "wacanda-sse-" + streams.get());
    t.setDaemon(true);
    t.start();
  }

  private HttpRequest request(HttpExchange ex, byte[] body) {
    String rawPath = ex.getRequestURI().getRawPath();
    String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    if (!contextPath.isEmpty() && path.startsWith(contextPath)) {
      path = path.substring(contextPath.length());
    }
    if (path.isEmpty()) {
      path = "/";
    }
    return new HttpRequest(ex.getRequestMethod(), path, query(ex.getRequestURI().getRawQuery()),
        ex.getRequestHeaders(), body, ex.getRemoteAddress().getAddress().getHostAddress());
  }

  private static Map<String, List<String>> query(String raw) {
    return HttpRequest.parseQuery(raw);
  }

  /** Reads a body of a declared length (the JDK server stops the stream at that length). */
  private static byte[] readDeclared(InputStream in, int length) throws IOException {
    return in.readNBytes(length);
  }

  /** Reads at most {@code max} bytes; returns null when the body is longer. */
  private static byte[] readLimited(InputStream in, int max) throws IOException {
    byte[] buf = new byte[Math.min(max + 1, 8192)];
    int len = 0;
    int r;
    while ((r = in.read(buf, len, buf.length - len)) != -1) {
      len += r;
      if (len > max) {
        return null;
      }
      if (len == buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.min(max + 1, buf.length * 2));
      }
    }
    return java.util.Arrays.copyOf(buf, len);
  }

  private static void write(HttpExchange ex, HttpResponse response) throws IOException {
    response.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    byte[] body = response.body();
    boolean noBody = body.length == 0 || response.status() == 204 || response.status() == 304
        || ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Stops accepting, lets exchanges in progress finish (up to the stop delay); idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      waitingReport.close();
    } catch (Exception e) {
      log.debug("Could not withdraw the load report: {}", e.toString());
    }
    server.stop((int) Math.max(0, stopDelay.toSeconds()));
    executor.shutdown();
    try {
      executor.awaitTermination(stopDelay.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Wacanda HTTP stopped");
  }

  /** Options; defaults in each setter's javadoc. */
  public static final class Builder {
    private final WacandaHttpHandler handler;
    private InetSocketAddress address = new InetSocketAddress(8080);
    private String contextPath = "";
    private int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    private int queueCapacity = 1024;
    private int backlog = 1024;
    private Duration stopDelay = Duration.ofSeconds(2);

    private Builder(WacandaHttpHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Port on all interfaces; default 8080; 0 picks a free port. */
    public Builder port(int port) {
      return address(new InetSocketAddress(port));
    }

    public Builder address(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Mount point, e.g. {@code /wacanda}; default the root. */
    public Builder contextPath(String path) {
      if (path == null || (!path.isEmpty() && (!path.startsWith("/") || path.endsWith("/")))) {
        throw new IllegalArgumentException("contextPath must be empty or /segment, was " + path);
      }
      this.contextPath = path;
      return this;
    }

    /** Request threads; default 2 per core, at least 4. */
    public Builder threads(int n) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException("threads must be 1..1024, was " + n);
      }
      this.threads = n;
      return this;
    }

    /** Requests queued before the accepting thread runs them itself; default 1,024. */
    public Builder queueCapacity(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1, was " + n);
      }
      this.queueCapacity = n;
      return this;
    }

    /** How long {@link #close()} lets exchanges finish; default 2 s. */
    public Builder stopDelay(Duration d) {
      this.stopDelay = Objects.requireNonNull(d, "stopDelay");
      return this;
    }

    public JdkHttpServerBinding build() {
      try {
        return new JdkHttpServerBinding(this);
      } catch (IOException e) {
        throw new io.wacanda.WacandaException(io.wacanda.ErrorCode.UNAVAILABLE,
            "cannot listen on " + address + ": " + e.getMessage(), e);
      }
    }
  }
}
