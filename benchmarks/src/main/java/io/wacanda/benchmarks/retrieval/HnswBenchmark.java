package io.wacanda.benchmarks.retrieval;

import io.wacanda.TenantId;
import io.wacanda.rag.HnswVectorIndex;
import io.wacanda.rag.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HNSW against exact search on clustered synthetic vectors, in one run: build rate, recall@10 and
 * queries per second for ef 10, 20, 50 and 100 with a number of threads, brute force with the same
 * threads, save and load times, file size against the raw vector bytes, and whether the reloaded
 * index returns the same top 10.
 *
 * <pre>
 * java -cp ... io.wacanda.benchmarks.retrieval.HnswBenchmark [--vectors 100000] [--dimensions 384]
 *     [--queries 1000] [--threads 2] [--seed 20260101] [--dir target/hnsw-bench]
 * </pre>
 *
 * <p>Data ({@link SyntheticVectors}): 200 topics, 10 subtopics each; a vector is {@code
 * normalize(topic + 0.7 * subtopic + 1.0 * noise)} with every component a random unit vector, so
 * vectors of a subtopic have cosine about 0.6, of a topic about 0.4, across topics about 0; the
 * queries are fresh draws from the same distribution.
 */
public final class HnswBenchmark {

  private HnswBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = 100_000;
    int dims = 384;
    int queries = 1000;
    int threads = 2;
    long seed = 20260101L;
    Path dir = Path.of("target/hnsw-bench");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--vectors" -> n = Integer.parseInt(args[++i]);
        case "--dimensions" -> dims = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    TenantId tenant = TenantId.of("bench");
    out("HNSW benchmark: %,d vectors x %d dimensions, %,d queries, %d threads, seed %d, "
        + "%d cores, Java %s, load average %.1f at start", n, dims, queries, threads, seed,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());

    SyntheticVectors data = SyntheticVectors.generate(n, dims, seed);
    float[][] qs = SyntheticVectors.generate(queries, dims, seed, seed + 1).vectors();
    float[][] vs = data.vectors();

    HnswVectorIndex index = HnswVectorIndex.create();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      index.add(tenant, "v" + i, vs[i]);
      if ((i + 1) % 20_000 == 0) {
        out("  built %,d (%.0f inserts/s so far)", i + 1,
            (i + 1) / seconds(System.nanoTime() - t0));
      }
    }
    double buildSeconds = seconds(System.nanoTime() - t0);
    out("build: %,d inserts in %.1f s = %.0f inserts/s (m 16, efConstruction 200, 1 thread); "
        + "load average now %.1f", n, buildSeconds, n / buildSeconds,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());

    // exact search, timed, with the same threads
    int[][] truth = new int[queries][];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long b0 = System.nanoTime();
      long bruteCpu = runParallel(pool, threads, queries, q -> truth[q] = exactTop(vs, qs[q],
          10));
      double bruteSeconds = seconds(System.nanoTime() - b0);
      double bruteQps = queries / bruteSeconds;
      double bruteCpuQps = queries / (seconds(bruteCpu) / threads);
      out("brute force: %.0f queries/s (%d threads, %,d queries); %.0f per %d CPU-seconds",
          bruteQps, threads, queries, bruteCpuQps, threads);

      out("");
      out("| ef | recall@10 | queries/s (%d threads) | x brute force | queries per %d "
          + "CPU-seconds | x brute force (CPU) |", threads, threads);
      out("|---:|---:|---:|---:|---:|---:|");
      for (int ef : new int[] {10, 20, 50, 100}) {
        // warm up
        runParallel(pool, threads, Math.min(queries, 200), q -> index.search(tenant, qs[q], 10, ef));
        List<List<VectorIndex.Hit>> results = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
          results.add(null);
        }
        long s0 = System.nanoTime();
        int rounds = 3;
        long cpuNanos = 0;
        for (int r = 0; r < rounds; r++) {
          cpuNanos += runParallel(pool, threads, queries, q -> results.set(q,
              index.search(tenant, qs[q], 10, ef)));
        }
        double qps = queries * rounds / seconds(System.nanoTime() - s0);
        double cpuQps = queries * rounds / (seconds(cpuNanos) / threads);
        double recall = recall(results, truth);
        out("| %d | %.3f | %,.0f | %.0f | %,.0f | %.0f |", ef, recall, qps, qps / bruteQps,
            cpuQps, cpuQps / bruteCpuQps);
      }
      out("");

      Path file = dir.resolve("bench.hnsw");
      long w0 = System.nanoTime();
      index.save(tenant, file);
      double saveSeconds = seconds(System.nanoTime() - w0);
      long size = Files.size(file);
      long raw = (long) n * dims * 4;
      HnswVectorIndex loaded = HnswVectorIndex.create();
      long l0 = System.nanoTime();
      loaded.load(tenant, file);
      double loadSeconds = seconds(System.nanoTime() - l0);
      int same = 0;
      for (int q = 0; q < queries; q++) {
        if (loaded.search(tenant, qs[q], 10).equals(index.search(tenant, qs[q], 10))) {
          same++;
        }
      }
      out("save: %.2f s, load: %.2f s, file %,d bytes = %.3f x the raw vectors (%,d bytes)",
          saveSeconds, loadSeconds, size, size / (double) raw, raw);
      out("reloaded index returns the same top 10 for %d of %d queries", same, queries);
      Files.deleteIfExists(file);
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  interface QueryTask {
    void run(int query);
  }

  /** Runs the tasks on the threads; @return the CPU time the threads spent, in nanoseconds. */
  static long runParallel(ExecutorService pool, int threads, int count, QueryTask task)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<Long>> futures = new ArrayList<>();
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory
        .getThreadMXBean();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        long c0 = cpu.getCurrentThreadCpuTime();
        int q;
        while ((q = next.getAndIncrement()) < count) {
          task.run(q);
        }
        return cpu.getCurrentThreadCpuTime() - c0;
      }));
    }
    long total = 0;
    for (Future<Long> f : futures) {
      total += f.get();
    }
    return total;
  }

  static int[] exactTop(float[][] vs, float[] q, int k) {
    int[] best = new int[k];
    float[] scores = new float[k];
    java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < vs.length; i++) {
      float s = dot(vs[i], q);
      if (s > scores[k - 1]) {
        int j = k - 1;
        while (j > 0 && scores[j - 1] < s) {
          scores[j] = scores[j - 1];
          best[j] = best[j - 1];
          j--;
        }
        scores[j] = s;
        best[j] = i;
      }
    }
    return best;
  }

  static float dot(float[] a, float[] b) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i < a.length - 3; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < a.length; i++) {
      s0 += a[i] * b[i];
    }
    return s0 + s1 + s2 + s3;
  }

  static double recall(List<List<VectorIndex.Hit>> results, int[][] truth) {
    long found = 0;
    long total = 0;
    for (int q = 0; q < truth.length; q++) {
      Set<String> t = new HashSet<>();
      for (int i : truth[q]) {
        t.add("v" + i);
      }
      total += t.size();
      for (VectorIndex.Hit h : results.get(q)) {
        if (t.contains(h.chunkId())) {
          found++;
        }
      }
    }
    return found / (double) total;
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static void out(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
