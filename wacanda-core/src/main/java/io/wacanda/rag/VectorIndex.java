package io.wacanda.rag;

import io.wacanda.TenantId;
import java.util.List;

/**
 * Nearest-neighbour search over chunk embeddings, per tenant. Vectors are L2-normalized and
 * compared by inner product. Thread-safe.
 */
public interface VectorIndex {

  void add(TenantId tenant, String chunkId, float[] vector);

  void remove(TenantId tenant, String chunkId);

  /** The {@code k} nearest chunks, best first; score is the inner product (cosine), -1..1. */
  List<Hit> search(TenantId tenant, float[] query, int k);

  int size(TenantId tenant);

  record Hit(String chunkId, double score) {}
}
