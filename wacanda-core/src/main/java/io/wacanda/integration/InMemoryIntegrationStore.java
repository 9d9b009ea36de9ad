package io.wacanda.integration;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link IntegrationStore} held in memory: integrations by id, with indexes by tenant and by API
 * key hash. Thread-safe: lookups by id and key hash are lock-free, writes take one lock. Everything
 * is lost when the process stops; use {@code wacanda-jdbc} for durability.
 *
 * <p>Replacing an integration keeps its stored status; {@link #updateStatus} changes only the
 * status, under the same lock as every write.
 *
 * <p>Saving an id that another tenant owns, or an API key hash another integration uses, fails with
 * CONFLICT and changes nothing.
 */
public final class InMemoryIntegrationStore implements IntegrationStore {
  private static final Comparator<Stored> OLDEST_FIRST =
      Comparator.comparing((Stored s) -> s.integration().createdAt())
          .thenComparingLong(Stored::seq);

  private final Object lock = new Object();
  private final Map<String, Stored> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByKeyHash = new ConcurrentHashMap<>();
  private final Map<TenantId, Set<String>> idsByTenant = new HashMap<>();
  private long nextSeq;

  @Inject
  public InMemoryIntegrationStore() {}

  @Override
  public void save(Integration integration) {
    synchronized (lock) {
      Stored existing = byId.get(integration.id());
      if (existing != null && !existing.integration().tenant().equals(integration.tenant())) {
        throw WacandaException.conflict("integration id already in use: " + integration.id());
      }
      String holder = idByKeyHash.get(integration.apiKeyHash());
      if (holder != null && !holder.equals(integration.id())) {
        throw WacandaException.conflict("API key hash of integration " + integration.id()
            + " is already used by another integration");
      }
      Integration stored = integration;
      if (existing != null) {
        idByKeyHash.remove(existing.integration().apiKeyHash(), integration.id());
        stored = integration.withStatus(existing.integration().status(), integration.updatedAt());
      }
      long seq = existing != null ? existing.seq() : nextSeq++;
      byId.put(integration.id(), new Stored(stored, seq));
      idByKeyHash.put(integration.apiKeyHash(), integration.id());
      idsByTenant.computeIfAbsent(integration.tenant(), t -> new LinkedHashSet<>())
          .add(integration.id());
    }
  }

  @Override
  public Optional<Integration> updateStatus(TenantId tenant, String id, IntegrationStatus status,
      Instant updatedAt) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(updatedAt, "updatedAt");
    synchronized (lock) {
      Stored existing = byId.get(id);
      if (existing == null || !existing.integration().tenant().equals(tenant)) {
        return Optional.empty();
      }
      Integration changed = existing.integration().withStatus(status, updatedAt);
      byId.put(id, new Stored(changed, existing.seq()));
      return Optional.of(changed);
    }
  }

  @Override
  public Optional<Integration> find(TenantId tenant, String id) {
    return findForRouting(id).filter(i -> i.tenant().equals(tenant));
  }

  @Override
  public List<Integration> list(TenantId tenant) {
    List<Stored> rows = new ArrayList<>();
    synchronized (lock) {
      for (String id : idsByTenant.getOrDefault(tenant, Set.of())) {
        rows.add(byId.get(id));
      }
    }
    rows.sort(OLDEST_FIRST);
    return rows.stream().map(Stored::integration).toList();
  }

  @Override
  public boolean delete(TenantId tenant, String id) {
    synchronized (lock) {
      Stored existing = byId.get(id);
      if (existing == null || !existing.integration().tenant().equals(tenant)) {
        return false;
      }
      byId.remove(id);
      idByKeyHash.remove(existing.integration().apiKeyHash(), id);
      Set<String> ids = idsByTenant.get(tenant);
      ids.remove(id);
      if (ids.isEmpty()) {
        idsByTenant.remove(tenant);
      }
      return true;
    }
  }

  @Override
  public Optional<Integration> findForRouting(String id) {
    return Optional.ofNullable(byId.get(id)).map(Stored::integration);
  }

  @Override
  public Optional<Integration> findByApiKeyHash(String apiKeyHash) {
    String id = idByKeyHash.get(apiKeyHash);
    return id == null ? Optional.empty() : findForRouting(id)
        .filter(i -> i.apiKeyHash().equals(apiKeyHash));
  }

  @Override
  public List<Integration> listEnabled() {
    return byId.values().stream()
        .filter(s -> s.integration().enabled())
        .sorted(OLDEST_FIRST)
        .map(Stored::integration)
        .toList();
  }

  private record Stored(Integration integration, long seq) {}
}
