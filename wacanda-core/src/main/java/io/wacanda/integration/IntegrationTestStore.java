package io.wacanda.integration;

import io.wacanda.TenantId;
import java.util.List;

/** History of connectivity test runs. Thread-safe; every call scoped by tenant. */
public interface IntegrationTestStore {

  void save(IntegrationTestResult result);

  /** The integration's runs, newest first, at most {@code limit}. */
  List<IntegrationTestResult> list(TenantId tenant, String integrationId, int limit);

  /** How many runs there were and how many passed. */
  Tally tally(TenantId tenant, String integrationId);

  /** Removes the integration's history (the integration was deleted). */
  void deleteAll(TenantId tenant, String integrationId);

  record Tally(long runs, long passed) {
    public double successRate() {
      return runs == 0 ? 0.0 : (double) passed / runs;
    }
  }
}
