package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.integration.SealedSecrets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link IntegrationStore} on the {@code integrations} table. Settings are JSON; secrets are kept
 * sealed exactly as given (key id and ciphertext), never decrypted here. Saving an id another
 * tenant owns, or an API key hash another integration uses, fails with CONFLICT and changes
 * nothing. Replacing a row leaves its status columns alone; {@link #updateStatus} is one
 * {@code UPDATE} of the status columns and {@code updated_at} alone, read back in the same
 * transaction (the row stays locked until commit, so the read is exactly what was written). The three routing lookups run in the system scope, as the SPI declares; everything
 * else in the caller's tenant scope. Thread-safe.
 */
public final class JdbcIntegrationStore implements IntegrationStore {
  private static final String COLUMNS = "id, tenant_id, integration_type, name, enabled, "
      + "status_state, status_message, status_since, settings, secrets_key_id, "
      + "secrets_ciphertext, api_key_hash, api_key_prefix, created_at, updated_at";

  private final Database db;

  JdbcIntegrationStore(Database db) {
    this.db = db;
  }

  @Override
  public void save(Integration integration) {
    boolean saved = db.tenant(integration.tenant(), "saving integration " + integration.id(),
        c -> update(c, integration) || insert(c, integration));
    if (!saved) {
      // the insert hit a unique key: a concurrent insert of the same id by this tenant (then
      // update it), the id of another tenant, or an API key hash already in use
      boolean updated = db.tenant(integration.tenant(), "saving integration " + integration.id(),
          c -> update(c, integration));
      if (!updated) {
        throw conflict(integration);
      }
    }
  }

  private WacandaException conflict(Integration integration) {
    if (findForRouting(integration.id()).isPresent()) {
      return WacandaException.conflict("integration id already in use: " + integration.id());
    }
    return WacandaException.conflict("API key hash of integration " + integration.id()
        + " is already used by another integration");
  }

  /** Replaces every column but the status ones, which only {@link #updateStatus} writes. */
  private static boolean update(Connection c, Integration i) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE integrations SET integration_type = ?, "
        + "name = ?, enabled = ?, settings = ?, secrets_key_id = ?, secrets_ciphertext = ?, "
        + "api_key_hash = ?, api_key_prefix = ?, created_at = ?, updated_at = ? "
        + "WHERE id = ? AND tenant_id = ?")) {
      int n = 1;
      ps.setString(n++, i.type());
      ps.setString(n++, i.name());
      ps.setBoolean(n++, i.enabled());
      n = bindTail(ps, n, i);
      ps.setString(n++, i.id());
      ps.setString(n, i.tenant().value());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        throw WacandaException.conflict("API key hash of integration " + i.id()
            + " is already used by another integration");
      }
      throw e;
    }
  }

  /** @return false when a unique key is already taken */
  private boolean insert(Connection c, Integration i) throws SQLException {
    String sql = "INSERT INTO integrations (integration_type, name, enabled, status_state, "
        + "status_message, status_since, settings, secrets_key_id, secrets_ciphertext, "
        + "api_key_hash, api_key_prefix, created_at, updated_at, id, tenant_id) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (db.dialect() == Dialect.POSTGRESQL) {
      sql += " ON CONFLICT DO NOTHING";
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int n = bindValues(ps, 1, i);
      ps.setString(n++, i.id());
      ps.setString(n, i.tenant().value());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  private static int bindValues(PreparedStatement ps, int n, Integration i) throws SQLException {
    ps.setString(n++, i.type());
    ps.setString(n++, i.name());
    ps.setBoolean(n++, i.enabled());
    ps.setString(n++, i.status().state().name());
    ps.setString(n++, i.status().message());
    Columns.setInstant(ps, n++, i.status().since());
    return bindTail(ps, n, i);
  }

  /** Binds settings through updated_at, the columns after the status ones. */
  private static int bindTail(PreparedStatement ps, int n, Integration i) throws SQLException {
    ps.setString(n++, Columns.json(i.settings()));
    ps.setString(n++, i.secrets().map(SealedSecrets::keyId).orElse(null));
    ps.setString(n++, i.secrets().map(SealedSecrets::ciphertext).orElse(null));
    ps.setString(n++, i.apiKeyHash());
    ps.setString(n++, i.apiKeyPrefix());
    Columns.setInstant(ps, n++, i.createdAt());
    Columns.setInstant(ps, n++, i.updatedAt());
    return n;
  }

  @Override
  public Optional<Integration> updateStatus(TenantId tenant, String id, IntegrationStatus status,
      Instant updatedAt) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(updatedAt, "updatedAt");
    return db.tenant(tenant, "updating the status of integration " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE integrations SET status_state = ?, "
          + "status_message = ?, status_since = ?, updated_at = ? WHERE id = ? AND tenant_id = ?")) {
        ps.setString(1, status.state().name());
        ps.setString(2, status.message());
        Columns.setInstant(ps, 3, status.since());
        Columns.setInstant(ps, 4, updatedAt);
        ps.setString(5, id);
        ps.setString(6, tenant.value());
        if (ps.executeUpdate() != 1) {
          return Optional.<Integration>empty();
        }
      }
      return one(c, "SELECT " + COLUMNS + " FROM integrations WHERE id = ? AND tenant_id = ?",
          id, tenant.value());
    });
  }

  @Override
  public Optional<Integration> find(TenantId tenant, String id) {
    return db.tenant(tenant, "finding integration " + id, c -> one(c,
        "SELECT " + COLUMNS + " FROM integrations WHERE id = ? AND tenant_id = ?",
        id, tenant.value()));
  }

  @Override
  public List<Integration> list(TenantId tenant) {
    return db.tenant(tenant, "listing integrations", c -> all(c, "SELECT " + COLUMNS
        + " FROM integrations WHERE tenant_id = ? ORDER BY created_at, seq", tenant.value()));
  }

  @Override
  public boolean delete(TenantId tenant, String id) {
    return db.tenant(tenant, "deleting integration " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM integrations WHERE id = ? AND tenant_id = ?")) {
        ps.setString(1, id);
        ps.setString(2, tenant.value());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<Integration> findForRouting(String id) {
    return db.system("routing to integration " + id, c -> one(c,
        "SELECT " + COLUMNS + " FROM integrations WHERE id = ?", id));
  }

  @Override
  public Optional<Integration> findByApiKeyHash(String apiKeyHash) {
    return db.system("routing by integration key", c -> one(c,
        "SELECT " + COLUMNS + " FROM integrations WHERE api_key_hash = ?", apiKeyHash));
  }

  @Override
  public List<Integration> listEnabled() {
    return db.system("listing enabled integrations", c -> all(c, "SELECT " + COLUMNS
        + " FROM integrations WHERE enabled = ? ORDER BY created_at, seq", true));
  }

  private static Optional<Integration> one(Connection c, String sql, Object... params)
      throws SQLException {
    List<Integration> rows = all(c, sql, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static List<Integration> all(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Integration> out = new ArrayList<>();
        while (rs.next()) {
          out.add(map(rs));
        }
        return out;
      }
    }
  }

  private static Integration map(ResultSet rs) throws SQLException {
    String keyId = rs.getString("secrets_key_id");
    String ciphertext = rs.getString("secrets_ciphertext");
    Optional<SealedSecrets> secrets = keyId == null || ciphertext == null ? Optional.empty()
        : Optional.of(new SealedSecrets(keyId, ciphertext));
    return new Integration(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
        rs.getString("integration_type"), rs.getString("name"), rs.getBoolean("enabled"),
        IntegrationStatus.of(ConnectionState.valueOf(rs.getString("status_state")),
            rs.getString("status_message"), Columns.instant(rs, "status_since")),
        Columns.stringMap(rs.getString("settings")), secrets, rs.getString("api_key_hash"),
        rs.getString("api_key_prefix"), Columns.instant(rs, "created_at"),
        Columns.instant(rs, "updated_at"));
  }

  @Override
  public String toString() {
    return "JdbcIntegrationStore[" + db.dialect() + "]";
  }
}
