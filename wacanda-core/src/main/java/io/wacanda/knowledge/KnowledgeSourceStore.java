package io.wacanda.knowledge;

import io.wacanda.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Where knowledge sources are kept. The default is {@link InMemoryKnowledgeSourceStore}; a
 * durable store lets sources (and their schedules) survive restarts. Thread-safe; every call but
 * {@link #all()} is scoped by tenant.
 */
public interface KnowledgeSourceStore {

  /** Inserts or replaces a source (by tenant and id). */
  void save(KnowledgeSource source);

  Optional<KnowledgeSource> find(TenantId tenant, String id);

  /** The tenant's sources, by creation time. */
  List<KnowledgeSource> list(TenantId tenant);

  /** @return whether it existed */
  boolean delete(TenantId tenant, String id);

  /** Every tenant's sources: what the scheduler walks. */
  List<KnowledgeSource> all();
}
