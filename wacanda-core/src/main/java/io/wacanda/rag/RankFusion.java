package io.wacanda.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Score fusion of the vector and lexical retrievers, and maximal marginal relevance. Stateless.
 */
final class RankFusion {

  private RankFusion() {}

  /**
   * A fused candidate.
   *
   * @param vector its vector similarity with the query
   * @param lexical its lexical score, normalized to {@code [0, 1)}
   * @param score {@code vector + lexicalWeight * lexical}
   */
  record Fused(String chunkId, double vector, double lexical, double score) {}

  /**
   * Fuses by score, not by rank: each candidate scores {@code vector + lexicalWeight * lexical}.
   * Unlike reciprocal rank fusion, which separates neighbouring ranks by about {@code 1/60²}
   * whatever their scores, a passage the lexical index likes only overtakes a better vector
   * match when it makes up the vector gap, and a lexical match that covers little of the
   * question ({@code lexical} near 0) changes little. Best first; ties broken by the vector
   * similarity, then by chunk id.
   *
   * @param vector vector similarity per candidate; every candidate must have one
   * @param lexical normalized lexical score per candidate; absent means 0
   */
  static List<Fused> fuse(Map<String, Double> vector, Map<String, Double> lexical,
      double lexicalWeight) {
    List<Fused> fused = new ArrayList<>(vector.size());
    for (Map.Entry<String, Double> e : vector.entrySet()) {
      double v = e.getValue();
      double l = lexical.getOrDefault(e.getKey(), 0.0);
      fused.add(new Fused(e.getKey(), v, l, v + lexicalWeight * l));
    }
    fused.sort((x, y) -> {
      int c = Double.compare(y.score(), x.score());
      if (c != 0) {
        return c;
      }
      c = Double.compare(y.vector(), x.vector());
      return c != 0 ? c : x.chunkId().compareTo(y.chunkId());
    });
    return fused;
  }

  /**
   * Greedy maximal marginal relevance: repeatedly takes the candidate maximizing {@code lambda *
   * relevance - (1 - lambda) * max similarity to those taken}; candidates whose similarity to a
   * taken one reaches {@code duplicateSimilarity} are dropped as near-duplicates.
   *
   * @param vectors candidate vectors, best candidate first; compared by cosine
   * @param relevance relevance of each candidate, comparable to an inner product
   * @return indexes of the chosen candidates, in the order chosen
   */
  static List<Integer> maximalMarginalRelevance(List<float[]> vectors, double[] relevance, int k,
      double lambda, double duplicateSimilarity) {
    int n = vectors.size();
    List<Integer> chosen = new ArrayList<>(Math.min(k, n));
    boolean[] out = new boolean[n];
    double[] maxSim = new double[n];
    while (chosen.size() < k) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (out[i]) {
          continue;
        }
        double value = lambda * relevance[i] - (1 - lambda) * (chosen.isEmpty() ? 0 : maxSim[i]);
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      chosen.add(best);
      out[best] = true;
      for (int i = 0; i < n; i++) {
        if (!out[i]) {
          double sim = cosine(vectors.get(i), vectors.get(best));
          if (sim >= duplicateSimilarity) {
            out[i] = true;
          } else if (chosen.size() == 1 || sim > maxSim[i]) {
            maxSim[i] = sim;
          }
        }
      }
    }
    return chosen;
  }

  /** The cosine of two vectors; 0 when either is zero or their dimensions differ. */
  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      return 0;
    }
    double d = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : d / Math.sqrt(na * nb);
  }

  static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      return 0;
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
