package io.wacanda.integration;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured connection to a messaging platform, owned by a tenant.
 *
 * @param id globally unique id; also the last segment of the webhook URL
 * @param type provider type id ({@code telegram}, {@code whatsapp-cloud}, {@code custom}, ...)
 * @param settings the non-secret template fields by name
 * @param secrets the secret template fields, sealed; absent when the type has none
 * @param apiKeyHash SHA-256 hex of the integration key; the key itself is shown once and not kept
 * @param apiKeyPrefix the first characters of the key, to recognise it in a list
 */
public record Integration(
    String id,
    TenantId tenant,
    String type,
    String name,
    boolean enabled,
    IntegrationStatus status,
    Map<String, String> settings,
    Optional<SealedSecrets> secrets,
    String apiKeyHash,
    String apiKeyPrefix,
    Instant createdAt,
    Instant updatedAt) {

  public Integration {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    settings = Map.copyOf(settings);
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(apiKeyHash, "apiKeyHash");
    Objects.requireNonNull(apiKeyPrefix, "apiKeyPrefix");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  public Integration withStatus(IntegrationStatus newStatus, Instant now) {
    return new Integration(id, tenant, type, name, enabled, newStatus, settings, secrets,
        apiKeyHash, apiKeyPrefix, createdAt, now);
  }

  public Integration withEnabled(boolean newEnabled, Instant now) {
    return new Integration(id, tenant, type, name, newEnabled, status, settings, secrets,
        apiKeyHash, apiKeyPrefix, createdAt, now);
  }

  public Integration withApiKey(String newHash, String newPrefix, Instant now) {
    return new Integration(id, tenant, type, name, enabled, status, settings, secrets,
        newHash, newPrefix, createdAt, now);
  }

  public Integration withConfiguration(String newName, Map<String, String> newSettings,
      Optional<SealedSecrets> newSecrets, Instant now) {
    return new Integration(id, tenant, type, newName, enabled, status, newSettings, newSecrets,
        apiKeyHash, apiKeyPrefix, createdAt, now);
  }

  @Override
  public String toString() {
    return "Integration[id=" + id + ", tenant=" + tenant + ", type=" + type + ", name=" + name
        + ", enabled=" + enabled + ", status=" + status.state() + ", apiKeyPrefix=" + apiKeyPrefix
        + ", secrets=" + (secrets.isPresent() ? "<redacted>" : "none") + "]";
  }
}
