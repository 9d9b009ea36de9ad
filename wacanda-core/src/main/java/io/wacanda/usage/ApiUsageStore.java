package io.wacanda.usage;

import io.wacanda.TenantId;
import java.time.Instant;

/** External API usage log. Thread-safe; every read scoped by tenant. */
public interface ApiUsageStore {

  void record(ApiUsage usage);

  /** Calls for the integration at or after {@code since}. */
  long count(TenantId tenant, String integrationId, Instant since);

  /** Deletes at most {@code batchSize} entries before {@code cutoff}, across tenants. */
  int deleteBefore(Instant cutoff, int batchSize);
}
