package io.wacanda.benchmarks;

import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.http.WacandaHttpHandler;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.security.ApiKeys;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load harness: measures, in one run on loopback,
 *
 * <ol>
 *   <li><b>(a)</b> {@code action: webhook} acknowledgements per second through Wacanda's
 *       {@code JdkHttpServerBinding} against a bare JDK {@code HttpServer} that reads the body
 *       and answers 200, both closed-loop at saturation with the same client, connections and
 *       bytes; rounds alternate between the two servers and each Wacanda round starts a fresh
 *       instance whose inbox workers answer the stored events meanwhile, as in production;
 *   <li><b>(b)</b> acknowledgement latency at a constant rate (default 1,000 requests/s for
 *       60 s), open-loop, from each request's intended send time, in an HdrHistogram;
 *   <li><b>(c)</b> chat turns per second ({@code action: chat}, answered synchronously by the
 *       default RAG engine with the built-in embedder and the extractive answerer), over HTTP
 *       closed-loop and, for comparison, calling the handler in process.
 * </ol>
 *
 * <p>Prints a results table and writes it (Markdown) to {@code --out}. See {@link
 * HarnessOptions#USAGE} for the options; the module README for how to read the results.
 */
public final class LoadHarness {
  /** Throughput target: Wacanda at least this share of the bare server's acknowledgements. */
  static final double TARGET_RATIO = 0.70;
  static final long TARGET_P99_NANOS = Duration.ofMillis(10).toNanos();
  static final long TARGET_P999_NANOS = Duration.ofMillis(50).toNanos();
  static final double TARGET_CHAT_TURNS = 1000;

  private final HarnessOptions options;
  private final String runId = "run" + Long.toString(System.currentTimeMillis(), 36);
  private final List<ResultTable> details = new ArrayList<>();
  private final ResultTable summary = new ResultTable("Summary", "", "measure", "result",
      "target", "verdict");

  private LoadHarness(HarnessOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws IOException {
    // Before any server class loads: the JDK server reads it once. The binding sets it too, but
    // the bare server may start first and must get the same setting.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    // Quiet logs: per-request logging would be measured too.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    HarnessOptions options;
    try {
      options = HarnessOptions.parse(args);
    } catch (HarnessOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println(HarnessOptions.USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    new LoadHarness(options).run();
  }

  private void run() throws IOException {
    Instant started = Instant.now();
    MachineFacts before = MachineFacts.now();
    log("Wacanda load harness " + runId + " on " + before.cores() + " cores, Java "
        + before.javaVersion() + "; load average " + before.loadAverage());
    if (options.phases().contains(HarnessOptions.Phase.THROUGHPUT)) {
      throughput();
    }
    if (options.phases().contains(HarnessOptions.Phase.LATENCY)) {
      latency();
    }
    if (options.phases().contains(HarnessOptions.Phase.CHAT)) {
      chat();
    }
    MachineFacts after = MachineFacts.now();
    String report = report(before, after, Duration.between(started, Instant.now()));
    System.out.println();
    System.out.println(report);
    Path out = options.out().toAbsolutePath();
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.println("Results written to " + out);
  }

  // ------------------------------------------------------------------ (a) throughput

  /** Shaped and sized like Wacanda's answer to a webhook action. */
  private static final byte[] ANSWER_SIZED_BODY = ("{\"success\":true,\"data\":{\"event_id\":"
      + "\"evt_0123456789abcdefghij\",\"status\":\"PENDING\",\"duplicate\":false,"
      + "\"platform\":\"whatwut\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final String BODY_SERVER = "bare, answering a JSON body";

  private void throughput() {
    int connections = options.connections();
    log("(a) acknowledgement throughput: " + connections + " connections, " + options.rounds()
        + " rounds of " + seconds(options.round()) + " per server");
    List<ClosedRun> bareRuns = new ArrayList<>();
    List<ClosedRun> bodyRuns = new ArrayList<>();
    List<ClosedRun> wacandaRuns = new ArrayList<>();
    List<ClosedRun> ackOnlyRuns = new ArrayList<>();
    String bareKey = ApiKeys.generate(); // same length as a real key: same bytes on the wire
    try (BareServer bare = BareServer.start(options.httpThreads(), options.queueCapacity());
        BareServer withBody = BareServer.start(options.httpThreads(), options.queueCapacity(),
            ANSWER_SIZED_BODY)) {
      HttpLoadClient.Target bareTarget = webhookTarget(bare.address(), bareKey, "bare");
      HttpLoadClient.Target bodyTarget = webhookTarget(withBody.address(), bareKey, "body");
      log("  warm-up: bare server");
      HttpLoadClient.closedLoop(bareTarget, Duration.ZERO, options.warmup());
      log("  warm-up: bare server answering a body");
      HttpLoadClient.closedLoop(bodyTarget, Duration.ZERO, options.warmup());
      log("  warm-up: Wacanda");
      wacandaRound(true, "warm");
      for (int r = 1; r <= options.rounds(); r++) {
        settle();
        Meter m = Meter.start();
        HttpLoadClient.ClosedLoopResult res =
            HttpLoadClient.closedLoop(bareTarget, Duration.ofSeconds(1), options.round());
        bareRuns.add(new ClosedRun("bare JDK HttpServer", r, res, m.stop(), null));
        log("  round " + r + " bare:    " + ResultTable.perSecond(res.throughput()));
        settle();
        m = Meter.start();
        res = HttpLoadClient.closedLoop(bodyTarget, Duration.ofSeconds(1), options.round());
        bodyRuns.add(new ClosedRun(BODY_SERVER, r, res, m.stop(), null));
        log("  round " + r + " bare, body: " + ResultTable.perSecond(res.throughput()));
        settle();
        ClosedRun w = wacandaRound(true, "r" + r);
        wacandaRuns.add(w);
        log("  round " + r + " Wacanda: " + ResultTable.perSecond(w.result.throughput()));
      }
      if (options.ackOnly()) {
        settle();
        ClosedRun w = wacandaRound(false, "ack");
        ackOnlyRuns.add(w);
        log("  diagnostic, Wacanda without inbox workers: "
            + ResultTable.perSecond(w.result.throughput()));
      }
    }
    double bare = median(bareRuns);
    double wacanda = median(wacandaRuns);
    double ratio = wacanda / bare;
    summary.row("a", "webhook acks/s, bare JDK HttpServer (median of " + bareRuns.size() + ")",
        ResultTable.perSecond(bare), "", "");
    summary.row("a", "webhook acks/s, Wacanda binding, inbox workers answering (median of "
        + wacandaRuns.size() + ")", ResultTable.perSecond(wacanda), "", "");
    summary.row("a", "CPU per acknowledgement (this process, all threads): bare / Wacanda",
        medianCpu(bareRuns) + " / " + medianCpu(wacandaRuns), "", "");
    summary.row("a", "Wacanda / bare", ResultTable.percent(ratio),
        ">= " + ResultTable.percent(TARGET_RATIO), verdict(ratio >= TARGET_RATIO));
    double withBody = median(bodyRuns);
    summary.row("a+", "diagnostic: bare JDK HttpServer answering a " + ANSWER_SIZED_BODY.length
        + "-byte JSON body (two writes per answer) / bare", ResultTable.perSecond(withBody)
        + " = " + ResultTable.percent(withBody / bare), "", "");
    summary.row("a+", "diagnostic: Wacanda / bare answering that body",
        ResultTable.percent(wacanda / withBody), "", "");
    if (!ackOnlyRuns.isEmpty()) {
      double ackOnly = median(ackOnlyRuns);
      summary.row("a*", "diagnostic: Wacanda without inbox workers / bare",
          ResultTable.perSecond(ackOnly) + " = " + ResultTable.percent(ackOnly / bare), "", "");
    }
    ResultTable t = new ResultTable("(a) Acknowledgement throughput, closed loop, "
        + connections + " connections, " + options.httpThreads() + " server threads",
        "server", "round", "2xx/s", "non-2xx", "service p50", "service p99", "client CPU",
        "process CPU", "CPU per request", "machine busy", "GC", "inbox at end");
    List<ClosedRun> all = new ArrayList<>();
    for (int i = 0; i < bareRuns.size(); i++) {
      all.add(bareRuns.get(i));
      all.add(bodyRuns.get(i));
      all.add(wacandaRuns.get(i));
    }
    all.addAll(ackOnlyRuns);
    for (ClosedRun run : all) {
      HttpLoadClient.ClosedLoopResult res = run.result;
      t.row(run.server, run.round, ResultTable.perSecond(res.throughput()), res.errors(),
          ResultTable.millis(res.serviceTime().getValueAtPercentile(50)),
          ResultTable.millis(res.serviceTime().getValueAtPercentile(99)),
          ResultTable.percent(res.clientCoreShare()) + " of a core",
          ResultTable.decimal(run.usage.processCores()) + " cores",
          run.usage.perRequest(res.completed()),
          ResultTable.percent(run.usage.machineBusy()),
          run.usage.gcMillis() + " ms", run.inbox == null ? "" : run.inbox);
    }
    details.add(t);
  }

  private ClosedRun wacandaRound(boolean workers, String round) {
    try (WacandaFixture w = WacandaFixture.create(workers, options.httpThreads(),
        options.queueCapacity(), options.inboxWorkers())) {
      HttpLoadClient.Target target = webhookTarget(w.address(), w.apiKey(), round);
      boolean warm = round.equals("warm");
      Meter m = Meter.start();
      HttpLoadClient.ClosedLoopResult res = warm
          ? HttpLoadClient.closedLoop(target, Duration.ZERO, options.warmup())
          : HttpLoadClient.closedLoop(target, Duration.ofSeconds(1), options.round());
      Meter.Usage usage = m.stop();
      String inbox = describe(w.inbox()) + (workers ? "" : " (no workers)");
      String name = workers ? "Wacanda" : "Wacanda, no inbox workers";
      return new ClosedRun(name, round.startsWith("r") ? Integer.parseInt(round.substring(1))
          : 1, res, usage, inbox);
    }
  }

  private HttpLoadClient.Target webhookTarget(InetSocketAddress address, String key,
      String round) {
    String host = address.getHostString() + ":" + address.getPort();
    String run = runId + "-" + round;
    int senders = options.senders();
    return HttpLoadClient.Target.of(address, options.connections(),
        seq -> Payloads.webhook(host, key, run, seq, senders));
  }

  private record ClosedRun(String server, int round, HttpLoadClient.ClosedLoopResult result,
      Meter.Usage usage, String inbox) {}

  private static String medianCpu(List<ClosedRun> runs) {
    double[] v = runs.stream().mapToDouble(r -> r.usage.processCpuNanos() / 1e3
        / Math.max(1, r.result.completed())).sorted().toArray();
    int n = v.length;
    double m = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return String.format(Locale.ROOT, "%.0f us", m);
  }

  private static double median(List<ClosedRun> runs) {
    double[] v = runs.stream().mapToDouble(r -> r.result.throughput()).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  // -------------------------------------------------------------------- (b) latency

  private void latency() {
    log("(b) acknowledgement latency: " + ResultTable.count(options.rate()) + " requests/s for "
        + seconds(options.duration()) + " after " + seconds(options.latencyWarmup())
        + " of warm-up, open loop, " + options.latencyConnections() + " connections");
    ResultTable t = new ResultTable("(b) Acknowledgement latency, open loop at "
        + ResultTable.count(options.rate()) + " requests/s, from intended send time",
        "server", "measured", "requests", "2xx", "errors", "unfinished", "p50", "p90", "p99",
        "p99.9", "max", "send lag p99", "max waiting", "client CPU", "process CPU",
        "machine busy", "GC", "inbox at end");
    Histogram wacanda;
    settle();
    try (WacandaFixture w = WacandaFixture.create(true, options.httpThreads(),
        options.queueCapacity(), options.inboxWorkers())) {
      HttpLoadClient.Target target = webhookTarget(w.address(), w.apiKey(), "lat")
          .withConnections(options.latencyConnections());
      Meter m = Meter.start();
      HttpLoadClient.OpenLoopResult res = HttpLoadClient.openLoop(target, options.rate(),
          options.latencyWarmup(), options.duration(), Duration.ofSeconds(30));
      Meter.Usage usage = m.stop();
      wacanda = res.latency();
      latencyRow(t, "Wacanda (inbox workers answering)", options.duration(), res, usage,
          describe(w.inbox()) + ", " + w.handoffs() + " handoffs");
      log("  Wacanda: p99 " + ResultTable.millis(wacanda.getValueAtPercentile(99)) + ", p99.9 "
          + ResultTable.millis(wacanda.getValueAtPercentile(99.9)));
    }
    if (!options.baseline().isZero()) {
      settle();
      try (BareServer bare = BareServer.start(options.httpThreads(),
          options.queueCapacity())) {
        HttpLoadClient.Target target = webhookTarget(bare.address(), ApiKeys.generate(), "latb")
            .withConnections(options.latencyConnections());
        Meter m = Meter.start();
        HttpLoadClient.OpenLoopResult res = HttpLoadClient.openLoop(target, options.rate(),
            Duration.ofSeconds(3), options.baseline(), Duration.ofSeconds(30));
        latencyRow(t, "bare JDK HttpServer (reference)", options.baseline(), res, m.stop(),
            "");
      }
    }
    long p99 = wacanda.getValueAtPercentile(99);
    long p999 = wacanda.getValueAtPercentile(99.9);
    summary.row("b", "ack latency at " + ResultTable.count(options.rate()) + "/s for "
        + seconds(options.duration()) + ", p50 / p90 / p99 / p99.9 / max",
        ResultTable.millis(wacanda.getValueAtPercentile(50)) + " / "
            + ResultTable.millis(wacanda.getValueAtPercentile(90)) + " / "
            + ResultTable.millis(p99) + " / " + ResultTable.millis(p999) + " / "
            + ResultTable.millis(wacanda.getMaxValue()),
        "p99 <= 10 ms, p99.9 <= 50 ms",
        verdict(p99 <= TARGET_P99_NANOS && p999 <= TARGET_P999_NANOS));
    details.add(t);
  }

  private static void latencyRow(ResultTable t, String server, Duration measured,
      HttpLoadClient.OpenLoopResult res, Meter.Usage usage, String inbox) {
    Histogram h = res.latency();
    t.row(server, seconds(measured), res.intended(), res.ok(), res.errors(), res.unfinished(),
        ResultTable.millis(h.getValueAtPercentile(50)),
        ResultTable.millis(h.getValueAtPercentile(90)),
        ResultTable.millis(h.getValueAtPercentile(99)),
        ResultTable.millis(h.getValueAtPercentile(99.9)),
        ResultTable.millis(h.getMaxValue()),
        ResultTable.millis(res.sendLag().getValueAtPercentile(99)), res.maxWaiting(),
        ResultTable.percent(res.clientCoreShare()) + " of a core",
        ResultTable.decimal(usage.processCores()) + " cores",
        ResultTable.percent(usage.machineBusy()), usage.gcMillis() + " ms", inbox);
  }

  // ----------------------------------------------------------------------- (c) chat

  private void chat() {
    log("(c) chat turns: " + options.connections() + " connections over HTTP for "
        + seconds(options.chatDuration()) + ", then " + options.inProcessThreads()
        + " threads in process for " + seconds(options.inProcessDuration()));
    ResultTable t = new ResultTable("(c) Chat turns (action: chat, built-in embedder, "
        + "extractive answerer, sample help centre)", "path", "measured", "turns/s", "answered",
        "handed off", "non-2xx", "p50", "p99", "client CPU", "process CPU", "CPU per turn",
        "machine busy", "GC");
    settle();
    double http;
    double inProcess = Double.NaN;
    try (WacandaFixture w = WacandaFixture.create(true, options.httpThreads(),
        options.queueCapacity(), options.inboxWorkers())) {
      InetSocketAddress address = w.address();
      String host = address.getHostString() + ":" + address.getPort();
      String key = w.apiKey();
      int senders = options.senders();
      ChatCounter counter = new ChatCounter();
      HttpLoadClient.Target target = new HttpLoadClient.Target(address, options.connections(),
          seq -> Payloads.chat(host, key, "http-", seq, senders), true, counter);
      Meter m = Meter.start();
      HttpLoadClient.ClosedLoopResult res =
          HttpLoadClient.closedLoop(target, options.warmup(), options.chatDuration());
      Meter.Usage usage = m.stop();
      http = res.throughput();
      t.row("HTTP, closed loop, " + options.connections() + " connections",
          seconds(options.chatDuration()), ResultTable.perSecond(http),
          counter.answered + " (whole run)", counter.handedOff + " (whole run)", res.errors(),
          ResultTable.millis(res.serviceTime().getValueAtPercentile(50)),
          ResultTable.millis(res.serviceTime().getValueAtPercentile(99)),
          ResultTable.percent(res.clientCoreShare()) + " of a core",
          ResultTable.decimal(usage.processCores()) + " cores",
          usage.perRequest(res.completed()),
          ResultTable.percent(usage.machineBusy()), usage.gcMillis() + " ms");
      log("  HTTP: " + ResultTable.perSecond(http));
      if (!options.inProcessDuration().isZero()) {
        InProcess ip = inProcess(w.wacanda().httpHandler(), key);
        inProcess = ip.turnsPerSecond();
        t.row("in process, handler.handle(), " + options.inProcessThreads() + " threads",
            seconds(options.inProcessDuration()), ResultTable.perSecond(inProcess),
            ip.answered, ip.handedOff, ip.errors, "", "", "",
            ResultTable.decimal(ip.usage.processCores()) + " cores",
            ip.usage.perRequest(ip.answered + ip.handedOff + ip.errors),
            ResultTable.percent(ip.usage.machineBusy()), ip.usage.gcMillis() + " ms");
        log("  in process: " + ResultTable.perSecond(inProcess));
      }
    }
    summary.row("c", "chat turns/s over HTTP (" + options.connections() + " connections)",
        ResultTable.perSecond(http), ">= " + ResultTable.count(TARGET_CHAT_TURNS) + " /s",
        verdict(http >= TARGET_CHAT_TURNS));
    if (!Double.isNaN(inProcess)) {
      summary.row("c", "chat turns/s in process (" + options.inProcessThreads()
          + " threads, for comparison)", ResultTable.perSecond(inProcess), "", "");
    }
    details.add(t);
  }

  /** Counts answers and handoffs in chat responses (on the client thread). */
  private static final class ChatCounter implements HttpLoadClient.ResponseListener {
    long answered;
    long handedOff;

    @Override
    public void onResponse(ResponseParser response) {
      String body = response.bodyAsString();
      if (body.contains("\"handoff\":true")) {
        handedOff++;
      } else if (body.contains("\"handoff\":false")) {
        answered++;
      }
    }
  }

  private record InProcess(long answered, long handedOff, long errors, Duration window,
      Meter.Usage usage) {
    /** Answered turns per second, handoffs included (they are turns too; expected 0). */
    double turnsPerSecond() {
      return (answered + handedOff) * 1e9 / window.toNanos();
    }
  }

  private InProcess inProcess(WacandaHttpHandler handler, String key) {
    int threads = options.inProcessThreads();
    int senders = options.senders();
    AtomicLong seq = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    AtomicLong handedOff = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long measureStart = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    long end = measureStart + options.inProcessDuration().toNanos();
    Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/json"));
    Meter[] meter = new Meter[1];
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread th = new Thread(() -> {
        long now;
        while ((now = System.nanoTime()) < end) {
          byte[] body = Payloads.chatBody(key, "inproc-", seq.getAndIncrement(), senders)
              .getBytes(StandardCharsets.UTF_8);
          HttpResponse r = handler.handle(new HttpRequest("POST", "/external-api", Map.of(),
              headers, body, "127.0.0.1"));
          if (now < measureStart) {
            continue;
          }
          String text = new String(r.body(), StandardCharsets.UTF_8);
          if (r.status() != 200) {
            errors.incrementAndGet();
          } else if (text.contains("\"handoff\":true")) {
            handedOff.incrementAndGet();
          } else {
            answered.incrementAndGet();
          }
        }
      }, "in-process-chat-" + i);
      ts.add(th);
    }
    ts.forEach(Thread::start);
    HttpLoadClient.parkUntil(measureStart);
    meter[0] = Meter.start();
    for (Thread th : ts) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return new InProcess(answered.get(), handedOff.get(), errors.get(),
        options.inProcessDuration(), meter[0].stop());
  }

  // ---------------------------------------------------------------------- reporting

  private String report(MachineFacts before, MachineFacts after, Duration took) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Wacanda load harness results\n\n");
    sb.append("Run ").append(runId).append(" finished ").append(Instant.now())
        .append(" after ").append(seconds(took)).append(".\n\n");
    sb.append(summary.render()).append('\n');
    for (ResultTable t : details) {
      sb.append(t.render()).append('\n');
    }
    ResultTable m = new ResultTable("Machine and settings", "fact", "value");
    m.row("CPU", before.cpuModel());
    m.row("cores (availableProcessors)", before.cores());
    m.row("Java", before.javaVersion() + " (" + before.vm() + ")");
    m.row("OS", before.os());
    m.row("max heap", before.maxHeapMb() + " MiB");
    m.row("GC", before.gc());
    m.row("JVM options", String.join(" ",
        ManagementFactory.getRuntimeMXBean().getInputArguments()).isEmpty() ? "(defaults)"
        : String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    m.row("load average before / after", before.loadAverage() + " / " + after.loadAverage());
    m.row("server threads (both servers)", options.httpThreads() + ", queue "
        + options.queueCapacity() + ", caller runs when full");
    m.row("Wacanda inbox workers", options.inboxWorkers() == 0
        ? WebhookInbox.Config.defaults().workers() + " (default)" : options.inboxWorkers());
    m.row("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay"));
    m.row("Wacanda rate limit", ResultTable.count(WacandaFixture.RATE_PER_SECOND)
        + " /s per key (raised for the benchmark)");
    m.row("customers / questions", options.senders() + " senders, "
        + Payloads.QUESTIONS.size() + " questions from the sample help centre");
    m.row("command line", String.join(" ", ProcessHandle.current().info().arguments()
        .map(Arrays::asList).orElse(List.of())));
    sb.append(m.render());
    return sb.toString();
  }

  private static String verdict(boolean met) {
    return met ? "met" : "MISSED";
  }

  private static String describe(Map<EventStatus, Long> inbox) {
    return inbox.get(EventStatus.PROCESSED) + " processed, "
        + (inbox.get(EventStatus.PENDING) + inbox.get(EventStatus.PROCESSING)) + " waiting, "
        + inbox.get(EventStatus.DEAD) + " dead";
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static void log(String line) {
    System.out.println("[" + Instant.now().toString().substring(11, 19) + "] " + line);
  }

  /** Lets the previous run's garbage and threads go before the next measurement. */
  private static void settle() {
    System.gc();
    HttpLoadClient.parkUntil(System.nanoTime() + Duration.ofMillis(500).toNanos());
  }

  // ------------------------------------------------------------------ measurements

  /** CPU and GC use over a window: this process, and the whole machine. */
  static final class Meter {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long wall = System.nanoTime();
    private final long cpu = OS.getProcessCpuTime();
    private final long gc = gcMillis();
    private final long[] machine = MachineFacts.procStat();

    static Meter start() {
      return new Meter();
    }

    /**
     * @param processCores CPU time of this process over wall time
     * @param machineBusy share of all cores busy (every process), from /proc/stat; -1 elsewhere
     * @param gcMillis collector time in the window
     * @param processCpuNanos CPU time of this process in the window
     */
    record Usage(double processCores, double machineBusy, long gcMillis, long processCpuNanos) {
      /** This process's CPU time per request, in microseconds (robust to outside load). */
      String perRequest(long requests) {
        return requests == 0 ? "" : String.format(Locale.ROOT, "%.0f us",
            processCpuNanos / 1e3 / requests);
      }
    }

    Usage stop() {
      long w = System.nanoTime() - wall;
      long c = OS.getProcessCpuTime() - cpu;
      long[] m = MachineFacts.procStat();
      double busy = -1;
      if (machine != null && m != null && m[1] > machine[1]) {
        busy = (m[0] - machine[0]) / (double) (m[1] - machine[1]);
      }
      return new Usage(c / (double) w, busy, gcMillis() - gc, c);
    }

    /**
     * Time in collector pauses. Concurrent collectors (ZGC, Shenandoah) also report the length of
     * their concurrent cycles, during which the application runs: those beans are left out.
     */
    private static long gcMillis() {
      long t = 0;
      for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (b.getName().endsWith("Cycles")) {
          continue;
        }
        t += Math.max(0, b.getCollectionTime());
      }
      return t;
    }
  }
}
