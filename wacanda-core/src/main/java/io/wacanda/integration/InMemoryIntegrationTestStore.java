package io.wacanda.integration;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link IntegrationTestStore} held in memory: each integration's test runs, per tenant.
 * Thread-safe: every call takes one lock. Everything is lost when the process stops; use
 * {@code wacanda-jdbc} for durability.
 *
 * <p>Saving a result with the id of a stored one replaces it; saving an id that another tenant
 * owns fails with CONFLICT and changes nothing.
 */
public final class InMemoryIntegrationTestStore implements IntegrationTestStore {
  private static final Comparator<Stored> NEWEST_FIRST =
      Comparator.comparing((Stored s) -> s.result().ranAt()).thenComparingLong(Stored::seq)
          .reversed();

  private final Object lock = new Object();
  private final Map<String, Stored> byId = new HashMap<>();
  private final Map<Scope, Map<String, Stored>> byIntegration = new HashMap<>();
  private long nextSeq;

  @Inject
  public InMemoryIntegrationTestStore() {}

  @Override
  public void save(IntegrationTestResult result) {
    synchronized (lock) {
      Stored existing = byId.get(result.id());
      if (existing != null) {
        if (!existing.result().tenant().equals(result.tenant())) {
          throw WacandaException.conflict("integration test id already in use: " + result.id());
        }
        remove(existing);
      }
      Stored stored = new Stored(result, existing != null ? existing.seq() : nextSeq++);
      byId.put(result.id(), stored);
      byIntegration.computeIfAbsent(Scope.of(result), s -> new HashMap<>())
          .put(result.id(), stored);
    }
  }

  @Override
  public List<IntegrationTestResult> list(TenantId tenant, String integrationId, int limit) {
    if (limit < 1) {
      throw WacandaException.invalid("limit must be positive, was " + limit);
    }
    List<Stored> rows;
    synchronized (lock) {
      rows = new ArrayList<>(
          byIntegration.getOrDefault(new Scope(tenant, integrationId), Map.of()).values());
    }
    rows.sort(NEWEST_FIRST);
    return rows.stream().limit(limit).map(Stored::result).toList();
  }

  @Override
  public Tally tally(TenantId tenant, String integrationId) {
    synchronized (lock) {
      Map<String, Stored> runs =
          byIntegration.getOrDefault(new Scope(tenant, integrationId), Map.of());
      long passed = runs.values().stream().filter(s -> s.result().passed()).count();
      return new Tally(runs.size(), passed);
    }
  }

  @Override
  public void deleteAll(TenantId tenant, String integrationId) {
    synchronized (lock) {
      Map<String, Stored> runs = byIntegration.remove(new Scope(tenant, integrationId));
      if (runs != null) {
        runs.keySet().forEach(byId::remove);
      }
    }
  }

  private void remove(Stored stored) {
    byId.remove(stored.result().id());
    Scope scope = Scope.of(stored.result());
    Map<String, Stored> runs = byIntegration.get(scope);
    runs.remove(stored.result().id());
    if (runs.isEmpty()) {
      byIntegration.remove(scope);
    }
  }

  private record Stored(IntegrationTestResult result, long seq) {}

  private record Scope(TenantId tenant, String integrationId) {
    static Scope of(IntegrationTestResult result) {
      return new Scope(result.tenant(), result.integrationId());
    }
  }
}
