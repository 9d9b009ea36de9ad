package io.wacanda.integration;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores integrations. Every call is scoped by tenant except the three routing lookups, which
 * exist because a webhook URL or an integration key is all an inbound request carries; they return
 * the integration (and so its tenant) and every later call is scoped again. Implementations are
 * thread-safe.
 *
 * <p>An integration's status has its own writer: channels report it from their own threads (a
 * login, a poll, a failed connection) while an admin may be changing the same integration. So
 * {@link #save} of an existing id never changes the status, and {@link #updateStatus} changes
 * nothing but the status; neither can write back a stale copy of what the other one owns.
 */
public interface IntegrationStore {

  /**
   * Inserts or replaces by id. The tenant of an existing id never changes. Replacing keeps the
   * stored status (the given one is ignored): only {@link #updateStatus} changes it, so an admin's
   * change built from an older read cannot undo a status a channel reported meanwhile. Inserting
   * stores the given status.
   */
  void save(Integration integration);

  /**
   * Sets the status of an existing integration, and its {@code updatedAt}, atomically, leaving
   * every other field as stored (a concurrent {@link #save} of new settings or a new key is not
   * undone). There is no default built on {@link #find} and {@link #save}: that would be the very
   * race this method exists to avoid.
   *
   * @return the integration as stored right after this change; empty, with nothing changed, for
   *     an unknown id or an id of another tenant
   */
  Optional<Integration> updateStatus(TenantId tenant, String id, IntegrationStatus status,
      Instant updatedAt);

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
