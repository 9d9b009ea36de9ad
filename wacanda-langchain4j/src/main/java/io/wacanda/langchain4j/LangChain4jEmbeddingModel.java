package io.wacanda.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.wacanda.WacandaException;
import io.wacanda.rag.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Any LangChain4j {@link dev.langchain4j.model.embedding.EmbeddingModel} (an in-process ONNX
 * model, OpenAI, Ollama, Vertex, ...) as Wacanda's {@link EmbeddingModel}. Vectors are
 * L2-normalized on the way out (Wacanda compares by inner product); texts are embedded in batches
 * of {@link Builder#batchSize(int)}. Blank texts (LangChain4j refuses them) embed to the zero
 * vector. Thread-safe when the wrapped model is.
 *
 * <pre>{@code
 * EmbeddingModel embeddings = LangChain4jEmbeddingModel.builder(OllamaEmbeddingModel.builder()
 *         .baseUrl("http://localhost:11434").modelName("nomic-embed-text").build())
 *     .calibration(new EmbeddingModel.Calibration(0.45, 0.7))
 *     .build();
 * }</pre>
 */
public final class LangChain4jEmbeddingModel implements EmbeddingModel {

  /** Default texts per call to the wrapped model: 32. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  private final dev.langchain4j.model.embedding.EmbeddingModel model;
  private final int dimension;
  private final int batchSize;
  private final Calibration calibration;
  private final String name;

  private LangChain4jEmbeddingModel(Builder b) {
    this.model = b.model;
    this.dimension = b.model.dimension();
    this.batchSize = b.batchSize;
    this.calibration = b.calibration;
    this.name = b.name != null ? b.name : b.model.getClass().getSimpleName();
  }

  /** Wraps a model with the defaults (no calibration). */
  public static LangChain4jEmbeddingModel of(dev.langchain4j.model.embedding.EmbeddingModel m) {
    return builder(m).build();
  }

  public static Builder builder(dev.langchain4j.model.embedding.EmbeddingModel model) {
    return new Builder(model);
  }

  /** The wrapped model. */
  public dev.langchain4j.model.embedding.EmbeddingModel delegate() {
    return model;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] embed(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return new float[dimension];
    }
    return normalized(model.embed(text).content());
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
      List<TextSegment> segments = new ArrayList<>(batch.size());
      for (String t : batch) {
        if (!t.isBlank()) {
          segments.add(TextSegment.from(t));
        }
      }
      List<Embedding> embedded = segments.isEmpty() ? List.of()
          : model.embedAll(segments).content();
      if (embedded.size() != segments.size()) {
        throw new WacandaException(io.wacanda.ErrorCode.UNAVAILABLE, "embedding model " + name
            + " returned " + embedded.size() + " vectors for " + segments.size() + " texts");
      }
      int next = 0;
      for (String t : batch) {
        out.add(t.isBlank() ? new float[dimension] : normalized(embedded.get(next++)));
      }
    }
    return out;
  }

  private float[] normalized(Embedding e) {
    float[] v = e.vector();
    if (v.length != dimension) {
      throw new WacandaException(io.wacanda.ErrorCode.UNAVAILABLE, "embedding model " + name
          + " returned " + v.length + " dimensions, expected " + dimension);
    }
    float[] copy = v.clone();
    double s = 0;
    for (float x : copy) {
      s += x * x;
    }
    if (s > 0) {
      float inv = (float) (1 / Math.sqrt(s));
      for (int i = 0; i < copy.length; i++) {
        copy[i] *= inv;
      }
    }
    return copy;
  }

  @Override
  public Optional<Calibration> calibration() {
    return Optional.ofNullable(calibration);
  }

  @Override
  public String toString() {
    return "LangChain4jEmbeddingModel[" + name + ", " + dimension + " dimensions]";
  }

  /** Settings of a {@link LangChain4jEmbeddingModel}. */
  public static final class Builder {
    private final dev.langchain4j.model.embedding.EmbeddingModel model;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Calibration calibration;
    private String name;

    private Builder(dev.langchain4j.model.embedding.EmbeddingModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** Texts per call, 1 to 2048. Default 32. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 2048) {
        throw WacandaException.invalid("batchSize must be 1..2048, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The cosines of a barely and a clearly relevant passage for this model, which {@link
     * io.wacanda.rag.DefaultRagEngine} uses for relevance and confidence. Default none (the
     * engine's own defaults, made for hashing embeddings).
     */
    public Builder calibration(Calibration calibration) {
      this.calibration = Objects.requireNonNull(calibration, "calibration");
      return this;
    }

    /** The name used in messages. Default the model's class name. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public LangChain4jEmbeddingModel build() {
      return new LangChain4jEmbeddingModel(this);
    }
  }
}
