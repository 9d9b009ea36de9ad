package io.wacanda.rag;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many indexed passages contain each term, for the optional inverse-document-frequency
 * weighting of {@link HashingEmbeddingModel}. Terms are the same stems the embedder uses (lower
 * case, accents removed, stopwords dropped, light stemming).
 *
 * <p>{@link DefaultRagEngine} keeps it current when it is given one: it {@linkplain #add adds}
 * every passage it indexes, {@linkplain #remove removes} every passage it drops and recounts
 * everything in {@link DefaultRagEngine#rebuildIndexes()}. The counts span every tenant of the
 * engine: a tenant's documents shift the term weights (not the results) of the others. Leave IDF
 * off where that is not acceptable.
 *
 * <p>Thread-safe. {@link #idf(String)} reads the current counts; a reader racing a writer sees the
 * counts before or after each term's update.
 */
public final class DocumentFrequencies {

  private final ConcurrentHashMap<String, AtomicInteger> frequencies = new ConcurrentHashMap<>();
  private final AtomicInteger documents = new AtomicInteger();

  private DocumentFrequencies() {}

  /** Empty counts; IDF weighting is neutral (1.0) until the first passage is added. */
  public static DocumentFrequencies create() {
    return new DocumentFrequencies();
  }

  /** Counts one passage: each distinct term of the text once. */
  public void add(String text) {
    for (String term : distinctTerms(text)) {
      frequencies.computeIfAbsent(term, t -> new AtomicInteger()).incrementAndGet();
    }
    documents.incrementAndGet();
  }

  /** Uncounts a passage previously {@linkplain #add added} with the same text. */
  public void remove(String text) {
    for (String term : distinctTerms(text)) {
      frequencies.computeIfPresent(term, (t, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
    documents.updateAndGet(n -> Math.max(0, n - 1));
  }

  /** Forgets every count. */
  public void clear() {
    frequencies.clear();
    documents.set(0);
  }

  /** How many passages are counted. */
  public int documentCount() {
    return documents.get();
  }

  /** How many counted passages contain the term (a stem, see the class comment). */
  public int frequency(String term) {
    AtomicInteger count = frequencies.get(term);
    return count == null ? 0 : count.get();
  }

  /**
   * The BM25 form {@code ln(1 + (N - df + 0.5) / (df + 0.5))}, always positive; 1.0 while no
   * passage is counted.
   */
  double idf(String term) {
    int n = documents.get();
    if (n == 0) {
      return 1.0;
    }
    int df = Math.min(frequency(term), n);
    return Math.log(1.0 + (n - df + 0.5) / (df + 0.5));
  }

  private static Set<String> distinctTerms(String text) {
    return new HashSet<>(TextAnalyzer.stems(text));
  }

  @Override
  public String toString() {
    return "DocumentFrequencies[documents=" + documents.get() + ", terms=" + frequencies.size() + "]";
  }
}
