package io.wacanda.rag;

import io.wacanda.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Nearest-neighbour search over chunk embeddings, per tenant. Vectors have a norm of at most 1
 * (L2-normalized embeddings, or weighted means of them such as {@link DefaultRagEngine}'s passage
 * and heading mix) and compared by inner product. Thread-safe.
 */
public interface VectorIndex {

  void add(TenantId tenant, String chunkId, float[] vector);

  void remove(TenantId tenant, String chunkId);

  /** The {@code k} nearest chunks, best first; score is the inner product (cosine), -1..1. */
  List<Hit> search(TenantId tenant, float[] query, int k);

  /**
   * The {@code k} nearest chunks whose id the filter accepts, best first. The default asks
   * {@link #search(TenantId, float[], int)} for more and more (up to the whole index) until
   * {@code k} accepted chunks are found; indexes that can filter while searching override it.
   */
  default List<Hit> search(TenantId tenant, float[] query, int k, Predicate<String> filter) {
    Objects.requireNonNull(filter, "filter");
    int total = size(tenant);
    int ask = Math.max(k, 1) * 4;
    while (true) {
      List<Hit> hits = search(tenant, query, Math.min(ask, Math.max(total, 1)));
      List<Hit> accepted = new ArrayList<>(k);
      for (Hit h : hits) {
        if (filter.test(h.chunkId())) {
          accepted.add(h);
          if (accepted.size() == k) {
            return accepted;
          }
        }
      }
      if (ask >= total || hits.size() < Math.min(ask, total)) {
        return accepted;
      }
      ask = (int) Math.min((long) ask * 4, Integer.MAX_VALUE);
    }
  }

  int size(TenantId tenant);

  record Hit(String chunkId, double score) {}
}
