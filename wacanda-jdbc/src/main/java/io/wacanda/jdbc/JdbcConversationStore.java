package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.ChatSession;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.conversation.MessageRole;
import io.wacanda.conversation.SessionState;
import io.wacanda.conversation.TurnMetrics;
import io.wacanda.conversation.TurnQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link ConversationStore} on {@code chat_sessions}, {@code chat_messages} and {@code chat_turns}.
 *
 * <p>One open session per sender is a unique key on {@code open_sender} (the sender id while the
 * session is not CLOSED, NULL once it is), so {@link #openSession} is an insert that either wins
 * or finds the session a concurrent call created. A message's idempotency key is unique per
 * tenant: {@link #appendMessage} with a stored key writes nothing and returns false. Updating an
 * unknown or another tenant's session or message changes nothing. {@link #counts} is one SQL
 * statement of aggregates. Thread-safe.
 */
public final class JdbcConversationStore implements ConversationStore {
  private static final String SESSION_COLUMNS = "id, tenant_id, integration_id, sender_id, "
      + "chat_id, sender_name, session_state, unanswered_count, created_at, last_message_at";
  private static final String MESSAGE_COLUMNS = "id, tenant_id, session_id, integration_id, "
      + "author_role, body, platform_message_id, idempotency_key, delivery, error_text, created_at";
  private static final String TURN_COLUMNS = "id, tenant_id, session_id, integration_id, "
      + "channel_type, occurred_at, response_nanos, retrieval_hits, top_score, confidence, "
      + "input_tokens, output_tokens, model_latency_nanos, handoff_reason";
  private static final int OPEN_ATTEMPTS = 5;

  private final Database db;

  JdbcConversationStore(Database db) {
    this.db = db;
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public ChatSession openSession(TenantId tenant, String integrationId, String senderId,
      String chatId, String senderName, Instant now) {
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
      Optional<ChatSession> session = db.tenant(tenant, "opening a session on integration "
          + integrationId, c -> {
            Optional<ChatSession> open = openOf(c, tenant, integrationId, senderId);
            if (open.isPresent()) {
              return open;
            }
            ChatSession fresh = new ChatSession(UUID.randomUUID().toString(), tenant,
                integrationId, senderId, chatId, senderName, SessionState.BOT, 0, now, now);
            return insertSession(c, fresh) ? Optional.of(fresh)
                : openOf(c, tenant, integrationId, senderId);
          });
      if (session.isPresent()) {
        return session.get();
      }
      // a concurrent call created the session and then closed it between our two reads: again
    }
    throw WacandaException.conflict("could not open a session for a sender of integration "
        + integrationId + " under concurrent changes");
  }

  private static Optional<ChatSession> openOf(Connection c, TenantId tenant, String integrationId,
      String senderId) throws SQLException {
    return oneSession(c, "SELECT " + SESSION_COLUMNS + " FROM chat_sessions WHERE tenant_id = ? "
        + "AND integration_id = ? AND open_sender = ?", tenant.value(), integrationId, senderId);
  }

  private boolean insertSession(Connection c, ChatSession s) throws SQLException {
    String sql = "INSERT INTO chat_sessions (" + SESSION_COLUMNS + ", open_sender) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (db.dialect() == Dialect.POSTGRESQL) {
      sql += " ON CONFLICT (tenant_id, integration_id, open_sender) DO NOTHING";
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int n = bindSession(ps, s);
      ps.setString(n, s.state() == SessionState.CLOSED ? null : s.senderId());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e) && db.dialect() == Dialect.H2) {
        return false;
      }
      throw e;
    }
  }

  private static int bindSession(PreparedStatement ps, ChatSession s) throws SQLException {
    ps.setString(1, s.id());
    ps.setString(2, s.tenant().value());
    ps.setString(3, s.integrationId());
    ps.setString(4, s.senderId());
    ps.setString(5, s.chatId());
    ps.setString(6, s.senderName());
    ps.setString(7, s.state().name());
    ps.setInt(8, s.unansweredCount());
    Columns.setInstant(ps, 9, s.createdAt());
    Columns.setInstant(ps, 10, s.lastMessageAt());
    return 11;
  }

  @Override
  public Optional<ChatSession> findSession(TenantId tenant, String sessionId) {
    return db.tenant(tenant, "finding session " + sessionId, c -> oneSession(c,
        "SELECT " + SESSION_COLUMNS + " FROM chat_sessions WHERE id = ? AND tenant_id = ?",
        sessionId, tenant.value()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A session reopened (made not CLOSED again) while its sender has another open session
   * keeps its state but does not become that sender's open session.
   */
  @Override
  public void updateSession(ChatSession s) {
    db.tenant(s.tenant(), "updating session " + s.id(), c -> {
      if (s.state() == SessionState.CLOSED) {
        return update(c, s, "NULL");
      }
      if (db.dialect() == Dialect.POSTGRESQL) {
        // a violation would abort the transaction: take the open slot only if it is free
        return update(c, s, "CASE WHEN NOT EXISTS (SELECT 1 FROM chat_sessions o "
            + "WHERE o.tenant_id = chat_sessions.tenant_id "
            + "AND o.integration_id = chat_sessions.integration_id "
            + "AND o.open_sender = chat_sessions.sender_id AND o.id <> chat_sessions.id) "
            + "THEN sender_id END");
      }
      try {
        return update(c, s, "sender_id");
      } catch (SQLException e) {
        if (!Database.isUniqueViolation(e)) {
          throw e;
        }
        return update(c, s, "NULL"); // another session of the sender is open
      }
    });
  }

  private static boolean update(Connection c, ChatSession s, String openSender)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE chat_sessions SET chat_id = ?, "
        + "sender_name = ?, session_state = ?, unanswered_count = ?, last_message_at = ?, "
        + "open_sender = " + openSender + " WHERE id = ? AND tenant_id = ?")) {
      ps.setString(1, s.chatId());
      ps.setString(2, s.senderName());
      ps.setString(3, s.state().name());
      ps.setInt(4, s.unansweredCount());
      Columns.setInstant(ps, 5, s.lastMessageAt());
      ps.setString(6, s.id());
      ps.setString(7, s.tenant().value());
      return ps.executeUpdate() == 1;
    }
  }

  @Override
  public List<ChatSession> listSessions(TenantId tenant, String integrationId, int limit) {
    requirePositive(limit);
    return db.tenant(tenant, "listing sessions of integration " + integrationId, c ->
        sessions(c, "SELECT " + SESSION_COLUMNS + " FROM chat_sessions WHERE tenant_id = ? "
            + "AND integration_id = ? ORDER BY last_message_at DESC, created_at DESC, id DESC "
            + "FETCH FIRST " + limit + " ROWS ONLY", tenant.value(), integrationId));
  }

  // ---------------------------------------------------------------- messages

  @Override
  public boolean appendMessage(ChatMessage m) {
    String sql = "INSERT INTO chat_messages (" + MESSAGE_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String insert = db.dialect() == Dialect.POSTGRESQL ? sql + " ON CONFLICT DO NOTHING" : sql;
    return db.tenant(m.tenant(), "storing a message of session " + m.sessionId(), c -> {
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        bindMessage(ps, m);
        return ps.executeUpdate() == 1;
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          return false;
        }
        throw e;
      }
    });
  }

  private static void bindMessage(PreparedStatement ps, ChatMessage m) throws SQLException {
    ps.setString(1, m.id());
    ps.setString(2, m.tenant().value());
    ps.setString(3, m.sessionId());
    ps.setString(4, m.integrationId());
    ps.setString(5, m.role().name());
    ps.setString(6, m.text());
    Columns.setNullable(ps, 7, m.platformMessageId());
    Columns.setNullable(ps, 8, m.idempotencyKey());
    ps.setString(9, m.delivery().name());
    ps.setString(10, m.error());
    Columns.setInstant(ps, 11, m.createdAt());
  }

  @Override
  public void updateMessage(ChatMessage m) {
    db.tenant(m.tenant(), "updating message " + m.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE chat_messages SET session_id = ?, "
          + "integration_id = ?, author_role = ?, body = ?, platform_message_id = ?, "
          + "idempotency_key = ?, delivery = ?, error_text = ?, created_at = ? "
          + "WHERE id = ? AND tenant_id = ?")) {
        ps.setString(1, m.sessionId());
        ps.setString(2, m.integrationId());
        ps.setString(3, m.role().name());
        ps.setString(4, m.text());
        Columns.setNullable(ps, 5, m.platformMessageId());
        Columns.setNullable(ps, 6, m.idempotencyKey());
        ps.setString(7, m.delivery().name());
        ps.setString(8, m.error());
        Columns.setInstant(ps, 9, m.createdAt());
        ps.setString(10, m.id());
        ps.setString(11, m.tenant().value());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<ChatMessage> findMessageByKey(TenantId tenant, String idempotencyKey) {
    if (idempotencyKey.isEmpty()) {
      return Optional.empty();
    }
    return db.tenant(tenant, "finding a message by key", c -> first(messages(c,
        "SELECT " + MESSAGE_COLUMNS + " FROM chat_messages WHERE tenant_id = ? "
            + "AND idempotency_key = ?", tenant.value(), idempotencyKey)));
  }

  @Override
  public Optional<ChatMessage> findMessageByPlatformId(TenantId tenant, String integrationId,
      String platformMessageId) {
    if (platformMessageId.isEmpty()) {
      return Optional.empty();
    }
    return db.tenant(tenant, "finding a message by platform id", c -> first(messages(c,
        "SELECT " + MESSAGE_COLUMNS + " FROM chat_messages WHERE tenant_id = ? "
            + "AND integration_id = ? AND platform_message_id = ? ORDER BY seq DESC "
            + "FETCH FIRST 1 ROWS ONLY", tenant.value(), integrationId, platformMessageId)));
  }

  @Override
  public List<ChatMessage> recentMessages(TenantId tenant, String sessionId, int limit) {
    requirePositive(limit);
    return db.tenant(tenant, "reading messages of session " + sessionId, c -> {
      List<ChatMessage> newestFirst = messages(c, "SELECT " + MESSAGE_COLUMNS
          + " FROM chat_messages WHERE tenant_id = ? AND session_id = ? "
          + "ORDER BY created_at DESC, seq DESC FETCH FIRST " + limit + " ROWS ONLY",
          tenant.value(), sessionId);
      List<ChatMessage> oldestFirst = new ArrayList<>(newestFirst);
      Collections.reverse(oldestFirst);
      return List.copyOf(oldestFirst);
    });
  }

  // ---------------------------------------------------------------- turns

  @Override
  public void recordTurn(TurnMetrics t) {
    String sql = "INSERT INTO chat_turns (" + TURN_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String insert = db.dialect() == Dialect.POSTGRESQL ? sql + " ON CONFLICT (id) DO NOTHING" : sql;
    db.tenant(t.tenant(), "recording a turn of session " + t.sessionId(), c -> {
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        ps.setString(1, t.id());
        ps.setString(2, t.tenant().value());
        ps.setString(3, t.sessionId());
        ps.setString(4, t.integrationId());
        ps.setString(5, t.channelType());
        Columns.setInstant(ps, 6, t.at());
        ps.setLong(7, Columns.nanos(t.responseTime()));
        ps.setInt(8, t.retrievalHits());
        ps.setDouble(9, t.topScore());
        ps.setDouble(10, t.confidence());
        ps.setLong(11, t.inputTokens());
        ps.setLong(12, t.outputTokens());
        ps.setLong(13, Columns.nanos(t.modelLatency()));
        ps.setString(14, t.handoffReason());
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
  public List<TurnMetrics> turns(TenantId tenant, TurnQuery query) {
    requirePositive(query.limit());
    return db.tenant(tenant, "reading turns", c -> {
      StringBuilder sql = new StringBuilder("SELECT " + TURN_COLUMNS
          + " FROM chat_turns WHERE tenant_id = ? AND occurred_at >= ?");
      List<String> params = new ArrayList<>();
      query.sessionId().ifPresent(v -> {
        sql.append(" AND session_id = ?");
        params.add(v);
      });
      query.integrationId().ifPresent(v -> {
        sql.append(" AND integration_id = ?");
        params.add(v);
      });
      query.channelType().ifPresent(v -> {
        sql.append(" AND channel_type = ?");
        params.add(v);
      });
      sql.append(" ORDER BY occurred_at DESC, seq DESC FETCH FIRST ").append(query.limit())
          .append(" ROWS ONLY");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setString(1, tenant.value());
        Columns.setInstant(ps, 2, query.since());
        for (int i = 0; i < params.size(); i++) {
          ps.setString(3 + i, params.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          List<TurnMetrics> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new TurnMetrics(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
                rs.getString("session_id"), rs.getString("integration_id"),
                rs.getString("channel_type"), Columns.instant(rs, "occurred_at"),
                Columns.duration(rs, "response_nanos"), rs.getInt("retrieval_hits"),
                rs.getDouble("top_score"), rs.getDouble("confidence"), rs.getLong("input_tokens"),
                rs.getLong("output_tokens"), Columns.duration(rs, "model_latency_nanos"),
                rs.getString("handoff_reason")));
          }
          return List.copyOf(out);
        }
      }
    });
  }

  // ---------------------------------------------------------------- stats, deletion

  @Override
  public Counts counts(TenantId tenant, String integrationId, Instant activeSince,
      Instant todayStart) {
    return db.tenant(tenant, "counting conversations of integration " + integrationId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT "
          + "(SELECT COUNT(*) FROM chat_sessions WHERE tenant_id = ? AND integration_id = ?), "
          + "(SELECT COUNT(*) FROM chat_sessions WHERE tenant_id = ? AND integration_id = ? "
          + "AND last_message_at >= ?), "
          + "(SELECT COUNT(*) FROM chat_messages WHERE tenant_id = ? AND integration_id = ?), "
          + "(SELECT COUNT(*) FROM chat_messages WHERE tenant_id = ? AND integration_id = ? "
          + "AND created_at >= ?), "
          + "(SELECT COUNT(*) FROM chat_turns WHERE tenant_id = ? AND integration_id = ?), "
          + "(SELECT COALESCE(SUM(response_nanos), 0) FROM chat_turns WHERE tenant_id = ? "
          + "AND integration_id = ?)")) {
        int n = 1;
        for (int i = 0; i < 6; i++) {
          ps.setString(n++, tenant.value());
          ps.setString(n++, integrationId);
          if (i == 1) {
            Columns.setInstant(ps, n++, activeSince);
          } else if (i == 3) {
            Columns.setInstant(ps, n++, todayStart);
          }
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long turns = rs.getLong(5);
          long totalNanos = rs.getBigDecimal(6).longValueExact();
          return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
              turns == 0 ? Duration.ZERO : Duration.ofNanos(totalNanos / turns));
        }
      }
    });
  }

  @Override
  public void deleteAll(TenantId tenant, String integrationId) {
    db.tenant(tenant, "deleting conversations of integration " + integrationId, c -> {
      for (String table : List.of("chat_turns", "chat_messages", "chat_sessions")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
            + " WHERE tenant_id = ? AND integration_id = ?")) {
          ps.setString(1, tenant.value());
          ps.setString(2, integrationId);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- mapping

  private static Optional<ChatSession> oneSession(Connection c, String sql, String... params)
      throws SQLException {
    return first(sessions(c, sql, params));
  }

  private static List<ChatSession> sessions(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<ChatSession> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ChatSession(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
              rs.getString("integration_id"), rs.getString("sender_id"), rs.getString("chat_id"),
              rs.getString("sender_name"), SessionState.valueOf(rs.getString("session_state")),
              rs.getInt("unanswered_count"), Columns.instant(rs, "created_at"),
              Columns.instant(rs, "last_message_at")));
        }
        return List.copyOf(out);
      }
    }
  }

  private static List<ChatMessage> messages(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<ChatMessage> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ChatMessage(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
              rs.getString("session_id"), rs.getString("integration_id"),
              MessageRole.valueOf(rs.getString("author_role")), rs.getString("body"),
              Columns.string(rs, "platform_message_id"), Columns.string(rs, "idempotency_key"),
              DeliveryState.valueOf(rs.getString("delivery")), rs.getString("error_text"),
              Columns.instant(rs, "created_at")));
        }
        return out;
      }
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
    return "JdbcConversationStore[" + db.dialect() + "]";
  }
}
