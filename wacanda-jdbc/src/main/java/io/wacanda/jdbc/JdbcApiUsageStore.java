package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.usage.ApiUsage;
import io.wacanda.usage.ApiUsageStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * {@link ApiUsageStore} on the {@code api_usage_logs} table. Recording an id that is already
 * stored changes nothing. Counting is one SQL aggregate over the (tenant, integration, time)
 * index. Retention deletes the oldest entries first, at most a batch per call: on PostgreSQL the
 * batch is chosen with {@code FOR UPDATE SKIP LOCKED} so concurrent retention runs on several
 * instances delete disjoint rows; on H2 (one process) calls are serialized. Thread-safe.
 */
public final class JdbcApiUsageStore implements ApiUsageStore {
  private final Database db;
  private final BatchDelete retention;

  JdbcApiUsageStore(Database db) {
    this.db = db;
    this.retention = new BatchDelete(db, "api_usage_logs", "SELECT id FROM api_usage_logs "
        + "WHERE occurred_at < ? ORDER BY occurred_at, seq FETCH FIRST ? ROWS ONLY",
        "deleting old API usage");
  }

  @Override
  public void record(ApiUsage u) {
    String sql = "INSERT INTO api_usage_logs (id, tenant_id, integration_id, api_action, "
        + "http_status, latency_nanos, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    String insert = db.dialect() == Dialect.POSTGRESQL ? sql + " ON CONFLICT (id) DO NOTHING" : sql;
    db.tenant(u.tenant(), "recording API usage", c -> {
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        ps.setString(1, u.id());
        ps.setString(2, u.tenant().value());
        ps.setString(3, u.integrationId());
        ps.setString(4, u.action());
        ps.setInt(5, u.status());
        ps.setLong(6, Columns.nanos(u.latency()));
        Columns.setInstant(ps, 7, u.at());
        return ps.executeUpdate();
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          return 0;
        }
        throw e;
      }
    });
  }

  @Override
  public long count(TenantId tenant, String integrationId, Instant since) {
    return db.tenant(tenant, "counting API usage of integration " + integrationId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM api_usage_logs "
          + "WHERE tenant_id = ? AND integration_id = ? AND occurred_at >= ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, integrationId);
        Columns.setInstant(ps, 3, since);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public int deleteBefore(Instant cutoff, int batchSize) {
    return retention.run(cutoff, batchSize);
  }

  @Override
  public String toString() {
    return "JdbcApiUsageStore[" + db.dialect() + "]";
  }
}
