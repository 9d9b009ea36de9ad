package io.wacanda.knowledge;

import io.wacanda.TenantId;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default {@link KnowledgeSourceStore}: sources in memory, lost when the process
 * ends (register them again at start-up, or use a durable store). Thread-safe.
 */
public final class InMemoryKnowledgeSourceStore implements KnowledgeSourceStore {

  private final ConcurrentHashMap<TenantId, Map<String, KnowledgeSource>> sources =
      new ConcurrentHashMap<>();

  @Inject
  public InMemoryKnowledgeSourceStore() {}

  @Override
  public void save(KnowledgeSource source) {
    Objects.requireNonNull(source, "source");
    sources.computeIfAbsent(source.tenant(), t -> new ConcurrentHashMap<>())
        .put(source.id(), source);
  }

  @Override
  public Optional<KnowledgeSource> find(TenantId tenant, String id) {
    Objects.requireNonNull(id, "id");
    Map<String, KnowledgeSource> m = sources.get(Objects.requireNonNull(tenant, "tenant"));
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(id));
  }

  @Override
  public List<KnowledgeSource> list(TenantId tenant) {
    Map<String, KnowledgeSource> m = sources.get(Objects.requireNonNull(tenant, "tenant"));
    if (m == null) {
      return List.of();
    }
    List<KnowledgeSource> out = new ArrayList<>(m.values());
    out.sort(Comparator.comparing(KnowledgeSource::createdAt).thenComparing(KnowledgeSource::id));
    return out;
  }

  @Override
  public boolean delete(TenantId tenant, String id) {
    Objects.requireNonNull(id, "id");
    Map<String, KnowledgeSource> m = sources.get(Objects.requireNonNull(tenant, "tenant"));
    return m != null && m.remove(id) != null;
  }

  @Override
  public List<KnowledgeSource> all() {
    List<KnowledgeSource> out = new ArrayList<>();
    for (Map<String, KnowledgeSource> m : sources.values()) {
      out.addAll(m.values());
    }
    out.sort(Comparator.comparing(KnowledgeSource::createdAt).thenComparing(KnowledgeSource::id));
    return out;
  }

  @Override
  public String toString() {
    return "InMemoryKnowledgeSourceStore[tenants=" + sources.size() + "]";
  }
}
