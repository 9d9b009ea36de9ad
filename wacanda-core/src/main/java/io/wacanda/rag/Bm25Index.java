package io.wacanda.rag;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A lexical index per tenant ranking passages by Okapi BM25 over the same terms as {@link
 * HashingEmbeddingModel} (normalized, stopwords dropped, lightly stemmed). {@link
 * DefaultRagEngine} fuses its ranking with the vector ranking, so exact words (product names,
 * order numbers, rare terms) count even when an embedding blurs them.
 *
 * <p>Score of a passage {@code D} for a query {@code Q}: {@code sum over distinct terms t of Q of
 * idf(t) * tf(t,D) * (k1 + 1) / (tf(t,D) + k1 * (1 - b + b * |D| / avgdl))}, with {@code idf(t) =
 * ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))}. Defaults {@code k1 = 1.2}, {@code b = 0.75}.
 *
 * <p>Thread-safe: searches of a tenant run in parallel, changes wait for them.
 */
public final class Bm25Index {

  /** Default term-frequency saturation: 1.2. */
  public static final double DEFAULT_K1 = 1.2;
  /** Default length normalization: 0.75. */
  public static final double DEFAULT_B = 0.75;

  private final double k1;
  private final double b;
  private final ConcurrentHashMap<TenantId, Shard> shards = new ConcurrentHashMap<>();

  /** An index with the defaults, k1 1.2 and b 0.75. */
  @Inject
  public Bm25Index() {
    this(DEFAULT_K1, DEFAULT_B);
  }

  private Bm25Index(double k1, double b) {
    this.k1 = k1;
    this.b = b;
  }

  /** An index with the defaults. */
  public static Bm25Index create() {
    return new Bm25Index();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Indexes a passage, replacing an earlier one with the same id. */
  public void add(TenantId tenant, String chunkId, String text) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(chunkId, "chunkId");
    Objects.requireNonNull(text, "text");
    List<String> terms = TextAnalyzer.stems(text);
    Map<String, Integer> tf = new HashMap<>();
    for (String t : terms) {
      tf.merge(t, 1, Integer::sum);
    }
    Shard shard = shards.computeIfAbsent(tenant, t -> new Shard());
    shard.lock.writeLock().lock();
    try {
      shard.remove(chunkId);
      shard.add(chunkId, tf, terms.size());
    } finally {
      shard.lock.writeLock().unlock();
    }
  }

  /** Removes a passage; nothing happens when it is not indexed. */
  public void remove(TenantId tenant, String chunkId) {
    Objects.requireNonNull(chunkId, "chunkId");
    Shard shard = shards.get(Objects.requireNonNull(tenant, "tenant"));
    if (shard == null) {
      return;
    }
    shard.lock.writeLock().lock();
    try {
      shard.remove(chunkId);
    } finally {
      shard.lock.writeLock().unlock();
    }
  }

  /** Removes every passage of the tenant. */
  public void clear(TenantId tenant) {
    Shard shard = shards.get(Objects.requireNonNull(tenant, "tenant"));
    if (shard == null) {
      return;
    }
    shard.lock.writeLock().lock();
    try {
      shard.docs.clear();
      shard.postings.clear();
      shard.totalLength = 0;
    } finally {
      shard.lock.writeLock().unlock();
    }
  }

  /** How many passages of the tenant are indexed. */
  public int size(TenantId tenant) {
    Shard shard = shards.get(Objects.requireNonNull(tenant, "tenant"));
    if (shard == null) {
      return 0;
    }
    shard.lock.readLock().lock();
    try {
      return shard.docs.size();
    } finally {
      shard.lock.readLock().unlock();
    }
  }

  /** The {@code k} best passages for the query, best first; ties by chunk id. */
  public List<Hit> search(TenantId tenant, String query, int k) {
    Objects.requireNonNull(query, "query");
    return searchStems(tenant, TextAnalyzer.stems(query), k);
  }

  /** As {@link #search}, with the query already analyzed. */
  List<Hit> searchStems(TenantId tenant, Collection<String> stems, int k) {
    return searchStems(tenant, stems, k, null);
  }

  /**
   * The {@code k} best passages whose chunk id the filter accepts, best first.
   *
   * @param accept null to accept every passage
   */
  public List<Hit> search(TenantId tenant, String query, int k,
      java.util.function.Predicate<String> accept) {
    Objects.requireNonNull(query, "query");
    return searchStems(tenant, TextAnalyzer.stems(query), k, accept);
  }

  List<Hit> searchStems(TenantId tenant, Collection<String> stems, int k,
      java.util.function.Predicate<String> accept) {
    return top(scores(tenant, stems, accept).byChunk(), k);
  }

