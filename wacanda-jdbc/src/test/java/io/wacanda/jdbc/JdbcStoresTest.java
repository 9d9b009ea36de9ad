package io.wacanda.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.WebhookEvent;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoresTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  @Test
  void anEmbeddedH2FileKeepsTheInboxAcrossARestart(@TempDir Path dir) {
    try (HikariDataSource first = TestDatabases.pool(JdbcStores.h2FileUrl(dir), "sa", "", 2)) {
      JdbcStores stores = JdbcStores.builder(first).build();
      stores.webhookEventStore().append(WebhookEvent.pending("evt-1", ACME, "int-1", "message",
          "wamid.1", "{}", T0));
      stores.webhookEventStore().claimDue(T0, 1, Duration.ofSeconds(30));
    }

    try (HikariDataSource second = TestDatabases.pool(JdbcStores.h2FileUrl(dir), "sa", "", 2)) {
      JdbcStores stores = JdbcStores.builder(second).build(); // migrating again changes nothing

      WebhookEvent event = stores.webhookEventStore().find(ACME, "evt-1").orElseThrow();
      assertThat(event.status()).isEqualTo(EventStatus.PROCESSING);
      assertThat(stores.webhookEventStore().claimDue(T0.plusSeconds(30), 1,
          Duration.ofSeconds(30))).singleElement()
          .satisfies(e -> assertThat(e.attempts()).isEqualTo(2));
      assertThat(stores.database()).isEqualTo("H2");
    }
  }

  @Test
  void theSchemaIsMigratedOnceAndRecordedInItsOwnHistoryTable(@TempDir Path dir)
      throws Exception {
    try (HikariDataSource ds = TestDatabases.pool(JdbcStores.h2FileUrl(dir), "sa", "", 2)) {
      JdbcStores.builder(ds).build();
      JdbcStores.builder(ds).build();
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT \"version\" FROM \""
              + JdbcStores.SCHEMA_HISTORY_TABLE + "\" WHERE \"success\" AND \"version\" "
              + "IS NOT NULL")) {
        java.util.List<String> versions = new java.util.ArrayList<>();
        while (rs.next()) {
          versions.add(rs.getString(1));
        }
        // V2 and V4 (row-level security) are PostgreSQL's
        assertThat(versions).containsExactly("1", "3");
      }
    }
  }

  @Test
  void aSchemaThatAlreadyHoldsTheHostsTablesIsMigratedFromTheFirstVersion(@TempDir Path dir)
      throws Exception {
    try (HikariDataSource ds = TestDatabases.pool(JdbcStores.h2FileUrl(dir), "sa", "", 2)) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE host_orders (id BIGINT PRIMARY KEY)");
      }

      JdbcStores stores = JdbcStores.builder(ds).build();

      stores.webhookEventStore().append(WebhookEvent.pending("evt-1", ACME, "int-1", "message",
          "k1", "{}", T0));
      assertThat(stores.webhookEventStore().find(ACME, "evt-1")).isPresent();
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT \"version\", \"type\" FROM \""
              + JdbcStores.SCHEMA_HISTORY_TABLE + "\" WHERE \"version\" IS NOT NULL "
              + "ORDER BY \"installed_rank\"")) {
        java.util.List<String> rows = new java.util.ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getString(1) + ":" + rs.getString(2));
        }
        // a baseline marker at 0, then every script from V1
        assertThat(rows).containsExactly("0:BASELINE", "1:SQL", "3:SQL");
      }
    }
  }

  @Test
  void theH2UrlCarriesTheDurabilitySettings(@TempDir Path dir) {
    assertThat(JdbcStores.h2FileUrl(dir))
        .startsWith("jdbc:h2:file:" + dir.toAbsolutePath())
        .contains(";WRITE_DELAY=0").contains(";LOCK_TIMEOUT=10000")
        .contains(";DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void anUnsupportedDatabaseIsRefusedWithAClearError() {
    DataSource mysql = dataSourceNamed("MySQL");

    assertThatThrownBy(() -> JdbcStores.builder(mysql).build())
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("MySQL").hasMessageContaining("PostgreSQL and H2");
  }

  @Test
  void anUnreachableDatabaseIsARetryableUnavailableError() {
    org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/wacanda");
    nowhere.setConnectTimeout(2);

    assertThatThrownBy(() -> JdbcStores.builder(nowhere).build())
        .isInstanceOfSatisfying(io.wacanda.RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("SQLState 08");
  }

  private static DataSource dataSourceNamed(String product) {
    DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(
        JdbcStoresTest.class.getClassLoader(), new Class<?>[] {DatabaseMetaData.class},
        (p, m, a) -> m.getName().equals("getDatabaseProductName") ? product : null);
    Connection connection = (Connection) Proxy.newProxyInstance(
        JdbcStoresTest.class.getClassLoader(), new Class<?>[] {Connection.class},
        (p, m, a) -> m.getName().equals("getMetaData") ? meta : null);
    return new DataSource() {
      @Override
      public Connection getConnection() {
        return connection;
      }

      @Override
      public Connection getConnection(String user, String password) {
        return connection;
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() {
        return Logger.getGlobal();
      }

      @Override
      public <T> T unwrap(Class<T> iface) {
        return null;
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }
}
