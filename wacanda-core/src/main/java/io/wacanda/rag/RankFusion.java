package io.wacanda.rag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reciprocal rank fusion and maximal marginal relevance. Stateless. */
final class RankFusion {

  /** The RRF damping constant of Cormack, Clarke and Buettcher (2009): 60. */
  static final int RRF_K = 60;

  private RankFusion() {}

  /** A fused candidate; ranks are 1-based, 0 when the ranking did not return it. */
  record Fused(String chunkId, double score, int firstRank, int secondRank) {
    int bestRank() {
      if (firstRank == 0) {
        return secondRank;
      }
      return secondRank == 0 ? firstRank : Math.min(firstRank, secondRank);
    }
  }

  /**
   * Fuses two rankings: each id scores {@code sum 1 / (k + rank)} over the rankings that return
   * it. Best first; ties broken by best single rank, then by the first ranking.
   */
  static List<Fused> reciprocalRank(List<String> first, List<String> second, int k) {
    return reciprocalRank(first, second, k, 1.0);
  }

  /**
   * Weighted fusion: each id scores {@code 1 / (k + rank1) + secondWeight / (k + rank2)}, so a
   * weaker second ranking (0 < weight < 1) breaks ties and lifts what the first missed without
   * outvoting it.
   */
  static List<Fused> reciprocalRank(List<String> first, List<String> second, int k,
      double secondWeight) {
    Map<String, int[]> ranks = new HashMap<>();
    for (int i = 0; i < first.size(); i++) {
      ranks.computeIfAbsent(first.get(i), x -> new int[2])[0] = i + 1;
    }
    for (int i = 0; i < second.size(); i++) {
      int[] r = ranks.computeIfAbsent(second.get(i), x -> new int[2]);
      if (r[1] == 0) {
        r[1] = i + 1;
      }
    }
    List<Fused> fused = new ArrayList<>(ranks.size());
    for (Map.Entry<String, int[]> e : ranks.entrySet()) {
      int a = e.getValue()[0];
      int b = e.getValue()[1];
      double score = (a > 0 ? 1.0 / (k + a) : 0) + (b > 0 ? secondWeight / (k + b) : 0);
      fused.add(new Fused(e.getKey(), score, a, b));
    }
    fused.sort((x, y) -> {
      int c = Double.compare(y.score(), x.score());
      if (c != 0) {
        return c;
      }
      c = Integer.compare(x.bestRank(), y.bestRank());
      if (c != 0) {
        return c;
      }
      int xa = x.firstRank() == 0 ? Integer.MAX_VALUE : x.firstRank();
      int ya = y.firstRank() == 0 ? Integer.MAX_VALUE : y.firstRank();
      c = Integer.compare(xa, ya);
      return c != 0 ? c : x.chunkId().compareTo(y.chunkId());
    });
    return fused;
  }

  /**
   * Greedy maximal marginal relevance: repeatedly takes the candidate maximizing {@code lambda *
   * relevance - (1 - lambda) * max similarity to those taken}; candidates whose similarity to a
   * taken one reaches {@code duplicateSimilarity} are dropped as near-duplicates.
   *
   * @param vectors L2-normalized candidate vectors, best candidate first
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
          double sim = dot(vectors.get(i), vectors.get(best));
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
