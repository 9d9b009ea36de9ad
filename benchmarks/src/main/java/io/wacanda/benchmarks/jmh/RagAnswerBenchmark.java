package io.wacanda.benchmarks.jmh;

import io.wacanda.TenantId;
import io.wacanda.benchmarks.BenchmarkKnowledge;
import io.wacanda.rag.Answer;
import io.wacanda.rag.DefaultRagEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link DefaultRagEngine#answer} with every offline default (hashing embedder, HNSW and BM25
 * retrieval, rank fusion, extractive answerer) over the quickstart's sample help centre, the
 * benchmark questions in rotation, no history. This is the RAG part of every chat turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RagAnswerBenchmark {
  private static final TenantId TENANT = TenantId.of("jmh");

  private DefaultRagEngine engine;
  private List<String> questions;

  @Setup
  public void setUp() {
    engine = DefaultRagEngine.builder().build();
    BenchmarkKnowledge.ingestSample(engine, TENANT);
    questions = BenchmarkKnowledge.questions();
  }

  /** Per-thread position in the question rotation. */
  @State(Scope.Thread)
  public static class Rotation {
    int next;
  }

  @Benchmark
  public Answer answer(Rotation r) {
    String q = questions.get(r.next++ % questions.size());
    return engine.answer(TENANT, q, List.of());
  }
}
