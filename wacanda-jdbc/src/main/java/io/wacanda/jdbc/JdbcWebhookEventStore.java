package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.inbox.WebhookEventStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable webhook inbox on the {@code webhook_events} table.
 *
 * <p><b>Append</b> is one insert, idempotent on the unique key (tenant, integration, idempotency
 * key): a duplicate returns the earlier event; an event id another event already has fails with
 * CONFLICT. When {@link #append} returns, the event is committed.
 *
 * <p><b>Claiming</b> is the one system-wide call. On PostgreSQL one statement picks the oldest due
 * events ({@code PENDING} and due, or {@code PROCESSING} with an expired lease) with
 * {@code FOR UPDATE SKIP LOCKED} and moves them to {@code PROCESSING} with a new lease and one
 * more attempt: several processes sharing the database claim disjoint events without waiting on
 * each other. On H2 (an embedded database has one process) claims are serialized in the process
 * and each row is moved by a conditional update that re-checks it is still due.
 *
 * <p><b>Marks</b> ({@link #markProcessed}, {@link #markRetry}, {@link #markDead}) are one
 * conditional update each: they apply only while the event is {@code PROCESSING} with the
 * attempt count of the caller's claim, so a worker whose lease expired and whose event was
 * claimed again changes nothing. Retries, backoff times and dead letters are rows, so they
 * survive restarts.
 *
 * <p><b>Retention</b> deletes terminal events created before the cutoff, oldest first, a batch
 * per call ({@code SKIP LOCKED} on PostgreSQL). Thread-safe.
 */
public final class JdbcWebhookEventStore implements WebhookEventStore {
  private static final String COLUMNS = "id, tenant_id, integration_id, event_type, "
      + "idempotency_key, payload, status, attempts, next_attempt_at, lease_until, last_error, "
      + "created_at, processed_at, seq";
  private static final String DUE = "((status = 'PENDING' AND next_attempt_at <= ?) "
      + "OR (status = 'PROCESSING' AND lease_until <= ?))";
  private static final Comparator<Row> OLDEST_FIRST =
      Comparator.comparing((Row r) -> r.event().createdAt()).thenComparingLong(Row::seq);

  private final Database db;
  private final BatchDelete retention;
  private final ReentrantLock claimLock = new ReentrantLock();

  JdbcWebhookEventStore(Database db) {
    this.db = db;
    this.retention = new BatchDelete(db, "webhook_events", "SELECT id FROM webhook_events "
        + "WHERE status IN ('PROCESSED', 'DEAD') AND created_at < ? "
        + "ORDER BY created_at, seq FETCH FIRST ? ROWS ONLY", "deleting old webhook events");
  }

  @Override
  public AppendResult append(WebhookEvent event) {
    return db.tenant(event.tenant(), "storing webhook event of integration "
        + event.integrationId(), c -> {
          if (insert(c, event)) {
            return new AppendResult(event, false);
          }
          Optional<WebhookEvent> earlier = byKey(c, event);
          if (earlier.isPresent()) {
            return new AppendResult(earlier.get(), true);
          }
          throw WacandaException.conflict("webhook event id already in use: " + event.id());
        });
  }

  /** @return false when the (tenant, integration, key) or the id is taken */
  private boolean insert(Connection c, WebhookEvent e) throws SQLException {
    String sql = "INSERT INTO webhook_events (id, tenant_id, integration_id, event_type, "
        + "idempotency_key, payload, status, attempts, next_attempt_at, lease_until, last_error, "
        + "created_at, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (db.dialect() == Dialect.POSTGRESQL) {
      sql += " ON CONFLICT (tenant_id, integration_id, idempotency_key) DO NOTHING";
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, e.id());
      ps.setString(2, e.tenant().value());
      ps.setString(3, e.integrationId());
      ps.setString(4, e.eventType());
      ps.setString(5, e.idempotencyKey());
      ps.setString(6, e.payload());
      ps.setString(7, e.status().name());
      ps.setInt(8, e.attempts());
      Columns.setInstant(ps, 9, e.nextAttemptAt());
      Columns.setInstant(ps, 10, e.leaseUntil());
      ps.setString(11, e.lastError());
      Columns.setInstant(ps, 12, e.createdAt());
      Columns.setInstant(ps, 13, e.processedAt());
      return ps.executeUpdate() == 1;
    } catch (SQLException ex) {
      if (Database.isUniqueViolation(ex)) {
        if (db.dialect() == Dialect.POSTGRESQL) {
          // ON CONFLICT covers the key, so this is the primary key
          throw WacandaException.conflict("webhook event id already in use: " + e.id());
        }
        return false;
      }
      throw ex;
    }
  }

  private static Optional<WebhookEvent> byKey(Connection c, WebhookEvent e) throws SQLException {
    return one(c, "SELECT " + COLUMNS + " FROM webhook_events WHERE tenant_id = ? "
        + "AND integration_id = ? AND idempotency_key = ?", e.tenant().value(), e.integrationId(),
        e.idempotencyKey());
  }

  @Override
  public List<WebhookEvent> claimDue(Instant now, int max, Duration lease) {
    if (max < 1) {
      throw WacandaException.invalid("max must be positive, was " + max);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw WacandaException.invalid("lease must be positive, was " + lease);
    }
    Instant leaseUntil = now.plus(lease);
    if (db.dialect().skipLocked()) {
      return db.system("claiming webhook events", c -> claimSkippingLocked(c, now, max,
          leaseUntil));
    }
    claimLock.lock();
    try {
      return db.system("claiming webhook events", c -> claimOneByOne(c, now, max, leaseUntil));
    } finally {
      claimLock.unlock();
    }
  }

  private static List<WebhookEvent> claimSkippingLocked(Connection c, Instant now, int max,
      Instant leaseUntil) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("WITH due AS (SELECT id FROM webhook_events "
        + "WHERE " + DUE + " ORDER BY created_at, seq FETCH FIRST ? ROWS ONLY "
        + "FOR UPDATE SKIP LOCKED) "
        + "UPDATE webhook_events e SET status = 'PROCESSING', attempts = e.attempts + 1, "
        + "lease_until = ? FROM due WHERE e.id = due.id RETURNING "
        + prefixed("e.", COLUMNS))) {
      Columns.setInstant(ps, 1, now);
      Columns.setInstant(ps, 2, now);
      ps.setInt(3, max);
      Columns.setInstant(ps, 4, leaseUntil);
      List<Row> rows = rows(ps);
      rows.sort(OLDEST_FIRST);
      return rows.stream().map(Row::event).toList();
    }
  }

  private static List<WebhookEvent> claimOneByOne(Connection c, Instant now, int max,
      Instant leaseUntil) throws SQLException {
    // One statement, which H2 answers with a scan of the table rather than through the status
    // indexes: after a crash, H2 2.4.240 was seen with an index entry whose row it could not read
    // (error 90143 on every claim, the inbox stuck); a scan reads the rows themselves.
    List<Row> candidates;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook_events "
        + "WHERE " + DUE + " ORDER BY created_at, seq FETCH FIRST ? ROWS ONLY")) {
      Columns.setInstant(ps, 1, now);
      Columns.setInstant(ps, 2, now);
      ps.setInt(3, max);
      candidates = rows(ps);
    }
    List<WebhookEvent> claimed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_events SET "
        + "status = 'PROCESSING', attempts = attempts + 1, lease_until = ? "
        + "WHERE id = ? AND attempts = ? AND " + DUE)) {
      for (Row r : candidates) {
        WebhookEvent e = r.event();
        Columns.setInstant(ps, 1, leaseUntil);
        ps.setString(2, e.id());
        ps.setInt(3, e.attempts());
        Columns.setInstant(ps, 4, now);
        Columns.setInstant(ps, 5, now);
        if (ps.executeUpdate() == 1) {
          claimed.add(new WebhookEvent(e.id(), e.tenant(), e.integrationId(), e.eventType(),
              e.idempotencyKey(), e.payload(), EventStatus.PROCESSING, e.attempts() + 1,
              e.nextAttemptAt(), Optional.of(leaseUntil.truncatedTo(ChronoUnit.MICROS)),
              e.lastError(), e.createdAt(), e.processedAt()));
        }
      }
    }
    return claimed;
  }

  @Override
  public boolean markProcessed(TenantId tenant, String eventId, int attempt, Instant at) {
    return transition(tenant, eventId, attempt, "marking event " + eventId + " processed",
        "status = 'PROCESSED', lease_until = NULL, processed_at = ?", ps -> {
          Columns.setInstant(ps, 1, at);
          return 2;
        });
  }

  @Override
  public boolean markRetry(TenantId tenant, String eventId, int attempt, Instant nextAttemptAt,
      String error) {
    return transition(tenant, eventId, attempt, "scheduling a retry of event " + eventId,
        "status = 'PENDING', lease_until = NULL, next_attempt_at = ?, last_error = ?", ps -> {
          Columns.setInstant(ps, 1, nextAttemptAt);
          ps.setString(2, error == null ? "" : error);
          return 3;
        });
  }

  @Override
  public boolean markDead(TenantId tenant, String eventId, int attempt, String error,
      Instant at) {
    return transition(tenant, eventId, attempt, "marking event " + eventId + " dead",
        "status = 'DEAD', lease_until = NULL, last_error = ?, processed_at = ?", ps -> {
          ps.setString(1, error == null ? "" : error);
          Columns.setInstant(ps, 2, at);
          return 3;
        });
  }

  @FunctionalInterface
  private interface Binder {
    /** Binds the SET parameters; @return the next parameter index */
    int bind(PreparedStatement ps) throws SQLException;
  }

  private boolean transition(TenantId tenant, String eventId, int attempt, String operation,
      String set, Binder binder) {
    return db.tenant(tenant, operation, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_events SET " + set
          + " WHERE id = ? AND tenant_id = ? AND status = 'PROCESSING' AND attempts = ?")) {
        int n = binder.bind(ps);
        ps.setString(n++, eventId);
        ps.setString(n++, tenant.value());
        ps.setInt(n, attempt);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<WebhookEvent> find(TenantId tenant, String eventId) {
    return db.tenant(tenant, "finding event " + eventId, c -> one(c, "SELECT " + COLUMNS
        + " FROM webhook_events WHERE id = ? AND tenant_id = ?", eventId, tenant.value()));
  }

  @Override
  public List<WebhookEvent> list(TenantId tenant, String integrationId,
      Optional<EventStatus> status, int limit) {
    if (limit < 1) {
      throw WacandaException.invalid("limit must be positive, was " + limit);
    }
    return db.tenant(tenant, "listing events of integration " + integrationId, c -> {
      String sql = "SELECT " + COLUMNS + " FROM webhook_events WHERE tenant_id = ? "
          + "AND integration_id = ?" + (status.isPresent() ? " AND status = ?" : "")
          + " ORDER BY created_at DESC, seq DESC FETCH FIRST ? ROWS ONLY";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int n = 1;
        ps.setString(n++, tenant.value());
        ps.setString(n++, integrationId);
        if (status.isPresent()) {
          ps.setString(n++, status.get().name());
        }
        ps.setInt(n, limit);
        return rows(ps).stream().map(Row::event).toList();
      }
    });
  }

  @Override
  public Map<EventStatus, Long> countByStatus(TenantId tenant, String integrationId) {
    return db.tenant(tenant, "counting events of integration " + integrationId, c -> {
      Map<EventStatus, Long> counts = new EnumMap<>(EventStatus.class);
      for (EventStatus s : EventStatus.values()) {
        counts.put(s, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM webhook_events "
          + "WHERE tenant_id = ? AND integration_id = ? GROUP BY status")) {
        ps.setString(1, tenant.value());
        ps.setString(2, integrationId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(EventStatus.valueOf(rs.getString(1)), rs.getLong(2));
          }
        }
      }
      return counts;
    });
  }

  @Override
  public int deleteTerminalBefore(Instant cutoff, int batchSize) {
    return retention.run(cutoff, batchSize);
  }

  private record Row(WebhookEvent event, long seq) {}

  private static String prefixed(String prefix, String columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns.split(",\\s*")) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(prefix).append(col);
    }
    return sb.toString();
  }

  private static Optional<WebhookEvent> one(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      List<Row> rows = rows(ps);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).event());
    }
  }

  private static List<Row> rows(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<Row> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Row(new WebhookEvent(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
            rs.getString("integration_id"), rs.getString("event_type"),
            rs.getString("idempotency_key"), rs.getString("payload"),
            EventStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
            Columns.instant(rs, "next_attempt_at"), Columns.optionalInstant(rs, "lease_until"),
            Columns.string(rs, "last_error"), Columns.instant(rs, "created_at"),
            Columns.optionalInstant(rs, "processed_at")), rs.getLong("seq")));
      }
      return out;
    }
  }

  @Override
  public String toString() {
    return "JdbcWebhookEventStore[" + db.dialect() + "]";
  }
}
