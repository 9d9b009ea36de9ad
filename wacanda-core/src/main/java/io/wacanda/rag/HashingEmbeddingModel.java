package io.wacanda.rag;

import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The offline default {@link EmbeddingModel}: no model file, no network, microseconds per text.
 * It captures shared words and word forms, not meaning: "how do I return an item" finds "Returns:
 * you can return items within 30 days" because both share the stem {@code return} and the
 * character n-grams of {@code item/items}; it will not match synonyms that share no letters
 * ("refund" and "money back"). For semantic matching plug in a neural model (the {@code
 * wacanda-langchain4j} module offers in-process ONNX ones).
 *
 * <p>How a text is embedded:
 *
 * <ol>
 *   <li>Unicode-normalized (NFKD, accents removed), lower-cased, split into words; a small English
 *       stopword list is dropped (kept when the text has nothing else) and words are stemmed
 *       lightly ({@code returns, returned -> return}).
 *   <li>Features: each stem (weight 1.0), each pair of consecutive stems (0.6) and each character
 *       3- to 5-gram of each word with boundary marks, {@code <item>} (0.35 each).
 *   <li>Sublinear term frequency: a feature seen {@code n} times weighs {@code 1 + ln(n)}.
 *   <li>Optional IDF: with {@link Builder#documentFrequencies(DocumentFrequencies)} every feature
 *       of a word is multiplied by the word's inverse document frequency.
 *   <li>Feature hashing with a sign hash into {@link #dimension()} buckets (default 1024), then
 *       L2 normalization. Text without any letter or digit embeds to the zero vector.
 * </ol>
 *
 * <p><b>IDF and stored vectors.</b> IDF is off by default, because it makes an embedding depend
 * on the corpus: a passage embedded at ingestion keeps the weights of that moment while later
 * questions use newer counts, and the drift grows as the corpus changes. Hybrid retrieval in
 * {@link DefaultRagEngine} already weighs rare terms through BM25. If you turn IDF on, give the
 * same {@link DocumentFrequencies} to the engine's builder and call {@link
 * DefaultRagEngine#reembed(io.wacanda.TenantId)} after large changes to re-embed stored passages
 * with the current counts. With a given state of the counts (or without them) {@link #embed} is
 * deterministic: the same text always gives the same vector, across runs and machines.
 *
 * <p>Immutable and thread-safe.
 */
public final class HashingEmbeddingModel implements EmbeddingModel {

  /** Default vector size: 1024 dimensions. */
  public static final int DEFAULT_DIMENSIONS = 1024;
  /** Default shortest character n-gram: 3. */
  public static final int DEFAULT_MIN_NGRAM = 3;
  /** Default longest character n-gram: 5. */
  public static final int DEFAULT_MAX_NGRAM = 5;

  static final float WORD_WEIGHT = 1.0f;
  static final float BIGRAM_WEIGHT = 0.6f;
  static final float NGRAM_WEIGHT = 0.35f;

  private static final int SEED_WORD = 0x2f1c3b7d;
  private static final int SEED_BIGRAM = 0x5a83e1c9;
  private static final int SEED_NGRAM = 0x1b873593;

  private final int dimensions;
  private final int minNgram;
  private final int maxNgram;
  private final DocumentFrequencies frequencies;

  /** The defaults: 1024 dimensions, 3-5-grams, no IDF. */
  @Inject
  public HashingEmbeddingModel() {
    this(DEFAULT_DIMENSIONS, DEFAULT_MIN_NGRAM, DEFAULT_MAX_NGRAM, null);
  }

  private HashingEmbeddingModel(int dimensions, int minNgram, int maxNgram,
      DocumentFrequencies frequencies) {
    this.dimensions = dimensions;
    this.minNgram = minNgram;
    this.maxNgram = maxNgram;
    this.frequencies = frequencies;
  }

  /** The defaults: 1024 dimensions, 3-5-grams, no IDF. */
  public static HashingEmbeddingModel create() {
    return new HashingEmbeddingModel();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this model's settings. */
  public Builder newBuilder() {
    Builder b = new Builder().dimensions(dimensions).charNgrams(minNgram, maxNgram);
    if (frequencies != null) {
      b.documentFrequencies(frequencies);
    }
    return b;
  }

  @Override
  public int dimension() {
    return dimensions;
  }

  /** The document frequencies used for IDF weighting, when configured. */
  public Optional<DocumentFrequencies> documentFrequencies() {
    return Optional.ofNullable(frequencies);
  }

  @Override
  public float[] embed(String text) {
    Objects.requireNonNull(text, "text");
    List<TextAnalyzer.Term> terms = TextAnalyzer.terms(text, true);
    float[] vector = new float[dimensions];
    if (terms.isEmpty()) {
      return vector;
    }
    FeatureTable features = new FeatureTable(terms.size() * 24);
    float[] idf = new float[terms.size()];
    for (int i = 0; i < terms.size(); i++) {
      idf[i] = frequencies == null ? 1f : (float) frequencies.idf(terms.get(i).stem());
    }
    for (int i = 0; i < terms.size(); i++) {
      TextAnalyzer.Term term = terms.get(i);
      String stem = term.stem();
      features.add(hash(SEED_WORD, stem, 0, stem.length()), WORD_WEIGHT * idf[i]);
      if (i + 1 < terms.size()) {
        String next = terms.get(i + 1).stem();
        int h = step(hashContinue(SEED_BIGRAM ^ 0x811c9dc5, stem, 0, stem.length()), '\u0001');
        h = hashContinue(h, next, 0, next.length());
        features.add(fmix(h), BIGRAM_WEIGHT * (idf[i] + idf[i + 1]) * 0.5f);
      }
      String bounded = "<" + term.surface() + ">";
      int len = bounded.length();
      for (int n = minNgram; n <= maxNgram; n++) {
        for (int s = 0; s + n <= len; s++) {
          features.add(hash(SEED_NGRAM + n, bounded, s, s + n), NGRAM_WEIGHT * idf[i]);
        }
      }
    }
    features.project(vector);
    normalize(vector);
    return vector;
  }

  static void normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    if (sum == 0) {
      return;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
  }

  private static int hash(int seed, String s, int from, int to) {
    return fmix(hashContinue(seed ^ 0x811c9dc5, s, from, to));
  }

  private static int hashContinue(int h, String s, int from, int to) {
    for (int i = from; i < to; i++) {
      h = step(h, s.charAt(i));
    }
    return h;
  }

  private static int step(int h, char c) {
    return (h ^ c) * 0x01000193;
  }

  private static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  @Override
  public String toString() {
    return "HashingEmbeddingModel[dimensions=" + dimensions + ", ngrams=" + minNgram + "-"
        + maxNgram + ", idf=" + (frequencies != null) + "]";
  }

  /** Open-addressing map from feature hash to (occurrences, summed weight). Not thread-safe. */
  private final class FeatureTable {
    private int[] keys;
    private int[] counts;
    private float[] weights;
    private boolean[] used;
    private int size;

    FeatureTable(int expected) {
      int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
      keys = new int[cap];
      counts = new int[cap];
      weights = new float[cap];
      used = new boolean[cap];
    }

    void add(int key, float weight) {
      int mask = keys.length - 1;
      int slot = key & mask;
      while (used[slot]) {
        if (keys[slot] == key) {
          counts[slot]++;
          weights[slot] += weight;
          return;
        }
        slot = (slot + 1) & mask;
      }
      used[slot] = true;
      keys[slot] = key;
      counts[slot] = 1;
      weights[slot] = weight;
      if (++size * 2 > keys.length) {
        grow();
      }
    }

    private void grow() {
      int[] oldKeys = keys;
      int[] oldCounts = counts;
      float[] oldWeights = weights;
      boolean[] oldUsed = used;
      int cap = oldKeys.length * 2;
      keys = new int[cap];
      counts = new int[cap];
      weights = new float[cap];
      used = new boolean[cap];
      int mask = cap - 1;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldUsed[i]) {
          int slot = oldKeys[i] & mask;
          while (used[slot]) {
            slot = (slot + 1) & mask;
          }
          used[slot] = true;
          keys[slot] = oldKeys[i];
          counts[slot] = oldCounts[i];
          weights[slot] = oldWeights[i];
        }
      }
    }

    /** Sublinear TF: mean weight times {@code 1 + ln(count)}, signed into its bucket. */
    void project(float[] vector) {
      for (int i = 0; i < keys.length; i++) {
        if (!used[i]) {
          continue;
        }
        int key = keys[i];
        int count = counts[i];
        float value = weights[i] / count * (float) (1.0 + Math.log(count));
        int bucket = Integer.remainderUnsigned(key, dimensions);
        boolean negative = (fmix(key + 0x9e3779b9) & 1) == 1;
        vector[bucket] += negative ? -value : value;
      }
    }
  }

  /** Settings of a {@link HashingEmbeddingModel}; rejects bad values at once. */
  public static final class Builder {
    private int dimensions = DEFAULT_DIMENSIONS;
    private int minNgram = DEFAULT_MIN_NGRAM;
    private int maxNgram = DEFAULT_MAX_NGRAM;
    private DocumentFrequencies frequencies;

    private Builder() {}

    /** Vector size, 64 to 65536. Default 1024. */
    public Builder dimensions(int dimensions) {
      if (dimensions < 64 || dimensions > 65536) {
        throw WacandaException.invalid("dimensions must be 64..65536, was " + dimensions);
      }
      this.dimensions = dimensions;
      return this;
    }

    /** Character n-gram lengths, {@code 1 <= min <= max <= 8}. Default 3 to 5. */
    public Builder charNgrams(int min, int max) {
      if (min < 1 || max > 8 || min > max) {
        throw WacandaException.invalid("charNgrams must satisfy 1 <= min <= max <= 8, was " + min
            + ".." + max);
      }
      this.minNgram = min;
      this.maxNgram = max;
      return this;
    }

    /**
     * Turns IDF weighting on with these counts. Off by default; see the class comment about
     * stored vectors.
     */
    public Builder documentFrequencies(DocumentFrequencies frequencies) {
      this.frequencies = Objects.requireNonNull(frequencies, "frequencies");
      return this;
    }

    public HashingEmbeddingModel build() {
      return new HashingEmbeddingModel(dimensions, minNgram, maxNgram, frequencies);
    }
  }
}
