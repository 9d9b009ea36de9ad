package io.wacanda.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts moved from {@code db/migration/**} to {@code db/wacanda/**}. Flyway's history keeps
 * version, description, script name and checksum, not the folder, so a database migrated from the
 * old folders validates with the new ones and carries on with the migrations added since. The old
 * layout is rebuilt here in a temporary folder from the jar's scripts (the move kept them
 * byte-identical) and migrated the way wacanda-jdbc did before the move (same history table,
 * placeholders, up to what it shipped: V1, and V2 on PostgreSQL).
 */
class MigrationLayoutTest {
  private static final List<String> SCRIPTS = List.of("common/V1__wacanda_schema.sql",
      "common/V3__knowledge_sources.sql", "postgresql/V2__row_level_security.sql",
      "postgresql/V4__knowledge_sources_row_level_security.sql", "h2/README.txt");

  @Test
  void aDatabaseMigratedFromTheOldFoldersValidatesAndMigratesWithTheNewOnesOnH2(
      @TempDir Path dir) throws Exception {
    String url = "jdbc:h2:mem:layout_" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1";
    try (HikariDataSource ds = TestDatabases.pool(url, "sa", "", 2)) {
      assertOldLayoutCarriesOn(ds, Dialect.H2, oldLayout(dir), List.of("1", "3"));
    }
  }

  @Test
  void aDatabaseMigratedFromTheOldFoldersValidatesAndMigratesWithTheNewOnesOnPostgres(
      @TempDir Path dir) throws Exception {
    TestDatabases.postgres(); // skips (or fails when required) without a server
    try (HikariDataSource ds = TestDatabases.pool(TestDatabases.createDatabase(),
        TestDatabases.user(), TestDatabases.password(), 2)) {
      assertOldLayoutCarriesOn(ds, Dialect.POSTGRESQL, oldLayout(dir),
          List.of("1", "2", "3", "4"));
    }
  }

  private static void assertOldLayoutCarriesOn(DataSource ds, Dialect dialect, Path old,
      List<String> allVersions) throws SQLException {
    String vendor = dialect == Dialect.H2 ? "h2" : "postgresql";
    Flyway before = Flyway.configure(MigrationLayoutTest.class.getClassLoader())
        .dataSource(ds)
        .locations("filesystem:" + old.resolve("db/migration/common"),
            "filesystem:" + old.resolve("db/migration/" + vendor))
        .placeholders(dialect.placeholders())
        .table(JdbcStores.SCHEMA_HISTORY_TABLE)
        .target(dialect == Dialect.H2 ? "1" : "2")
        .load();
    assertThat(before.migrate().migrationsExecuted).isEqualTo(dialect == Dialect.H2 ? 1 : 2);
    Map<String, String> oldChecksums = checksums(ds);

    ValidateResult validation = JdbcStores.flywayConfiguration(ds).ignoreMigrationPatterns(
        "*:pending").load().validateWithResult();
    assertThat(validation.validationSuccessful).as("%s", validation.invalidMigrations).isTrue();

    JdbcStores.builder(ds).build(); // the new folders: applies what came after V2

    Map<String, String> after = checksums(ds);
    assertThat(after.keySet()).containsExactlyElementsOf(allVersions);
    assertThat(after).containsAllEntriesOf(oldChecksums);
    assertThat(JdbcStores.flywayConfiguration(ds).load().validateWithResult()
        .validationSuccessful).isTrue();
    assertThat(JdbcStores.flywayConfiguration(ds).load().migrate().migrationsExecuted).isZero();
  }

  /** The scripts of this jar under the folders they had before, in {@code dir}. */
  private static Path oldLayout(Path dir) throws IOException {
    for (String script : SCRIPTS) {
      Path target = dir.resolve("db/migration/" + script);
      Files.createDirectories(target.getParent());
      try (InputStream in = MigrationLayoutTest.class.getClassLoader()
          .getResourceAsStream("db/wacanda/" + script)) {
        assertThat(in).as(script).isNotNull();
        Files.copy(in, target);
      }
    }
    return dir;
  }

  /** Version to checksum of every successful versioned migration, by version. */
  private static Map<String, String> checksums(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\", \"checksum\" FROM \""
            + JdbcStores.SCHEMA_HISTORY_TABLE + "\" WHERE \"success\" AND \"version\" IS NOT NULL "
            + "AND \"type\" = 'SQL' ORDER BY \"installed_rank\"")) {
      Map<String, String> out = new LinkedHashMap<>();
      List<String> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getString(1));
        out.put(rs.getString(1), rs.getString(2));
      }
      assertThat(versions).doesNotHaveDuplicates();
      return out;
    }
  }
}
