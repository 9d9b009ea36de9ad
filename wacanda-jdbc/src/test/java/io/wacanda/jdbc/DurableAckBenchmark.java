package io.wacanda.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.internal.Json;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Point 10 of the durable-storage issue: durable webhook acknowledgements per second on
 * PostgreSQL and on the embedded H2 file, against the in-memory store, with the same harness in
 * the same run. Not a test (no pass/fail): run it with
 *
 * <pre>
 * mvn -B -q -pl wacanda-core,wacanda-jdbc -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "wacanda-jdbc/target/test-classes:wacanda-jdbc/target/classes:$(cat wacanda-jdbc/target/cp.txt)" \
 *   [-Dbench.seconds=10] [-Dbench.warmup=3] [-Dbench.threads=16] io.wacanda.jdbc.DurableAckBenchmark
 * </pre>
 *
 * (PostgreSQL is measured when {@code WACANDA_TEST_PG_URL} etc. are set, see
 * {@link TestDatabases}). Each client thread posts signed Standard Webhooks messages, each with a
 * new message id, to {@code POST /webhooks/{id}} of a {@code custom} integration through
 * Wacanda's HTTP handler, in process: verify, parse, append to the inbox (a committed insert),
 * answer 200. Inbox workers are not started, so the numbers are the acknowledgement path alone.
 * Prints a Markdown table.
 */
public final class DurableAckBenchmark {
  private static final TenantId TENANT = TenantId.of("bench");

  private DurableAckBenchmark() {}

  record Result(String store, long acks, double seconds, double[] latenciesMs, long failures) {
    double perSecond() {
      return acks / seconds;
    }

    double percentile(double p) {
      if (latenciesMs.length == 0) {
        return 0;
      }
      int i = (int) Math.min(latenciesMs.length - 1, Math.ceil(p * latenciesMs.length) - 1);
      return latenciesMs[Math.max(0, i)];
    }
  }

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 10);
    int threads = Integer.getInteger("bench.threads", 16);
    int warmup = Integer.getInteger("bench.warmup", 3);
    List<Result> results = new ArrayList<>();
    results.add(run("in-memory", seconds, warmup, threads, () -> null));
    Path h2Dir = Files.createTempDirectory("wacanda-bench-h2");
    results.add(run("H2 file (WRITE_DELAY=0)", seconds, warmup, threads,
        () -> TestDatabases.pool(JdbcStores.h2FileUrl(h2Dir), "sa", "", threads)));
    String pgSkipped = null;
    if (System.getenv("WACANDA_TEST_PG_URL") != null) {
      String url = TestDatabases.createDatabase();
      results.add(run("PostgreSQL " + postgresVersion(url), seconds, warmup, threads,
          () -> TestDatabases.pool(url, TestDatabases.user(), TestDatabases.password(),
              threads)));
    } else {
      pgSkipped = "PostgreSQL not measured: WACANDA_TEST_PG_URL is not set";
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "%d client threads, %d s warm-up, %d s measured per store, "
        + "%d cores, Java %s%n%n", threads, warmup, seconds,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println("| store | acks/s | p50 ms | p99 ms | max ms | failed |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f | %d |%n", r.store(),
          r.perSecond(), r.percentile(0.50), r.percentile(0.99), r.percentile(1.0), r.failures());
    }
    if (pgSkipped != null) {
      System.out.println();
      System.out.println(pgSkipped);
    }
    System.exit(0);
  }

  private static String postgresVersion(String url) throws Exception {
    try (var c = java.sql.DriverManager.getConnection(url, TestDatabases.user(),
        TestDatabases.password())) {
      return c.getMetaData().getDatabaseProductVersion().split(" ")[0];
    }
  }

  private static Result run(String label, int seconds, int warmup, int threads,
      Supplier<HikariDataSource> dataSource) throws Exception {
    HikariDataSource ds = dataSource.get();
    Wacanda.Builder builder = Wacanda.builder()
        .secretKey("bench", new byte[32])
        .adminAuthenticator(StaticTokenAdminAuthenticator.of("adm_benchmark_token_0123456789",
            TENANT));
    if (ds != null) {
      JdbcStores.builder(ds).build().applyTo(builder);
    }
    Wacanda wacanda = builder.build(); // not started: no inbox workers, acknowledgements only
    try {
      String secret = StandardWebhooks.generateSecret();
      CreatedIntegration integration = wacanda.integrations().create(TENANT, "custom",
          "Benchmark", Map.of("webhook_secret", secret));
      StandardWebhooks signer = StandardWebhooks.of(secret, Clock.systemUTC());
      String path = "/webhooks/" + integration.integration().id();
      AtomicLong ids = new AtomicLong();
      measure(wacanda, signer, path, ids, threads, Duration.ofSeconds(warmup), label);
      return measure(wacanda, signer, path, ids, threads, Duration.ofSeconds(seconds), label);
    } finally {
      wacanda.close();
      if (ds != null) {
        ds.close();
      }
    }
  }

  private static Result measure(Wacanda wacanda, StandardWebhooks signer, String path,
      AtomicLong ids, int threads, Duration duration, String label) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    long[] deadline = new long[1];
    List<Future<double[]>> futures = new ArrayList<>();
    AtomicLong failures = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        start.await();
        double[] lat = new double[1 << 16];
        int n = 0;
        while (System.nanoTime() < deadline[0]) {
          long id = ids.incrementAndGet();
          byte[] body = Json.write(Map.of("type", "message.received", "data", Map.of(
              "sender_id", "cust-" + (id % 5000), "message", "Where is my order?",
              "message_id", "bench-" + id)));
          Map<String, List<String>> headers = new HashMap<>();
          signer.headers("wh-" + id, body).forEach((k, v) -> headers.put(k, List.of(v)));
          headers.put("Content-Type", List.of("application/json"));
          long t0 = System.nanoTime();
          HttpResponse r = wacanda.httpHandler().handle(new HttpRequest("POST", path, Map.of(),
              headers, body, "127.0.0.1"));
          long t1 = System.nanoTime();
          if (r.status() / 100 != 2) {
            failures.incrementAndGet();
            continue;
          }
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, n * 2);
          }
          lat[n++] = (t1 - t0) / 1e6;
        }
        return Arrays.copyOf(lat, n);
      }));
    }
    long began = System.nanoTime();
    deadline[0] = began + duration.toNanos();
    start.countDown();
    List<double[]> all = new ArrayList<>();
    for (Future<double[]> f : futures) {
      all.add(f.get());
    }
    double elapsed = (System.nanoTime() - began) / 1e9;
    pool.shutdown();
    double[] merged = all.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    return new Result(label, merged.length, elapsed, merged, failures.get());
  }
}
