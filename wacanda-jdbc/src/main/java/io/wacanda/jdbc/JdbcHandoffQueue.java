package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.handoff.HandoffReason;
import io.wacanda.handoff.HandoffRequest;
import io.wacanda.handoff.HandoffStatus;
import io.wacanda.handoff.Urgency;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link HandoffQueue} on the {@code handoff_requests} table, urgency stored as
 * {@code low}/{@code medium}/{@code high} with a rank the queue orders by. At most one active
 * request per session is a unique key on {@code active_session} (the session id until the
 * request is resolved, then NULL). Every transition is one conditional update, so a request is
 * claimed by one agent only, across processes; {@link #claimNext} picks the oldest OPEN request of
 * the highest urgency ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL, so agents on several
 * instances do not wait on each other). Notes are a JSON array. Claiming, assigning, adding a
 * note and touching set {@code lastActivityAt} to {@code now}. Thread-safe.
 */
public final class JdbcHandoffQueue implements HandoffQueue {
  private static final String COLUMNS = "id, tenant_id, session_id, integration_id, reason, "
      + "urgency, status, assigned_agent, notes, summary, created_at, last_activity_at, "
      + "resolved_at";
  private static final String SERVING_ORDER = " ORDER BY urgency_rank DESC, created_at, seq";
  private static final int CLAIM_ATTEMPTS = 20;

  private final Database db;

  JdbcHandoffQueue(Database db) {
    this.db = db;
  }

