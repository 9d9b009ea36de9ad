package io.wacanda.integration;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The stored outcome of one connectivity test run; passed when every check passed. */
public record IntegrationTestResult(
    String id,
    TenantId tenant,
    String integrationId,
    boolean passed,
    List<TestCheck> checks,
    Duration latency,
    Instant ranAt) {
  public IntegrationTestResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(integrationId, "integrationId");
    checks = List.copyOf(checks);
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(ranAt, "ranAt");
  }
}
