package io.wacanda.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a Flight Recorder file of a harness run: where CPU samples land (self and
 * inclusive, overall and in Wacanda's own code), where threads wait for monitors and parks, and
 * the garbage collector's pauses.
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=run.jfr,settings=profile -cp wacanda-benchmarks.jar \
 *     io.wacanda.benchmarks.LoadHarness --phases throughput
 * java -cp wacanda-benchmarks.jar io.wacanda.benchmarks.JfrHotMethods run.jfr [threadPrefix] [top]
 * </pre>
 *
 * {@code threadPrefix} (e.g. {@code wacanda-http}, {@code wacanda-inbox}) keeps only samples of
 * threads whose name starts with it; {@code -} or absent keeps all.
 */
public final class JfrHotMethods {
  private JfrHotMethods() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrHotMethods FILE.jfr [threadPrefix|-] [top]");
      System.exit(2);
      return;
    }
    String prefix = args.length > 1 && !args[1].equals("-") ? args[1] : "";
    int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
    List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
    Predicate<RecordedEvent> onThread = e -> prefix.isEmpty() || threadName(e).startsWith(prefix);

    Map<String, Long> self = new HashMap<>();
    Map<String, Long> inclusive = new HashMap<>();
    Map<String, Long> wacandaSelf = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    long samples = 0;
    Map<String, Long> monitorWait = new HashMap<>();
    Map<String, Long> parkWait = new HashMap<>();
    long gcCount = 0;
    Duration gcTotal = Duration.ZERO;
    Duration gcMax = Duration.ZERO;
    Map<String, Long> allocation = new HashMap<>();
    for (RecordedEvent e : events) {
      String type = e.getEventType().getName();
      switch (type) {
        case "jdk.ExecutionSample" -> {
          threads.merge(threadName(e).replaceAll("-?\\d+$", "-N"), 1L, Long::sum);
          if (!onThread.test(e) || e.getStackTrace() == null) {
            continue;
          }
          samples++;
          List<RecordedFrame> frames = e.getStackTrace().getFrames();
          if (frames.isEmpty()) {
            continue;
          }
          self.merge(name(frames.get(0)), 1L, Long::sum);
          Set<String> seen = new HashSet<>();
          for (RecordedFrame f : frames) {
            String n = name(f);
            if (seen.add(n)) {
              inclusive.merge(n, 1L, Long::sum);
            }
          }
          for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("io.wacanda.") && !n.startsWith("io.wacanda.benchmarks.")) {
              wacandaSelf.merge(n, 1L, Long::sum);
              break;
            }
          }
        }
        case "jdk.JavaMonitorEnter" -> {
          if (onThread.test(e)) {
            monitorWait.merge(firstAppFrame(e.getStackTrace()) + " on "
                + e.getClass("monitorClass").getName(), e.getDuration().toNanos(), Long::sum);
          }
        }
        case "jdk.ThreadPark" -> {
          if (onThread.test(e)) {
            parkWait.merge(firstAppFrame(e.getStackTrace()), e.getDuration().toNanos(),
                Long::sum);
          }
        }
        case "jdk.GarbageCollection" -> {
          gcCount++;
          Duration pause = e.getDuration("sumOfPauses");
          gcTotal = gcTotal.plus(pause);
          if (pause.compareTo(gcMax) > 0) {
            gcMax = pause;
          }
        }
        case "jdk.ObjectAllocationSample" -> {
          if (onThread.test(e)) {
            allocation.merge(firstAppFrame(e.getStackTrace()), e.getLong("weight"), Long::sum);
          }
        }
        default -> { }
      }
    }
    System.out.println("Execution samples by thread pool: " + sorted(threads, 20));
    System.out.printf(Locale.ROOT, "%nSamples%s: %d%n", prefix.isEmpty() ? ""
        : " on threads " + prefix + "*", samples);
    print("Top self frames", self, samples, top);
    print("Top inclusive frames", inclusive, samples, top);
    print("Wacanda's innermost frame of each sample (self time attributed to Wacanda code)",
        wacandaSelf, samples, top);
    printNanos("Blocked entering monitors (total wait)", monitorWait, top);
    printNanos("Parked (total wait; idle pool threads included)", parkWait, top);
    printBytes("Allocation (sampled weight) by first Wacanda frame", allocation, top);
    System.out.printf(Locale.ROOT, "%nGC: %d collections, %.1f ms paused in total, longest %.1f"
        + " ms%n", gcCount, gcTotal.toNanos() / 1e6, gcMax.toNanos() / 1e6);
  }

  private static String threadName(RecordedEvent e) {
    RecordedThread t = e.hasField("sampledThread") ? e.getThread("sampledThread") : null;
    if (t == null) {
      t = e.getThread();
    }
    return t == null || t.getJavaName() == null ? "?" : t.getJavaName();
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static String firstAppFrame(RecordedStackTrace st) {
    if (st == null) {
      return "?";
    }
    for (RecordedFrame f : st.getFrames()) {
      String n = name(f);
      if (n.startsWith("io.wacanda.") && !n.startsWith("io.wacanda.benchmarks.")) {
        return n + ":" + f.getLineNumber();
      }
    }
    return st.getFrames().isEmpty() ? "?" : name(st.getFrames().get(0));
  }

  private static Map<String, Long> sorted(Map<String, Long> m, int top) {
    Map<String, Long> out = new LinkedHashMap<>();
    m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static void print(String title, Map<String, Long> m, long total, int top) {
    System.out.printf(Locale.ROOT, "%n%s%n", title);
    sorted(m, top).forEach((k, v) -> System.out.printf(Locale.ROOT, "  %6.2f%%  %6d  %s%n",
        100.0 * v / Math.max(1, total), v, k));
  }

  private static void printNanos(String title, Map<String, Long> m, int top) {
    System.out.printf(Locale.ROOT, "%n%s%n", title);
    sorted(m, top).forEach((k, v) -> System.out.printf(Locale.ROOT, "  %10.1f ms  %s%n",
        v / 1e6, k));
  }

  private static void printBytes(String title, Map<String, Long> m, int top) {
    System.out.printf(Locale.ROOT, "%n%s%n", title);
    sorted(m, top).forEach((k, v) -> System.out.printf(Locale.ROOT, "  %10.1f MiB  %s%n",
        v / 1048576.0, k));
  }
}
