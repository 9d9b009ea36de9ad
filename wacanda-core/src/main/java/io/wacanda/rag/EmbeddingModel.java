package io.wacanda.rag;

import io.wacanda.WacandaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns text into a fixed-size, L2-normalized vector. Thread-safe. */
public interface EmbeddingModel {

  int dimension();

  float[] embed(String text);

  default List<float[]> embedAll(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(embed(t));
    }
    return out;
  }

  /**
   * The cosines this model gives to a barely relevant and to a clearly relevant passage, when the
   * model knows them; {@link DefaultRagEngine} uses them unless its builder sets its own. Models
   * differ a lot here: unrelated texts score near 0 with hashing embeddings and 0.2 or more with
   * many neural ones. Default: empty (the engine's defaults apply).
   */
  default Optional<Calibration> calibration() {
    return Optional.empty();
  }

  /**
   * How a model's scores are best used.
   *
   * @param minScore cosine below which a passage is not relevant
   * @param confidentScore cosine at which an answer's confidence reaches 1.0; above minScore
   * @param lexicalWeight weight of the normalized BM25 score added to this model's similarity in
   *     hybrid retrieval, 0 to 1 (see {@link DefaultRagEngine.Builder#lexicalWeight(double)}):
   *     strong semantic models do best with a small one
   */
  record Calibration(double minScore, double confidentScore, double lexicalWeight) {
    public Calibration {
      if (!(minScore >= -1 && minScore < confidentScore && confidentScore <= 1)) {
        throw WacandaException.invalid("calibration needs -1 <= minScore < confidentScore <= 1, "
            + "was " + minScore + " and " + confidentScore);
      }
      if (!(lexicalWeight >= 0 && lexicalWeight <= 1)) {
        throw WacandaException.invalid("lexicalWeight must be 0..1, was " + lexicalWeight);
      }
    }

    /** Thresholds with the engine's default lexical weight (1.0). */
    public Calibration(double minScore, double confidentScore) {
      this(minScore, confidentScore, 1.0);
    }
  }
}