  @Override
  public HandoffRequest request(HandoffRequest r) {
    for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      Optional<HandoffRequest> result = db.tenant(r.tenant(), "opening a handoff request", c -> {
        Optional<HandoffRequest> active = activeOf(c, r.tenant(), r.sessionId());
        if (active.isPresent()) {
          return active;
        }
        Optional<HandoffRequest> sameId = byId(c, r.tenant(), r.id());
        if (sameId.isPresent()) {
          return sameId;
        }
        if (insert(c, r)) {
          return Optional.of(r);
        }
        return activeOf(c, r.tenant(), r.sessionId());
      });
      if (result.isPresent()) {
        return result.get();
      }
      if (db.tenant(r.tenant(), "opening a handoff request", c -> byId(c, r.tenant(), r.id()))
          .isEmpty() && idTaken(r.id())) {
        throw WacandaException.conflict("handoff request id already in use: " + r.id());
      }
    }
    throw WacandaException.conflict("could not open a handoff request for session "
        + r.sessionId() + " under concurrent changes");
  }

  private boolean idTaken(String id) {
    return db.system("checking a handoff request id", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM handoff_requests WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** @return false when the session's active slot or the id is taken */
  private boolean insert(Connection c, HandoffRequest r) throws SQLException {
    String sql = "INSERT INTO handoff_requests (" + COLUMNS + ", urgency_rank, active_session) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (db.dialect() == Dialect.POSTGRESQL) {
      sql += " ON CONFLICT DO NOTHING";
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, r.id());
      ps.setString(2, r.tenant().value());
      ps.setString(3, r.sessionId());
      ps.setString(4, r.integrationId());
      ps.setString(5, r.reason().name());
      ps.setString(6, r.urgency().name().toLowerCase(Locale.ROOT));
      ps.setString(7, r.status().name());
      ps.setString(8, r.assignedAgent().orElse(null));
      ps.setString(9, Columns.json(r.notes()));
      ps.setString(10, r.summary());
      Columns.setInstant(ps, 11, r.createdAt());
      Columns.setInstant(ps, 12, r.lastActivityAt());
      Columns.setInstant(ps, 13, r.resolvedAt());
      ps.setInt(14, r.urgency().ordinal() + 1);
      ps.setString(15, r.active() ? r.sessionId() : null);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e) && db.dialect() == Dialect.H2) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public Optional<HandoffRequest> claimNext(TenantId tenant, String agentId, Instant now) {
    if (db.dialect().skipLocked()) {
      return db.tenant(tenant, "claiming the next handoff request", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE handoff_requests SET "
            + "status = 'CLAIMED', assigned_agent = ?, last_activity_at = ? WHERE id = "
            + "(SELECT id FROM handoff_requests WHERE tenant_id = ? AND status = 'OPEN'"
            + SERVING_ORDER + " FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED) "
            + "AND status = 'OPEN' RETURNING " + COLUMNS)) {
          ps.setString(1, agentId);
          Columns.setInstant(ps, 2, now);
          ps.setString(3, tenant.value());
          return first(requests(ps));
        }
      });
    }
    // H2 has no SKIP LOCKED: take the first OPEN request and claim it if still OPEN. Each failed
    // claim means another agent took that request, so the loop ends once the queue is empty.
    while (true) {
      Optional<HandoffRequest> next = db.tenant(tenant, "finding the next handoff request",
          c -> first(query(c, "SELECT " + COLUMNS + " FROM handoff_requests WHERE tenant_id = ? "
              + "AND status = 'OPEN'" + SERVING_ORDER + " FETCH FIRST 1 ROWS ONLY",
              tenant.value())));
      if (next.isEmpty()) {
        return next;
      }
      Optional<HandoffRequest> claimed = db.tenant(tenant, "claiming a handoff request",
          c -> claimIfOpen(c, tenant, next.get().id(), agentId, now));
      if (claimed.isPresent()) {
        return claimed;
      }
    }
  }

  private static Optional<HandoffRequest> claimIfOpen(Connection c, TenantId tenant, String id,
      String agentId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE handoff_requests SET "
        + "status = 'CLAIMED', assigned_agent = ?, last_activity_at = ? "
        + "WHERE id = ? AND tenant_id = ? AND status = 'OPEN'")) {
      ps.setString(1, agentId);
      Columns.setInstant(ps, 2, now);
      ps.setString(3, id);
      ps.setString(4, tenant.value());
      if (ps.executeUpdate() == 0) {
        return Optional.empty();
      }
    }
    return byId(c, tenant, id);
  }

  @Override
  public HandoffRequest claim(TenantId tenant, String requestId, String agentId, Instant now) {
    return db.tenant(tenant, "claiming handoff request " + requestId, c -> {
      Optional<HandoffRequest> claimed = claimIfOpen(c, tenant, requestId, agentId, now);
      if (claimed.isPresent()) {
        return claimed.get();
      }
      HandoffRequest current = require(c, tenant, requestId);
      switch (current.status()) {
        case CLAIMED:
          if (current.assignedAgent().filter(agentId::equals).isPresent()) {
            return current;
          }
          throw WacandaException.conflict("handoff request " + requestId
              + " is already claimed by another agent");
        case RESOLVED:
          throw WacandaException.conflict("handoff request " + requestId + " is resolved");
        default:
          throw WacandaException.conflict("handoff request " + requestId
              + " changed while it was claimed; try again");
      }
    });
  }

  @Override
  public HandoffRequest assign(TenantId tenant, String requestId, String agentId, Instant now) {
    return changeActive(tenant, requestId, "assigning handoff request " + requestId,
        "status = 'CLAIMED', assigned_agent = ?, last_activity_at = ?", ps -> {
          ps.setString(1, agentId);
          Columns.setInstant(ps, 2, now);
          return 3;
        });
  }

  @Override
  public HandoffRequest addNote(TenantId tenant, String requestId, String note, Instant now) {
    if (note.isBlank()) {
      throw WacandaException.invalid("note must not be blank");
    }
    return db.tenant(tenant, "adding a note to handoff request " + requestId, c -> {
      HandoffRequest current = lockOne(c, tenant, requestId);
      List<String> notes = new ArrayList<>(current.notes());
      notes.add(note);
      try (PreparedStatement ps = c.prepareStatement("UPDATE handoff_requests SET notes = ?, "
          + "last_activity_at = ? WHERE id = ? AND tenant_id = ?")) {
        ps.setString(1, Columns.json(notes));
        Columns.setInstant(ps, 2, now);
        ps.setString(3, requestId);
        ps.setString(4, tenant.value());
        ps.executeUpdate();
      }
      return require(c, tenant, requestId);
    });
  }

  @Override
  public HandoffRequest touch(TenantId tenant, String requestId, Instant now) {
    return db.tenant(tenant, "touching handoff request " + requestId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE handoff_requests SET "
          + "last_activity_at = ? WHERE id = ? AND tenant_id = ? AND status <> 'RESOLVED'")) {
        Columns.setInstant(ps, 1, now);
        ps.setString(2, requestId);
        ps.setString(3, tenant.value());
        ps.executeUpdate();
      }
      return require(c, tenant, requestId);
    });
  }

  @Override
  public HandoffRequest resolve(TenantId tenant, String requestId, Instant now) {
    return changeActive(tenant, requestId, "resolving handoff request " + requestId,
        "status = 'RESOLVED', resolved_at = ?, active_session = NULL", ps -> {
          Columns.setInstant(ps, 1, now);
          return 2;
        });
  }

  @FunctionalInterface
  private interface Binder {
    int bind(PreparedStatement ps) throws SQLException;
  }

  /** Applies a change to a request that is not resolved; NOT_FOUND or CONFLICT otherwise. */
  private HandoffRequest changeActive(TenantId tenant, String requestId, String operation,
      String set, Binder binder) {
    return db.tenant(tenant, operation, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE handoff_requests SET " + set
          + " WHERE id = ? AND tenant_id = ? AND status <> 'RESOLVED'")) {
        int n = binder.bind(ps);
        ps.setString(n++, requestId);
        ps.setString(n, tenant.value());
        if (ps.executeUpdate() == 1) {
          return require(c, tenant, requestId);
        }
      }
      require(c, tenant, requestId);
      throw WacandaException.conflict("handoff request " + requestId + " is resolved");
    });
  }

  @Override
  public Optional<HandoffRequest> find(TenantId tenant, String requestId) {
    return db.tenant(tenant, "finding handoff request " + requestId,
        c -> byId(c, tenant, requestId));
  }

  @Override
  public Optional<HandoffRequest> activeForSession(TenantId tenant, String sessionId) {
    return db.tenant(tenant, "finding the active handoff of session " + sessionId,
        c -> activeOf(c, tenant, sessionId));
  }

  @Override
  public List<HandoffRequest> list(TenantId tenant, Optional<HandoffStatus> status, int limit) {
    requirePositive(limit);
    return db.tenant(tenant, "listing handoff requests", c -> {
      String sql = "SELECT " + COLUMNS + " FROM handoff_requests WHERE tenant_id = ?"
          + (status.isPresent() ? " AND status = ?" : "") + SERVING_ORDER
          + " FETCH FIRST " + limit + " ROWS ONLY";
      return status.isPresent() ? query(c, sql, tenant.value(), status.get().name())
          : query(c, sql, tenant.value());
    });
  }

  @Override
  public List<HandoffRequest> idleSince(Instant idleSince, int limit) {
    requirePositive(limit);
    return db.system("finding idle handoff requests", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM handoff_requests WHERE status IN ('OPEN', 'CLAIMED') AND last_activity_at < ? "
          + "ORDER BY last_activity_at, seq FETCH FIRST " + limit + " ROWS ONLY")) {
        Columns.setInstant(ps, 1, idleSince);
        return requests(ps);
      }
    });
  }

  private static Optional<HandoffRequest> byId(Connection c, TenantId tenant, String id)
      throws SQLException {
    return first(query(c, "SELECT " + COLUMNS + " FROM handoff_requests WHERE id = ? "
        + "AND tenant_id = ?", id, tenant.value()));
  }

  private static Optional<HandoffRequest> activeOf(Connection c, TenantId tenant,
      String sessionId) throws SQLException {
    return first(query(c, "SELECT " + COLUMNS + " FROM handoff_requests WHERE tenant_id = ? "
        + "AND active_session = ?", tenant.value(), sessionId));
  }

  private static HandoffRequest require(Connection c, TenantId tenant, String id)
      throws SQLException {
    return byId(c, tenant, id).orElseThrow(() -> WacandaException.notFound("handoff request", id));
  }

  /** Reads a request with a row lock, so read-modify-write (notes) does not lose updates. */
  private static HandoffRequest lockOne(Connection c, TenantId tenant, String id)
      throws SQLException {
    return first(query(c, "SELECT " + COLUMNS + " FROM handoff_requests WHERE id = ? "
        + "AND tenant_id = ? FOR UPDATE", id, tenant.value()))
        .orElseThrow(() -> WacandaException.notFound("handoff request", id));
  }

  private static List<HandoffRequest> query(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return requests(ps);
    }
  }

  private static List<HandoffRequest> requests(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<HandoffRequest> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new HandoffRequest(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
            rs.getString("session_id"), rs.getString("integration_id"),
            HandoffReason.valueOf(rs.getString("reason")),
            Urgency.valueOf(rs.getString("urgency").toUpperCase(Locale.ROOT)),
            HandoffStatus.valueOf(rs.getString("status")),
            Optional.ofNullable(rs.getString("assigned_agent")),
            Columns.stringList(rs.getString("notes")), rs.getString("summary"),
            Columns.instant(rs, "created_at"), Columns.instant(rs, "last_activity_at"),
            Columns.optionalInstant(rs, "resolved_at")));
      }
      return out;
    }
  }

  private static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static void requirePositive(int limit) {
    if (limit < 1) {
      throw WacandaException.invalid("limit must be positive, was " + limit);
    }
  }

  @Override
  public String toString() {
    return "JdbcHandoffQueue[" + db.dialect() + "]";
  }
}