  /** The {@code k} best of the scores, best first; ties by chunk id. */
  static List<Hit> top(Map<String, Double> scores, int k) {
    if (k <= 0) {
      return List.of();
    }
    PriorityQueue<Hit> top = new PriorityQueue<>(Bm25Index::worseFirst);
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      Hit h = new Hit(e.getKey(), e.getValue());
      if (top.size() < k) {
        top.add(h);
      } else if (worseFirst(h, top.peek()) > 0) {
        top.poll();
        top.add(h);
      }
    }
    List<Hit> out = new ArrayList<>(top);
    out.sort((x, y) -> worseFirst(y, x));
    return out;
  }

  /**
   * Every accepted passage's score for the query (passages without a query term are absent),
   * and the query's ceiling: the score a passage would reach with every distinct query term
   * infinitely often, {@code sum over distinct terms t of Q of idf(t) * (k1 + 1)}; no passage
   * reaches it, so {@code score / ceiling} is in {@code [0, 1)} and says how much of the query a
   * passage matches, comparable across queries (unlike dividing by the query's best score).
   *
   * @param accept null to accept every passage
   */
  Scores scores(TenantId tenant, Collection<String> stems,
      java.util.function.Predicate<String> accept) {
    Shard shard = shards.get(Objects.requireNonNull(tenant, "tenant"));
    if (shard == null || stems.isEmpty()) {
      return Scores.NONE;
    }
    Map<String, double[]> scores = new HashMap<>();
    double ceiling = 0;
    shard.lock.readLock().lock();
    try {
      int n = shard.docs.size();
      if (n == 0) {
        return Scores.NONE;
      }
      double avgdl = Math.max(1.0, (double) shard.totalLength / n);
      for (String term : new LinkedHashSet<>(stems)) {
        Map<String, Integer> posting = shard.postings.get(term);
        double idf = idf(n, posting == null ? 0 : posting.size());
        ceiling += idf * (k1 + 1);
        if (posting == null) {
          continue;
        }
        for (Map.Entry<String, Integer> p : posting.entrySet()) {
          if (accept != null && !accept.test(p.getKey())) {
            continue;
          }
          int tf = p.getValue();
          int len = shard.docs.get(p.getKey());
          double s = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl));
          scores.computeIfAbsent(p.getKey(), x -> new double[1])[0] += s;
        }
      }
    } finally {
      shard.lock.readLock().unlock();
    }
    Map<String, Double> out = new HashMap<>(scores.size() * 2);
    scores.forEach((id, s) -> out.put(id, s[0]));
    return new Scores(out, ceiling);
  }

  /**
   * A query's BM25 scores.
   *
   * @param byChunk score per matching passage
   * @param ceiling the bound no passage reaches (see {@link #scores}); 0 when nothing is indexed
   */
  record Scores(Map<String, Double> byChunk, double ceiling) {
    static final Scores NONE = new Scores(Map.of(), 0);

    /** A passage's score over the ceiling, in {@code [0, 1)}; 0 when it matches no term. */
    double normalized(String chunkId) {
      Double s = byChunk.get(chunkId);
      return s == null || ceiling <= 0 ? 0 : s / ceiling;
    }
  }

  /** The tenant's inverse document frequency of a stem; 0 when the tenant has no passages. */
  double idf(TenantId tenant, String stem) {
    Shard shard = shards.get(tenant);
    if (shard == null) {
      return 0;
    }
    shard.lock.readLock().lock();
    try {
      int n = shard.docs.size();
      if (n == 0) {
        return 0;
      }
      Map<String, Integer> posting = shard.postings.get(stem);
      return idf(n, posting == null ? 0 : posting.size());
    } finally {
      shard.lock.readLock().unlock();
    }
  }

  private static double idf(int n, int df) {
    return Math.log(1.0 + (n - df + 0.5) / (df + 0.5));
  }

  private static int worseFirst(Hit x, Hit y) {
    int c = Double.compare(x.score(), y.score());
    return c != 0 ? c : y.chunkId().compareTo(x.chunkId());
  }

  @Override
  public String toString() {
    return "Bm25Index[k1=" + k1 + ", b=" + b + ", tenants=" + shards.size() + "]";
  }

  /** A lexical match: the chunk id and its BM25 score (0 or more, unbounded). */
  public record Hit(String chunkId, double score) {}

  /** One tenant's postings; guarded by {@link #lock}. */
  private static final class Shard {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** chunk id -> length in terms. */
    final Map<String, Integer> docs = new HashMap<>();
    /** chunk id -> its term frequencies, to remove it again. */
    final Map<String, Map<String, Integer>> termsOf = new HashMap<>();
    /** term -> chunk id -> term frequency. */
    final Map<String, Map<String, Integer>> postings = new HashMap<>();
    long totalLength;

    void add(String chunkId, Map<String, Integer> tf, int length) {
      docs.put(chunkId, length);
      termsOf.put(chunkId, tf);
      totalLength += length;
      for (Map.Entry<String, Integer> e : tf.entrySet()) {
        postings.computeIfAbsent(e.getKey(), t -> new HashMap<>()).put(chunkId, e.getValue());
      }
    }

    void remove(String chunkId) {
      Integer length = docs.remove(chunkId);
      if (length == null) {
        return;
      }
      totalLength -= length;
      Map<String, Integer> tf = termsOf.remove(chunkId);
      for (String term : tf.keySet()) {
        Map<String, Integer> posting = postings.get(term);
        if (posting != null) {
          posting.remove(chunkId);
          if (posting.isEmpty()) {
            postings.remove(term);
          }
        }
      }
    }
  }

  /** Settings of a {@link Bm25Index}; rejects bad values at once. */
  public static final class Builder {
    private double k1 = DEFAULT_K1;
    private double b = DEFAULT_B;

    private Builder() {}

    /** Term-frequency saturation, 0 to 3. Default 1.2. */
    public Builder k1(double k1) {
      if (!(k1 >= 0 && k1 <= 3)) {
        throw WacandaException.invalid("k1 must be 0..3, was " + k1);
      }
      this.k1 = k1;
      return this;
    }

    /** Length normalization, 0 (none) to 1 (full). Default 0.75. */
    public Builder b(double b) {
      if (!(b >= 0 && b <= 1)) {
        throw WacandaException.invalid("b must be 0..1, was " + b);
      }
      this.b = b;
      return this;
    }

    public Bm25Index build() {
      return new Bm25Index(k1, b);
    }
  }
}
