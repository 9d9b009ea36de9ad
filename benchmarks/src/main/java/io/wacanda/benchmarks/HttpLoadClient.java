package io.wacanda.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A deliberately small HTTP/1.1 load generator: a fixed number of keep-alive connections, raw
 * requests written on {@link SocketChannel}s, responses parsed by {@link ResponseParser} (status
 * line and length only; bodies kept only when a listener needs them), all reads on one selector
 * thread. It costs a few microseconds of CPU per request, so on a small machine the server, not
 * the client, is what is measured; each run reports the client's own CPU time so that can be
 * checked.
 *
 * <ul>
 *   <li>{@link #closedLoop}: every connection sends its next request as soon as the previous
 *       answer is in (saturation). Reports completed requests per second in the measured window
 *       and the service time of each.
 *   <li>{@link #openLoop}: requests are due at a constant rate on a fixed schedule whatever the
 *       server does; a due request goes out on the first idle connection, or waits for one.
 *       Latency is measured from each request's <em>intended</em> send time (as wrk2 does), so a
 *       server stall counts against every request it delayed, not only the one stuck in it
 *       (coordinated omission corrected).
 * </ul>
 *
 * <p>Requests are written whole before anything else happens on that connection (a request is a
 * few hundred bytes and a loopback socket buffer holds megabytes, so a partial write is spun on,
 * never queued). A connection the server closes is reopened and the request on it counted as an
 * error. Not thread-safe: one run at a time.
 */
final class HttpLoadClient {
  /** Largest latency the histograms track: 60 s; longer values are clamped to it. */
  static final long MAX_TRACKED_NANOS = Duration.ofSeconds(60).toNanos();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Produces the bytes of request number {@code seq} (a whole HTTP/1.1 request). */
  @FunctionalInterface
  interface RequestSource {
    byte[] request(long seq);
  }

  /** Sees every complete response, on the client thread; keep it cheap. */
  @FunctionalInterface
  interface ResponseListener {
    void onResponse(ResponseParser response);

    ResponseListener NONE = r -> { };
  }

  /** Where to send, how many connections, and what to do with answers. */
  record Target(InetSocketAddress address, int connections, RequestSource source,
      boolean keepBodies, ResponseListener listener) {
    Target {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(listener, "listener");
      if (connections < 1 || connections > 10_000) {
        throw new IllegalArgumentException("connections must be 1..10000, was " + connections);
      }
    }

    static Target of(InetSocketAddress address, int connections, RequestSource source) {
      return new Target(address, connections, source, false, ResponseListener.NONE);
    }

    Target withConnections(int n) {
      return new Target(address, n, source, keepBodies, listener);
    }
  }

  /**
   * A closed-loop run's outcome, for the measured window only.
   *
   * @param completed responses received in the window
   * @param ok those with a 2xx status
   * @param serviceTime nanoseconds from writing a request to its complete answer
   * @param clientCpu CPU time the client's thread used in the window
   */
  record ClosedLoopResult(long completed, long ok, long errors, Duration window,
      Histogram serviceTime, Duration clientCpu) {
    double throughput() {
      return ok / seconds(window);
    }

    /** Share of one core the client used in the window. */
    double clientCoreShare() {
      return clientCpu.toNanos() / (double) window.toNanos();
    }
  }

  /**
   * An open-loop run's outcome, for requests whose intended send time fell in the window.
   *
   * @param intended requests scheduled in the window
   * @param ok of those, answered with a 2xx status
   * @param errors answered otherwise, or whose connection failed
   * @param unfinished still unanswered when the run gave up waiting (recorded in the latency
   *     histogram at the time waited, a lower bound)
   * @param latency nanoseconds from intended send time to complete answer
   * @param sendLag nanoseconds from intended to actual send time (the client's own lateness plus
   *     any wait for a free connection)
   * @param maxWaiting most requests waiting for a free connection at once, right after a
   *     request of the window fell due
   */
  record OpenLoopResult(long intended, long ok, long errors, long unfinished, Duration window,
      Histogram latency, Histogram sendLag, int maxWaiting, Duration clientCpu) {
    double achievedRate() {
      return (ok + errors) / seconds(window);
    }

    double clientCoreShare() {
      return clientCpu.toNanos() / (double) window.toNanos();
    }
  }

  static Histogram newHistogram() {
    return new Histogram(MAX_TRACKED_NANOS, 3);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private HttpLoadClient() {}

  // ------------------------------------------------------------------ closed loop

  /**
   * Saturates the target: each connection always has one request outstanding. Runs on the
   * calling thread for {@code warmup + measure}.
   */
  static ClosedLoopResult closedLoop(Target target, Duration warmup, Duration measure) {
    return closedLoop(target, warmup, measure, Long.MAX_VALUE);
  }

  /**
   * As {@link #closedLoop(Target, Duration, Duration)}, but stops sending after {@code
   * maxRequests} requests and returns once they are all answered (or the time is up).
   */
  static ClosedLoopResult closedLoop(Target target, Duration warmup, Duration measure,
      long maxRequests) {
    try (Connections conns = Connections.open(target)) {
      Histogram service = newHistogram();
      long start = System.nanoTime();
      long measureStart = start + warmup.toNanos();
      long end = measureStart + measure.toNanos();
      long seq = 0;
      long completed = 0;
      long ok = 0;
      long cpuAtMeasure = -1;
      for (Conn c : conns.all) {
        if (seq < maxRequests) {
          c.send(target.source().request(seq++), System.nanoTime());
        }
      }
      long outstanding = seq;
      ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
      while (outstanding > 0) {
        long now = System.nanoTime();
        if (cpuAtMeasure < 0 && now >= measureStart) {
          cpuAtMeasure = THREADS.getCurrentThreadCpuTime();
        }
        if (now >= end) {
          break;
        }
        long waitMs = Math.max(1, (Math.min(end, measureStart > now ? measureStart : end) - now)
            / 1_000_000);
        conns.selector.select(waitMs);
        Iterator<SelectionKey> it = conns.selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          int got = c.readResponse(buf);
          if (got == Conn.PENDING) {
            continue;
          }
          long done = System.nanoTime();
          outstanding--;
          boolean inWindow = done >= measureStart && done < end;
          if (got == Conn.COMPLETE) {
            target.listener().onResponse(c.parser);
            if (inWindow) {
              completed++;
              int status = c.parser.status();
              if (status >= 200 && status < 300) {
                ok++;
              }
              service.recordValue(Math.min(MAX_TRACKED_NANOS, done - c.sentAt));
            }
            boolean close = c.parser.closeRequested();
            c.parser.reset();
            if (close) {
              c.reconnect(conns.selector);
            }
          } else {
            if (inWindow) {
              completed++;
            }
            c.reconnect(conns.selector);
          }
          if (seq < maxRequests) {
            c.send(target.source().request(seq++), System.nanoTime());
            outstanding++;
          }
        }
      }
      long stop = Math.min(System.nanoTime(), end);
      long cpu = cpuAtMeasure < 0 ? 0 : THREADS.getCurrentThreadCpuTime() - cpuAtMeasure;
      Duration window = Duration.ofNanos(Math.max(1, stop - measureStart));
      return new ClosedLoopResult(completed, ok, completed - ok, window, service,
          Duration.ofNanos(cpu));
    } catch (IOException e) {
      throw new UncheckedIOException("load client failed on " + target.address(), e);
    }
  }

  // -------------------------------------------------------------------- open loop

  /**
   * Sends {@code ratePerSecond} requests per second on a fixed schedule for {@code warmup +
   * measure}, then waits up to {@code drainTimeout} for the last answers. The schedule runs on
   * the calling thread, reads on a second one.
   */
  static OpenLoopResult openLoop(Target target, double ratePerSecond, Duration warmup,
      Duration measure, Duration drainTimeout) {
    if (!(ratePerSecond > 0) || ratePerSecond > 10_000_000) {
      throw new IllegalArgumentException("rate must be in (0, 1e7], was " + ratePerSecond);
    }
    try (Connections conns = Connections.open(target)) {
      OpenLoop run = new OpenLoop(target, conns, ratePerSecond, warmup, measure);
      return run.run(drainTimeout);
    } catch (IOException e) {
      throw new UncheckedIOException("load client failed on " + target.address(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static final class OpenLoop {
    private final Target target;
    private final Connections conns;
    private final long periodNanos;
    private final double periodExact;
    private final long start;
    private final long measureStart;
    private final long end;
    private final Object lock = new Object();
    // Guarded by lock:
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final LongQueue waiting = new LongQueue();
    private long seq;
    private int maxWaiting;
    private int busy;
    private final Histogram sendLag = newHistogram();
    // Reader thread only:
    private final Histogram latency = newHistogram();
    private long ok;
    private long errors;
    private volatile boolean stop;
    private final AtomicLong readerCpu = new AtomicLong();

    OpenLoop(Target target, Connections conns, double rate, Duration warmup, Duration measure) {
      this.target = target;
      this.conns = conns;
      this.periodExact = 1e9 / rate;
      this.periodNanos = Math.max(1, Math.round(periodExact));
      this.start = System.nanoTime() + 10_000_000; // first request 10 ms from now
      this.measureStart = start + warmup.toNanos();
      this.end = measureStart + measure.toNanos();
      idle.addAll(conns.all);
    }

    OpenLoopResult run(Duration drainTimeout) throws InterruptedException {
      Thread reader = new Thread(this::readLoop, "load-client-reader");
      reader.setDaemon(true);
      reader.start();
      long cpuAtMeasure = -1;
      long scheduled = 0;
      long inWindow = 0;
      for (long k = 0; ; k++) {
        long intended = start + Math.round(k * periodExact);
        if (intended >= end) {
          break;
        }
        if (cpuAtMeasure < 0 && intended >= measureStart) {
          cpuAtMeasure = THREADS.getCurrentThreadCpuTime();
        }
        parkUntil(intended);
        synchronized (lock) {
          waiting.add(intended);
          dispatch();
          if (intended >= measureStart) {
            maxWaiting = Math.max(maxWaiting, waiting.size());
          }
        }
        scheduled++;
        if (intended >= measureStart) {
          inWindow++;
        }
      }
      long senderCpu = cpuAtMeasure < 0 ? 0 : THREADS.getCurrentThreadCpuTime() - cpuAtMeasure;
      // Wait for the answers still due.
      long deadline = System.nanoTime() + drainTimeout.toNanos();
      long unfinished;
      List<Long> stuck = new ArrayList<>();
      synchronized (lock) {
        while ((busy > 0 || !waiting.isEmpty()) && System.nanoTime() < deadline) {
          lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        for (Conn c : conns.all) {
          if (c.busy && c.intended >= measureStart) {
            stuck.add(c.intended);
          }
        }
        while (!waiting.isEmpty()) {
          long i = waiting.poll();
          if (i >= measureStart) {
            stuck.add(i);
          }
        }
        unfinished = stuck.size();
        stop = true;
      }
      conns.selector.wakeup();
      reader.join(5_000);
      long now = System.nanoTime();
      synchronized (lock) {
        for (long i : stuck) {
          latency.recordValue(Math.min(MAX_TRACKED_NANOS, now - i));
        }
        return new OpenLoopResult(inWindow, ok, errors, unfinished,
            Duration.ofNanos(end - measureStart), latency, sendLag, maxWaiting,
            Duration.ofNanos(senderCpu + readerCpu.get()));
      }
    }

    /** Sends waiting requests on idle connections, oldest first. Holds the lock. */
    private void dispatch() {
      while (!waiting.isEmpty() && !idle.isEmpty()) {
        Conn c = idle.pollFirst();
        long intended = waiting.poll();
        long now = System.nanoTime();
        if (intended >= measureStart) {
          sendLag.recordValue(Math.min(MAX_TRACKED_NANOS, Math.max(0, now - intended)));
        }
        c.intended = intended;
        c.busy = true;
        busy++;
        c.send(target.source().request(seq++), now);
      }
    }

    private void readLoop() {
      ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
      long cpuAtMeasure = -1;
      try {
        while (!stop) {
          if (cpuAtMeasure < 0 && System.nanoTime() >= measureStart) {
            cpuAtMeasure = THREADS.getCurrentThreadCpuTime();
          }
          long toMeasure = (measureStart - System.nanoTime()) / 1_000_000;
          conns.selector.select(cpuAtMeasure < 0 ? Math.max(1, toMeasure) : 0);
          Iterator<SelectionKey> it = conns.selector.selectedKeys().iterator();
          while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Conn c = (Conn) key.attachment();
            int got;
            try {
              got = c.readResponse(buf);
            } catch (RuntimeException e) {
              got = Conn.FAILED;
            }
            if (got == Conn.PENDING) {
              continue;
            }
            long done = System.nanoTime();
            long intended = c.intended;
            boolean measured = intended >= measureStart && intended < end;
            if (got == Conn.COMPLETE) {
              target.listener().onResponse(c.parser);
              int status = c.parser.status();
              if (measured) {
                latency.recordValue(Math.min(MAX_TRACKED_NANOS, done - intended));
                if (status >= 200 && status < 300) {
                  ok++;
                } else {
                  errors++;
                }
              }
              boolean close = c.parser.closeRequested();
              c.parser.reset();
              if (close) {
                c.reconnect(conns.selector);
              }
            } else {
              if (measured) {
                errors++;
              }
              c.reconnect(conns.selector);
            }
            synchronized (lock) {
              c.busy = false;
              busy--;
              idle.addLast(c);
              dispatch();
              lock.notifyAll();
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (cpuAtMeasure >= 0) {
          readerCpu.set(THREADS.getCurrentThreadCpuTime() - cpuAtMeasure);
        }
      }
    }
  }

  static void parkUntil(long deadlineNanos) {
    long d;
    while ((d = deadlineNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(d);
    }
  }

  // ------------------------------------------------------------------ connections

  private static final class Connections implements AutoCloseable {
    final Selector selector;
    final List<Conn> all;

    private Connections(Selector selector, List<Conn> all) {
      this.selector = selector;
      this.all = all;
    }

    static Connections open(Target target) throws IOException {
      Selector selector = Selector.open();
      List<Conn> all = new ArrayList<>(target.connections());
      try {
        for (int i = 0; i < target.connections(); i++) {
          Conn c = new Conn(target.address(), new ResponseParser(target.keepBodies()));
          c.connect(selector);
          all.add(c);
        }
      } catch (IOException | RuntimeException e) {
        for (Conn c : all) {
          c.closeQuietly();
        }
        selector.close();
        throw e;
      }
      return new Connections(selector, all);
    }

    @Override
    public void close() {
      for (Conn c : all) {
        c.closeQuietly();
      }
      try {
        selector.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** One keep-alive connection with at most one request outstanding. */
  static final class Conn {
    static final int PENDING = 0;
    static final int COMPLETE = 1;
    static final int FAILED = 2;

    private final InetSocketAddress address;
    final ResponseParser parser;
    private SocketChannel channel;
    long sentAt;
    volatile long intended;
    boolean busy;

    Conn(InetSocketAddress address, ResponseParser parser) {
      this.address = address;
      this.parser = parser;
    }

    void connect(Selector selector) throws IOException {
      SocketChannel ch = SocketChannel.open();
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(address);
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, this);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      this.channel = ch;
    }

    void reconnect(Selector selector) {
      closeQuietly();
      parser.reset();
      try {
        connect(selector);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot reconnect to " + address, e);
      }
    }

    /** Writes a whole request; spins on the (rare) partial write. */
    void send(byte[] request, long now) {
      sentAt = now;
      ByteBuffer out = ByteBuffer.wrap(request);
      try {
        while (out.hasRemaining()) {
          if (channel.write(out) == 0) {
            Thread.onSpinWait();
          }
        }
      } catch (IOException e) {
        // The read side sees the broken connection and counts the failure.
      }
    }

    /**
     * Reads what is available.
     *
     * @return {@link #COMPLETE} when a whole response is in, {@link #FAILED} when the
     *     connection broke or the bytes were not HTTP, else {@link #PENDING}
     */
    int readResponse(ByteBuffer buf) {
      buf.clear();
      int n;
      try {
        n = channel.read(buf);
      } catch (IOException e) {
        return FAILED;
      }
      if (n < 0) {
        return FAILED;
      }
      buf.flip();
      boolean complete;
      try {
        complete = parser.feed(buf);
      } catch (ResponseParser.ProtocolException e) {
        return FAILED;
      }
      if (complete && buf.hasRemaining()) {
        return FAILED; // bytes after the response we asked for: not something we sent for
      }
      return complete ? COMPLETE : PENDING;
    }

    void closeQuietly() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // already broken
        }
      }
    }
  }

  /** A growable FIFO of longs without boxing. */
  static final class LongQueue {
    private long[] items = new long[1024];
    private int head;
    private int size;

    void add(long v) {
      if (size == items.length) {
        long[] bigger = new long[items.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = items[(head + i) % items.length];
        }
        items = bigger;
        head = 0;
      }
      items[(head + size) % items.length] = v;
      size++;
    }

    long poll() {
      if (size == 0) {
        throw new IllegalStateException("empty");
      }
      long v = items[head];
      head = (head + 1) % items.length;
      size--;
      return v;
    }

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }
  }
}
