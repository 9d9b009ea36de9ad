package io.wacanda.benchmarks.jmh;

import io.wacanda.benchmarks.BenchmarkKnowledge;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.http.WacandaHttpHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code POST /external-api} on {@link WacandaHttpHandler#handle} without any HTTP server: what
 * Wacanda itself costs per request, on embedded defaults. {@code webhook} is the acknowledgement
 * path (parse, authenticate, rate-limit, store in the inbox, log usage, answer 202) with the inbox
 * workers not started, so nothing else competes; {@code chat} is a whole synchronous turn
 * (session, history, RAG answer, stored messages and analytics). Each iteration starts a fresh
 * Wacanda, because the in-memory stores keep everything.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExternalApiBenchmark {
  private static final Map<String, List<String>> HEADERS =
      Map.of("Content-Type", List.of("application/json"), "Host", List.of("127.0.0.1:8080"));

  private BenchmarkKnowledge.Instance wacanda;
  private WacandaHttpHandler handler;
  private long seq;

  @Setup(Level.Iteration)
  public void setUp() {
    wacanda = BenchmarkKnowledge.instance();
    handler = wacanda.handler();
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    wacanda.close();
  }

  @Benchmark
  public HttpResponse webhook() {
    return handler.handle(request(BenchmarkKnowledge.webhookBody(wacanda.apiKey(), seq++)));
  }

  @Benchmark
  public HttpResponse chat() {
    return handler.handle(request(BenchmarkKnowledge.chatBody(wacanda.apiKey(), seq++)));
  }

  private static HttpRequest request(String body) {
    return new HttpRequest("POST", "/external-api", Map.of(), HEADERS,
        body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
  }
}
