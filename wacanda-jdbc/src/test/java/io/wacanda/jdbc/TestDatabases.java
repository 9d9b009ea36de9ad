package io.wacanda.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the tests run on: an in-memory H2 database, and a real PostgreSQL server named by
 * environment variables.
 *
 * <ul>
 *   <li>{@code WACANDA_TEST_PG_URL} a JDBC URL of an existing database, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:54329/wacanda_test}; the tests create a fresh database
 *       beside it (the role needs CREATEDB) and drop it when the JVM ends
 *   <li>{@code WACANDA_TEST_PG_USER}, {@code WACANDA_TEST_PG_PASSWORD} its credentials; the role
 *       must be neither superuser nor BYPASSRLS, so row-level security applies to it
 *   <li>{@code WACANDA_TEST_PG_REQUIRED=true} (set by CI): a missing or unreachable server fails
 *       the PostgreSQL tests instead of skipping them
 * </ul>
 */
public final class TestDatabases {
  static final List<String> TABLES = List.of("kb_chunks", "kb_documents", "kb_revisions",
      "knowledge_sources", "integrations", "integration_tests", "api_usage_logs",
      "webhook_events", "chat_sessions", "chat_messages", "chat_turns", "handoff_requests");

  private static HikariDataSource h2;
  private static HikariDataSource postgres;
  private static String postgresUnavailable;

  private TestDatabases() {}

  /** A pooled in-memory H2 database, migrated once per JVM. */
  public static synchronized DataSource h2() {
    if (h2 == null) {
      h2 = pool("jdbc:h2:mem:wacanda-test;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "", 16);
      JdbcStores.builder(h2).build();
    }
    return h2;
  }

  /**
   * A pooled connection to this run's own PostgreSQL database, migrated once per JVM; skips the
   * calling test when no server is configured or reachable, unless CI requires it.
   */
  public static synchronized DataSource postgres() {
    if (postgres == null && postgresUnavailable == null) {
      try {
        String url = createDatabase();
        postgres = pool(url, user(), password(), 16);
        JdbcStores.builder(postgres).build();
      } catch (SQLException | RuntimeException e) {
        postgresUnavailable = "PostgreSQL at " + System.getenv("WACANDA_TEST_PG_URL")
            + " is not usable: " + e;
      }
    }
    if (postgres == null) {
      if (required()) {
        throw new IllegalStateException("WACANDA_TEST_PG_REQUIRED is true but "
            + postgresUnavailable);
      }
      Assumptions.abort("SKIPPED PostgreSQL test: " + postgresUnavailable
          + " (set WACANDA_TEST_PG_URL, WACANDA_TEST_PG_USER, WACANDA_TEST_PG_PASSWORD; "
          + ".ci/run does)");
    }
    return postgres;
  }

  /** A new database on the configured server, dropped when the JVM ends; its JDBC URL. */
  public static String createDatabase() throws SQLException {
    String admin = System.getenv("WACANDA_TEST_PG_URL");
    if (admin == null || admin.isBlank()) {
      throw new IllegalStateException("WACANDA_TEST_PG_URL is not set");
    }
    String name = "wacanda_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin, user(), password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> dropDatabase(admin, name)));
    int slash = admin.lastIndexOf('/');
    int query = admin.indexOf('?', slash);
    return admin.substring(0, slash + 1) + name + (query < 0 ? "" : admin.substring(query));
  }

  private static void dropDatabase(String admin, String name) {
    if (postgres != null) {
      postgres.close();
    }
    try (Connection c = DriverManager.getConnection(admin, user(), password());
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      System.err.println("could not drop test database " + name + ": " + e.getMessage());
    }
  }

  public static String user() {
    return System.getenv().getOrDefault("WACANDA_TEST_PG_USER", "wacanda");
  }

  public static String password() {
    return System.getenv().getOrDefault("WACANDA_TEST_PG_PASSWORD", "");
  }

  public static boolean required() {
    return "true".equals(System.getenv().getOrDefault("WACANDA_TEST_PG_REQUIRED", "")
        .toLowerCase(Locale.ROOT));
  }

  public static HikariDataSource pool(String url, String user, String password, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setPoolName("wacanda-test");
    return new HikariDataSource(config);
  }

  /** Empties every table and returns stores on the (already migrated) database. */
  public static JdbcStores emptied(DataSource dataSource) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      String product = c.getMetaData().getDatabaseProductName();
      c.setAutoCommit(false);
      if (product.toLowerCase(Locale.ROOT).contains("postgres")) {
        // row-level security: only the system scope sees every tenant's rows (DELETE is much
        // faster than TRUNCATE for a handful of rows)
        s.execute("SELECT set_config('wacanda.system', 'on', true)");
      }
      for (String table : TABLES) {
        s.execute("DELETE FROM " + table);
      }
      c.commit();
      c.setAutoCommit(true);
    } catch (SQLException e) {
      throw new IllegalStateException("could not empty the test database", e);
    }
    return JdbcStores.builder(dataSource).migrate(false).build();
  }

  public static JdbcStores h2Stores() {
    return emptied(h2());
  }

  public static JdbcStores postgresStores() {
    return emptied(postgres());
  }
}
