package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.knowledge.KnowledgeSource;
import io.wacanda.knowledge.KnowledgeSourceStore;
import io.wacanda.knowledge.SourceSpec;
import io.wacanda.knowledge.SyncReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link KnowledgeSourceStore} on the {@code knowledge_sources} table: one row per source and
 * tenant (ids are unique per tenant), the spec in columns, the tags JSON, the last sync report in
 * nullable {@code sync_*} columns (its errors JSON). Saving is one upsert ({@code ON CONFLICT DO
 * UPDATE} on PostgreSQL, {@code MERGE ... KEY} on H2), so concurrent saves of one source never
 * fail. {@link #all()}, what the sync scheduler walks, runs in the system scope; everything else
 * in the caller's tenant scope. Times keep microseconds; a stored sync report's {@code sourceId} is
 * the source's id (as {@code KnowledgeSync} writes it). Thread-safe.
 */
public final class JdbcKnowledgeSourceStore implements KnowledgeSourceStore {
  private static final String COLUMNS = "tenant_id, id, source_kind, location, max_depth, "
      + "max_pages, path_prefix, refresh_nanos, tags, created_at, sync_started_at, "
      + "sync_finished_at, sync_added, sync_updated, sync_unchanged, sync_deleted, sync_failed, "
      + "sync_complete, sync_errors, sync_error";
  private static final String PLACEHOLDERS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      + "?, ?, ?";

  private final Database db;
  private final String upsert;

  JdbcKnowledgeSourceStore(Database db) {
    this.db = db;
    if (db.dialect() == Dialect.POSTGRESQL) {
      String updates = List.of(COLUMNS.split(", ")).stream().skip(2)
          .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
      this.upsert = "INSERT INTO knowledge_sources (" + COLUMNS + ") VALUES (" + PLACEHOLDERS
          + ") ON CONFLICT (tenant_id, id) DO UPDATE SET " + updates;
    } else {
      this.upsert = "MERGE INTO knowledge_sources (" + COLUMNS + ") KEY (tenant_id, id) VALUES ("
          + PLACEHOLDERS + ")";
    }
  }

  @Override
  public void save(KnowledgeSource source) {
    db.tenant(source.tenant(), "saving knowledge source " + source.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement(upsert)) {
        bind(ps, source);
        return ps.executeUpdate();
      }
    });
  }

  private static void bind(PreparedStatement ps, KnowledgeSource s) throws SQLException {
    SourceSpec spec = s.spec();
    int n = 1;
    ps.setString(n++, s.tenant().value());
    ps.setString(n++, s.id());
    ps.setString(n++, spec.kind().name());
    ps.setString(n++, spec.location());
    ps.setInt(n++, spec.maxDepth());
    ps.setInt(n++, spec.maxPages());
    ps.setString(n++, spec.pathPrefix());
    ps.setLong(n++, Columns.nanos(spec.refreshInterval()));
    ps.setString(n++, Columns.json(spec.tags()));
    Columns.setInstant(ps, n++, s.createdAt());
    Optional<SyncReport> last = s.lastSync();
    if (last.isPresent()) {
      SyncReport r = last.get();
      Columns.setInstant(ps, n++, r.startedAt());
      Columns.setInstant(ps, n++, r.finishedAt());
      ps.setInt(n++, r.added());
      ps.setInt(n++, r.updated());
      ps.setInt(n++, r.unchanged());
      ps.setInt(n++, r.deleted());
      ps.setInt(n++, r.failed());
      ps.setBoolean(n++, r.complete());
      ps.setString(n++, Columns.json(r.errors()));
      ps.setString(n, r.error().orElse(null));
    } else {
      ps.setNull(n++, Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setNull(n++, Types.TIMESTAMP_WITH_TIMEZONE);
      for (int i = 0; i < 5; i++) {
        ps.setNull(n++, Types.INTEGER);
      }
      ps.setNull(n++, Types.BOOLEAN);
      ps.setNull(n++, Types.VARCHAR);
      ps.setNull(n, Types.VARCHAR);
    }
  }

  @Override
  public Optional<KnowledgeSource> find(TenantId tenant, String id) {
    List<KnowledgeSource> rows = db.tenant(tenant, "finding knowledge source " + id,
        c -> query(c, "SELECT " + COLUMNS + " FROM knowledge_sources WHERE tenant_id = ? "
            + "AND id = ?", tenant.value(), id));
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  @Override
  public List<KnowledgeSource> list(TenantId tenant) {
    return db.tenant(tenant, "listing knowledge sources", c -> query(c, "SELECT " + COLUMNS
        + " FROM knowledge_sources WHERE tenant_id = ? ORDER BY created_at, id", tenant.value()));
  }

  @Override
  public boolean delete(TenantId tenant, String id) {
    return db.tenant(tenant, "deleting knowledge source " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM knowledge_sources WHERE tenant_id = ? AND id = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<KnowledgeSource> all() {
    return db.system("listing every knowledge source", c -> query(c, "SELECT " + COLUMNS
        + " FROM knowledge_sources ORDER BY created_at, id, tenant_id"));
  }

  private static List<KnowledgeSource> query(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<KnowledgeSource> out = new ArrayList<>();
        while (rs.next()) {
          out.add(map(rs));
        }
        return out;
      }
    }
  }

  private static KnowledgeSource map(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    SourceSpec spec = new SourceSpec(SourceSpec.Kind.valueOf(rs.getString("source_kind")),
        rs.getString("location"), rs.getInt("max_depth"), rs.getInt("max_pages"),
        rs.getString("path_prefix"), Duration.ofNanos(rs.getLong("refresh_nanos")),
        Columns.stringMap(rs.getString("tags")));
    Optional<SyncReport> last = Optional.empty();
    if (Columns.optionalInstant(rs, "sync_started_at").isPresent()) {
      last = Optional.of(new SyncReport(id, Columns.instant(rs, "sync_started_at"),
          Columns.instant(rs, "sync_finished_at"), rs.getInt("sync_added"),
          rs.getInt("sync_updated"), rs.getInt("sync_unchanged"), rs.getInt("sync_deleted"),
          rs.getInt("sync_failed"), rs.getBoolean("sync_complete"),
          Columns.stringList(rs.getString("sync_errors")),
          Optional.ofNullable(rs.getString("sync_error"))));
    }
    return new KnowledgeSource(id, TenantId.of(rs.getString("tenant_id")), spec,
        Columns.instant(rs, "created_at"), last);
  }

  @Override
  public String toString() {
    return "JdbcKnowledgeSourceStore[" + db.dialect() + "]";
  }
}
