package io.wacanda.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Command-line options of {@link LoadHarness}; every option has a default so the bare command
 * runs the whole suite in about four minutes.
 *
 * @param phases which measurements to run
 * @param connections connections of the closed-loop runs (throughput and chat)
 * @param round length of one measured round of the throughput comparison
 * @param rounds rounds per server (bare and Wacanda alternate)
 * @param warmup warm-up before the throughput rounds (per server) and before the chat run
 * @param rate requests per second of the latency run
 * @param duration measured length of the latency run
 * @param latencyWarmup warm-up of the latency run, at the same rate, not recorded
 * @param latencyConnections connections of the latency run
 * @param baseline measured length of the same open-loop run against the bare server (0 skips)
 * @param chatDuration measured length of the HTTP chat run
 * @param inProcessDuration measured length of the in-process chat run
 * @param inProcessThreads threads calling the handler in the in-process chat run
 * @param httpThreads request threads of both servers
 * @param queueCapacity request queue of both servers' executors
 * @param senders distinct customers the requests rotate through
 * @param inboxWorkers Wacanda's inbox worker threads, or 0 for Wacanda's default
 * @param ackOnly whether to also measure Wacanda without inbox workers (a diagnostic)
 * @param out where the results are written (Markdown)
 */
record HarnessOptions(Set<Phase> phases, int connections, Duration round, int rounds,
    Duration warmup, double rate, Duration duration, Duration latencyWarmup,
    int latencyConnections, Duration baseline, Duration chatDuration, Duration inProcessDuration,
    int inProcessThreads, int httpThreads, int queueCapacity, int senders, int inboxWorkers,
    boolean ackOnly, Path out) {

  /** The three measurements of the issue. */
  enum Phase { THROUGHPUT, LATENCY, CHAT }

  static final String USAGE = String.join("\n",
      "usage: java -cp wacanda-benchmarks.jar io.wacanda.benchmarks.LoadHarness [options]",
      "  --phases LIST            throughput,latency,chat (default all)",
      "  --connections N          closed-loop connections (default 16)",
      "  --round D                length of one throughput round (default 10s)",
      "  --rounds N               throughput rounds per server, alternating (default 3)",
      "  --warmup D               warm-up per server and before chat (default 5s)",
      "  --rate R                 latency run: requests per second (default 1000)",
      "  --duration D             latency run: measured length (default 60s)",
      "  --latency-warmup D       latency run: warm-up at the same rate (default 10s)",
      "  --latency-connections N  latency run: connections (default 32)",
      "  --baseline D             open-loop run against the bare server (default 15s; 0 skips)",
      "  --chat-duration D        chat over HTTP: measured length (default 15s)",
      "  --in-process-duration D  chat in process: measured length (default 10s)",
      "  --in-process-threads N   chat in process: calling threads (default: cores)",
      "  --http-threads N         request threads of both servers (default max(4, 2 x cores))",
      "  --queue N                request queue of both servers (default 1024)",
      "  --senders N              distinct customers (default 1000)",
      "  --inbox-workers N        Wacanda's inbox workers (default: Wacanda's default, 4)",
      "  --no-ack-only            skip the diagnostic run of Wacanda without inbox workers",
      "  --out FILE               results file (default benchmarks/target/load-results.md when",
      "                           run from the repository root, else load-results.md)",
      "Durations: 500ms, 10s, 2m, or plain seconds.");

  static HarnessOptions defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    Path out = Files.isDirectory(Path.of("benchmarks", "target"))
        ? Path.of("benchmarks", "target", "load-results.md") : Path.of("load-results.md");
    return new HarnessOptions(EnumSet.allOf(Phase.class), 16, Duration.ofSeconds(10), 3,
        Duration.ofSeconds(5), 1000, Duration.ofSeconds(60), Duration.ofSeconds(10), 32,
        Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(10), cores,
        Math.max(4, cores * 2), 1024, 1000, 0, true, out);
  }

  /** Thrown for a bad command line; the message says which option and why. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static HarnessOptions parse(String... args) {
    HarnessOptions d = defaults();
    Set<Phase> phases = d.phases;
    int connections = d.connections;
    Duration round = d.round;
    int rounds = d.rounds;
    Duration warmup = d.warmup;
    double rate = d.rate;
    Duration duration = d.duration;
    Duration latencyWarmup = d.latencyWarmup;
    int latencyConnections = d.latencyConnections;
    Duration baseline = d.baseline;
    Duration chatDuration = d.chatDuration;
    Duration inProcessDuration = d.inProcessDuration;
    int inProcessThreads = d.inProcessThreads;
    int httpThreads = d.httpThreads;
    int queue = d.queueCapacity;
    int senders = d.senders;
    int inboxWorkers = d.inboxWorkers;
    boolean ackOnly = d.ackOnly;
    Path out = d.out;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--phases" -> phases = phases(value(args, ++i, a));
        case "--connections" -> connections = positive(a, value(args, ++i, a), 10_000);
        case "--round" -> round = positive(a, duration(a, value(args, ++i, a)));
        case "--rounds" -> rounds = positive(a, value(args, ++i, a), 100);
        case "--warmup" -> warmup = duration(a, value(args, ++i, a));
        case "--rate" -> rate = rate(a, value(args, ++i, a));
        case "--duration" -> duration = positive(a, duration(a, value(args, ++i, a)));
        case "--latency-warmup" -> latencyWarmup = duration(a, value(args, ++i, a));
        case "--latency-connections" ->
            latencyConnections = positive(a, value(args, ++i, a), 10_000);
        case "--baseline" -> baseline = duration(a, value(args, ++i, a));
        case "--chat-duration" -> chatDuration = positive(a, duration(a, value(args, ++i, a)));
        case "--in-process-duration" -> inProcessDuration = duration(a, value(args, ++i, a));
        case "--in-process-threads" -> inProcessThreads = positive(a, value(args, ++i, a), 1024);
        case "--http-threads" -> httpThreads = positive(a, value(args, ++i, a), 1024);
        case "--queue" -> queue = positive(a, value(args, ++i, a), 1_000_000);
        case "--senders" -> senders = positive(a, value(args, ++i, a), 10_000_000);
        case "--inbox-workers" -> inboxWorkers = positive(a, value(args, ++i, a), 256);
        case "--no-ack-only" -> ackOnly = false;
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--help", "-h" -> throw new UsageException("");
        default -> throw new UsageException("unknown option " + a);
      }
    }
    return new HarnessOptions(phases, connections, round, rounds, warmup, rate, duration,
        latencyWarmup, latencyConnections, baseline, chatDuration, inProcessDuration,
        inProcessThreads, httpThreads, queue, senders, inboxWorkers, ackOnly, out);
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, or plain seconds; never negative. */
  static Duration duration(String option, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1))
            * 1000));
      } else if (s.endsWith("m")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
      }
      if (d.isNegative()) {
        throw new UsageException(option + " must not be negative, was " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a duration like 500ms, 10s or 2m, was " + v);
    }
  }

  private static Set<Phase> phases(String v) {
    Set<Phase> set = EnumSet.noneOf(Phase.class);
    for (String p : v.split(",")) {
      String name = p.trim().toUpperCase(Locale.ROOT);
      try {
        set.add(Phase.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--phases takes throughput, latency, chat; not " + p.trim());
      }
    }
    if (set.isEmpty()) {
      throw new UsageException("--phases must name at least one phase");
    }
    return set;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String option, String v, int max) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1 || n > max) {
        throw new UsageException(option + " must be 1.." + max + ", was " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number, was " + v);
    }
  }

  private static Duration positive(String option, Duration d) {
    if (d.isZero()) {
      throw new UsageException(option + " must be longer than 0");
    }
    return d;
  }

  private static double rate(String option, String v) {
    try {
      double r = Double.parseDouble(v.trim());
      if (!(r > 0) || r > 1_000_000) {
        throw new UsageException(option + " must be in (0, 1000000], was " + v);
      }
      return r;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number, was " + v);
    }
  }
}
