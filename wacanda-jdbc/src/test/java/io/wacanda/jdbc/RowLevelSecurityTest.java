package io.wacanda.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.conversation.ChatSession;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.knowledge.KnowledgeSource;
import io.wacanda.knowledge.SourceSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Row-level security on PostgreSQL: hand-written SQL run through the SDK's connection handling
 * ({@link JdbcStores#inTenant}) sees and writes only its tenant's rows, whatever its WHERE clause
 * says; SQL with no scope sees nothing. The test role owns the tables and is neither superuser
 * nor BYPASSRLS, so this holds only because the policies are FORCEd.
 */
class RowLevelSecurityTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final TenantId GLOBEX = TenantId.of("globex");
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private DataSource dataSource;
  private JdbcStores stores;

  @BeforeEach
  void setUp() {
    dataSource = TestDatabases.postgres();
    stores = TestDatabases.emptied(dataSource);
    ChatSession acme = stores.conversationStore().openSession(ACME, "int-a", "alice", "", "Alice",
        T0);
    stores.conversationStore().openSession(GLOBEX, "int-g", "bob", "", "Bob", T0);
    stores.webhookEventStore().append(WebhookEvent.pending("evt-a", ACME, "int-a", "message",
        "k1", "{}", T0));
    stores.webhookEventStore().append(WebhookEvent.pending("evt-g", GLOBEX, "int-g", "message",
        "k1", "{}", T0));
    assertThat(acme.tenant()).isEqualTo(ACME);
  }

  @Test
  void handWrittenQueryWithoutTenantFilterSeesOnlyItsTenantsRows() {
    List<String> senders = stores.inTenant(ACME, c -> strings(c,
        "SELECT sender_id FROM chat_sessions"));
    List<String> events = stores.inTenant(ACME, c -> strings(c, "SELECT id FROM webhook_events"));
    List<String> explicitlyOther = stores.inTenant(ACME, c -> strings(c,
        "SELECT sender_id FROM chat_sessions WHERE tenant_id = 'globex'"));

    assertThat(senders).containsExactly("alice");
    assertThat(events).containsExactly("evt-a");
    assertThat(explicitlyOther).isEmpty();
    List<String> globex = stores.inTenant(GLOBEX, c -> strings(c,
        "SELECT sender_id FROM chat_sessions"));
    assertThat(globex).containsExactly("bob");
  }

  @Test
  void knowledgeSourcesAreScopedLikeEveryOtherTable() {
    stores.knowledgeSourceStore().save(new KnowledgeSource("ks_1", ACME,
        SourceSpec.web("https://acme.example/help/"), T0, Optional.empty()));
    stores.knowledgeSourceStore().save(new KnowledgeSource("ks_1", GLOBEX,
        SourceSpec.sitemap("https://globex.example/sitemap.xml"), T0, Optional.empty()));

    List<String> acme = stores.inTenant(ACME, c -> strings(c,
        "SELECT location FROM knowledge_sources"));
    int deleted = stores.inTenant(ACME, c -> update(c,
        "DELETE FROM knowledge_sources WHERE tenant_id = 'globex'"));

    assertThat(acme).containsExactly("https://acme.example/help/");
    assertThat(deleted).isZero();
    assertThat(stores.knowledgeSourceStore().find(GLOBEX, "ks_1")).isPresent();
    assertThat(stores.knowledgeSourceStore().all()).extracting(KnowledgeSource::tenant)
        .containsExactlyInAnyOrder(ACME, GLOBEX);
  }

  @Test
  void handWrittenUpdatesAndDeletesCannotReachAnotherTenant() {
    int updated = stores.inTenant(ACME, c -> update(c,
        "UPDATE chat_sessions SET sender_name = 'hijacked'"));
    int deleted = stores.inTenant(ACME, c -> update(c,
        "DELETE FROM webhook_events WHERE tenant_id = 'globex'"));

    assertThat(updated).isEqualTo(1);
    assertThat(deleted).isZero();
    List<String> names = stores.inTenant(GLOBEX, c -> strings(c,
        "SELECT sender_name FROM chat_sessions"));
    assertThat(names).containsExactly("Bob");
    assertThat(stores.webhookEventStore().find(GLOBEX, "evt-g")).isPresent();
  }

  @Test
  void handWrittenInsertForAnotherTenantIsRefused() {
    assertThatThrownBy(() -> stores.inTenant(ACME, c -> update(c, "INSERT INTO api_usage_logs "
        + "(id, tenant_id, integration_id, api_action, http_status, latency_nanos, occurred_at) "
        + "VALUES ('u-1', 'globex', 'int-g', 'chat', 200, 1, now())")))
        .isInstanceOf(WacandaException.class)
        .hasMessageContaining("42501");

    assertThat(stores.apiUsageStore().count(GLOBEX, "int-g", Instant.EPOCH)).isZero();
  }

  @Test
  void sqlWithoutAnyScopeSeesNoRowsAtAll() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      assertThat(strings(c, "SELECT sender_id FROM chat_sessions")).isEmpty();
      assertThat(strings(c, "SELECT id FROM webhook_events")).isEmpty();
    }
  }

  @Test
  void scopeEndsWithTheTransactionSoPooledConnectionsCarryNothing() throws SQLException {
    stores.inTenant(ACME, c -> strings(c, "SELECT sender_id FROM chat_sessions"));

    try (Connection c = dataSource.getConnection()) {
      assertThat(strings(c, "SELECT current_setting('wacanda.tenant', true)"))
          .containsOnly("");
      assertThat(strings(c, "SELECT sender_id FROM chat_sessions")).isEmpty();
    }
  }

  @Test
  void systemCallsCrossTenantsDeliberately() {
    assertThat(stores.webhookEventStore().claimDue(T0, 10, java.time.Duration.ofMinutes(1)))
        .extracting(WebhookEvent::id).containsExactlyInAnyOrder("evt-a", "evt-g");
  }

  @Test
  void theTestRoleIsNeitherSuperuserNorBypassrlsAndEveryTableForcesRowLevelSecurity()
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      assertThat(strings(c, "SELECT rolsuper::text || ',' || rolbypassrls::text FROM pg_roles "
          + "WHERE rolname = current_user")).containsExactly("false,false");
      List<String> tables = strings(c, "SELECT relname || ':' || relrowsecurity::text || ':' "
          + "|| relforcerowsecurity::text FROM pg_class WHERE relkind = 'r' "
          + "AND relnamespace = 'public'::regnamespace AND relname <> '"
          + JdbcStores.SCHEMA_HISTORY_TABLE + "' ORDER BY relname");
      assertThat(tables).hasSize(TestDatabases.TABLES.size())
          .allSatisfy(t -> assertThat(t).endsWith(":true:true"));
      assertThat(strings(c, "SELECT count(*)::text FROM pg_policies WHERE schemaname = 'public'"))
          .containsExactly(String.valueOf(2 * TestDatabases.TABLES.size()));
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1) == null ? "" : rs.getString(1));
      }
      return out;
    }
  }

  private static int update(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      return ps.executeUpdate();
    }
  }
}
