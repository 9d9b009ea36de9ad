package io.wacanda.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.integration.IntegrationTestResult;
import io.wacanda.integration.IntegrationTestStore;
import io.wacanda.integration.TestCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link IntegrationTestStore} on the {@code integration_tests} table; the checks of a run are
 * JSON. Saving the id of a stored run replaces it; saving an id another tenant owns fails with
 * CONFLICT. The tally is one SQL aggregate. Thread-safe.
 */
public final class JdbcIntegrationTestStore implements IntegrationTestStore {
  private static final TypeReference<List<TestCheck>> CHECKS = new TypeReference<>() {};

  private final Database db;

  JdbcIntegrationTestStore(Database db) {
    this.db = db;
  }

  @Override
  public void save(IntegrationTestResult r) {
    boolean saved = db.tenant(r.tenant(), "saving integration test " + r.id(),
        c -> write(c, r, "UPDATE integration_tests SET integration_id = ?, passed = ?, checks = ?, "
            + "latency_nanos = ?, ran_at = ? WHERE id = ? AND tenant_id = ?")
            || insert(c, r));
    if (!saved) {
      throw WacandaException.conflict("integration test id already in use: " + r.id());
    }
  }

  private boolean insert(Connection c, IntegrationTestResult r) throws SQLException {
    String sql = "INSERT INTO integration_tests (integration_id, passed, checks, latency_nanos, "
        + "ran_at, id, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
    if (db.dialect() == Dialect.POSTGRESQL) {
      sql += " ON CONFLICT DO NOTHING";
    }
    try {
      return write(c, r, sql);
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  private static boolean write(Connection c, IntegrationTestResult r, String sql)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, r.integrationId());
      ps.setBoolean(2, r.passed());
      ps.setString(3, Columns.json(r.checks()));
      ps.setLong(4, Columns.nanos(r.latency()));
      Columns.setInstant(ps, 5, r.ranAt());
      ps.setString(6, r.id());
      ps.setString(7, r.tenant().value());
      return ps.executeUpdate() == 1;
    }
  }

  @Override
  public List<IntegrationTestResult> list(TenantId tenant, String integrationId, int limit) {
    if (limit < 1) {
      throw WacandaException.invalid("limit must be positive, was " + limit);
    }
    return db.tenant(tenant, "listing tests of integration " + integrationId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, tenant_id, integration_id, "
          + "passed, checks, latency_nanos, ran_at FROM integration_tests "
          + "WHERE tenant_id = ? AND integration_id = ? ORDER BY ran_at DESC, seq DESC "
          + "FETCH FIRST ? ROWS ONLY")) {
        ps.setString(1, tenant.value());
        ps.setString(2, integrationId);
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          List<IntegrationTestResult> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new IntegrationTestResult(rs.getString("id"),
                TenantId.of(rs.getString("tenant_id")), rs.getString("integration_id"),
                rs.getBoolean("passed"), Columns.read(rs.getString("checks"), CHECKS),
                Columns.duration(rs, "latency_nanos"), Columns.instant(rs, "ran_at")));
          }
          return out;
        }
      }
    });
  }

  @Override
  public Tally tally(TenantId tenant, String integrationId) {
    return db.tenant(tenant, "counting tests of integration " + integrationId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) AS runs, "
          + "COALESCE(SUM(CASE WHEN passed THEN 1 ELSE 0 END), 0) AS passed "
          + "FROM integration_tests WHERE tenant_id = ? AND integration_id = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, integrationId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Tally(rs.getLong("runs"), rs.getLong("passed"));
        }
      }
    });
  }

  @Override
  public void deleteAll(TenantId tenant, String integrationId) {
    db.tenant(tenant, "deleting tests of integration " + integrationId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM integration_tests WHERE tenant_id = ? AND integration_id = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, integrationId);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public String toString() {
    return "JdbcIntegrationTestStore[" + db.dialect() + "]";
  }
}
