package io.wacanda.jdbc;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.util.Locale;
import java.util.Map;

/** The two databases the stores speak, and where their SQL differs. */
enum Dialect {
  POSTGRESQL(Map.of("id", "VARCHAR(200) COLLATE \"C\"", "text", "TEXT", "bytes", "BYTEA"),
      "classpath:db/wacanda/postgresql"),
  H2(Map.of("id", "VARCHAR(200)", "text", "CHARACTER VARYING", "bytes", "VARBINARY"),
      "classpath:db/wacanda/h2");

  /** SQLState of a unique-constraint violation, the same on both. */
  static final String UNIQUE_VIOLATION = "23505";

  private final Map<String, String> placeholders;
  private final String extraMigrations;

  Dialect(Map<String, String> placeholders, String extraMigrations) {
    this.placeholders = placeholders;
    this.extraMigrations = extraMigrations;
  }

  static Dialect of(String databaseProductName) {
    String name = databaseProductName.toLowerCase(Locale.ROOT);
    if (name.contains("postgres")) {
      return POSTGRESQL;
    }
    if (name.equals("h2")) {
      return H2;
    }
    throw new WacandaException(ErrorCode.INVALID_REQUEST, "unsupported database '"
        + databaseProductName + "': wacanda-jdbc runs on PostgreSQL and H2");
  }

  Map<String, String> placeholders() {
    return placeholders;
  }

  /**
   * Flyway locations: the common schema, then this database's own migrations. Under
   * {@code db/wacanda}, not {@code db/migration}: Spring Boot's Flyway scans
   * {@code classpath:db/migration} recursively by default and would take them into the host's
   * history.
   */
  String[] migrationLocations() {
    return new String[] {"classpath:db/wacanda/common", extraMigrations};
  }

  /** Whether transactions must carry the row-level security settings. */
  boolean rowLevelSecurity() {
    return this == POSTGRESQL;
  }

  /** Whether {@code FOR UPDATE SKIP LOCKED} lets several claimers share a queue. */
  boolean skipLocked() {
    return this == POSTGRESQL;
  }
}
