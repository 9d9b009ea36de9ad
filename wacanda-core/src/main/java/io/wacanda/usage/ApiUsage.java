package io.wacanda.usage;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** One external API call, logged for statistics and billing. */
public record ApiUsage(String id, TenantId tenant, String integrationId, String action, int status,
    Duration latency, Instant at) {
  public ApiUsage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(integrationId, "integrationId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(at, "at");
  }
}
