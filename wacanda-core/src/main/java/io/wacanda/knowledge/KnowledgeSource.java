package io.wacanda.knowledge;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered knowledge source of a tenant: a folder, a site or a sitemap whose documents are
 * kept in the knowledge base by {@link KnowledgeSync}.
 *
 * @param id {@code ks_} and random characters
 * @param lastSync the report of the last sync, when there was one
 */
public record KnowledgeSource(String id, TenantId tenant, SourceSpec spec, Instant createdAt,
    Optional<SyncReport> lastSync) {

  public KnowledgeSource {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastSync, "lastSync");
  }

  /** A copy with this sync report. */
  public KnowledgeSource withLastSync(SyncReport report) {
    return new KnowledgeSource(id, tenant, spec, createdAt, Optional.of(report));
  }

  /** Whether the scheduler should sync it at {@code now}. */
  public boolean isDue(Instant now) {
    if (spec.refreshInterval().isZero()) {
      return false;
    }
    return lastSync.map(r -> !r.startedAt().plus(spec.refreshInterval()).isAfter(now))
        .orElse(true);
  }
}
