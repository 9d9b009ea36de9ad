package io.wacanda.integration;

import io.wacanda.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Stores integrations. Every call is scoped by tenant except the three routing lookups, which
 * exist because a webhook URL or an integration key is all an inbound request carries; they return
 * the integration (and so its tenant) and every later call is scoped again. Implementations are
 * thread-safe.
 */
public interface IntegrationStore {

  /** Inserts or replaces by id. The tenant of an existing id never changes. */
  void save(Integration integration);

  Optional<Integration> find(TenantId tenant, String id);

  /** The tenant's integrations, oldest first. */
  List<Integration> list(TenantId tenant);

  /** @return whether it existed */
  boolean delete(TenantId tenant, String id);

  /** Routing lookup for {@code /webhooks/{id}}: the integration with this globally unique id. */
  Optional<Integration> findForRouting(String id);

  /** Routing lookup for the external API: the integration whose key hashes to this value. */
  Optional<Integration> findByApiKeyHash(String apiKeyHash);

  /** Every enabled integration of every tenant, to start channels when the process starts. */
  List<Integration> listEnabled();
}
