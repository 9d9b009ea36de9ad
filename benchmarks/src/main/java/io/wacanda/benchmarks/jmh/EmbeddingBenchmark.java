package io.wacanda.benchmarks.jmh;

import io.wacanda.rag.HashingEmbeddingModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in offline embedder ({@link HashingEmbeddingModel}, 1,024 dimensions, word and
 * character 3-5-gram hashing): a customer question (embedded once per answer) and a passage of
 * about 600 characters (embedded once per chunk at ingestion).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EmbeddingBenchmark {
  private static final String QUESTION = "How long do I have to return an item?";
  private static final String PASSAGE = "You can return most items within 30 days of delivery "
      + "for a full refund. Items must be unused, in their original packaging, with all tags "
      + "attached. Start a return from the Orders page of your account: choose the order, "
      + "select the items and the reason, and print the prepaid label we email you. Drop the "
      + "parcel at any post office within 14 days. Refunds go back to the original payment "
      + "method within 5 to 10 working days after the parcel reaches our warehouse; we email "
      + "you when it is on its way. Sale items and gift cards cannot be returned, and "
      + "personalised products are exchanged only when they arrive faulty.";

  private final HashingEmbeddingModel model = HashingEmbeddingModel.create();

  @Benchmark
  public float[] question() {
    return model.embed(QUESTION);
  }

  @Benchmark
  public float[] passage() {
    return model.embed(PASSAGE);
  }
}
