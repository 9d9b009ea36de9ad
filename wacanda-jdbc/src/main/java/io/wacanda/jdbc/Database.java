package io.wacanda.jdbc;

import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work in transactions on the host's {@link DataSource}, each scoped either to one
 * tenant or to the system. On PostgreSQL the scope is a transaction-local setting the row-level
 * security policies read ({@code wacanda.tenant} or {@code wacanda.system}); it ends with the
 * transaction, so a pooled connection never carries it into the next borrower's work. Deadlocks
 * and serialization failures are retried up to {@value #ATTEMPTS} times; lost connections become
 * {@link RetryableException} ({@code UNAVAILABLE}); other failures {@code INTERNAL}, naming the
 * operation and the SQLState, never row data. Thread-safe.
 */
final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  static final String TENANT_SETTING = "wacanda.tenant";
  static final String SYSTEM_SETTING = "wacanda.system";
  private static final int ATTEMPTS = 3;

  /** Work on a connection inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  private final Dialect dialect;

  Database(DataSource dataSource, Dialect dialect) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  /** Detects the dialect from the connection's metadata. */
  static Database of(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return new Database(dataSource, Dialect.of(c.getMetaData().getDatabaseProductName()));
    } catch (SQLException e) {
      throw translate("connecting to the database", e);
    }
  }

  Dialect dialect() {
    return dialect;
  }

  DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} in a transaction that sees and writes only {@code tenant}'s rows. */
  <T> T tenant(TenantId tenant, String operation, Work<T> work) {
    Objects.requireNonNull(tenant, "tenant");
    return transaction(TENANT_SETTING, tenant.value(), operation, false, work);
  }

  /**
   * Like {@link #tenant}, for reads that must see one committed state across many rows even on
   * H2, whose READ COMMITTED statements can see a transaction that commits while they scan: there
   * the transaction runs at REPEATABLE READ (a snapshot). PostgreSQL statements always read one
   * snapshot.
   */
  <T> T tenantSnapshot(TenantId tenant, String operation, Work<T> work) {
    Objects.requireNonNull(tenant, "tenant");
    return transaction(TENANT_SETTING, tenant.value(), operation, dialect == Dialect.H2, work);
  }

  /**
   * Runs {@code work} in a transaction that crosses tenants: only for the system operations the
   * SPIs declare cross-tenant (routing lookups, listing enabled integrations, claiming inbox
   * events, retention, idle handoffs, knowledge tenants and revisions).
   */
  <T> T system(String operation, Work<T> work) {
    return transaction(SYSTEM_SETTING, "on", operation, false, work);
  }

  private <T> T transaction(String setting, String value, String operation, boolean snapshot,
      Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        boolean autoCommit = c.getAutoCommit();
        int isolation = snapshot ? c.getTransactionIsolation() : -1;
        if (snapshot) {
          c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        c.setAutoCommit(false);
        try {
          if (dialect.rowLevelSecurity()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, true)")) {
              ps.setString(1, setting);
              ps.setString(2, value);
              ps.execute();
            }
          }
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          rollbackQuietly(c);
          throw e;
        } finally {
          restoreQuietly(c, autoCommit, isolation);
        }
      } catch (SQLException e) {
        if (attempt < ATTEMPTS && isTransient(e)) {
          log.debug("Retrying {} after SQLState {}", operation, e.getSQLState());
          continue;
        }
        throw translate(operation, e);
      }
    }
  }

  /** Deadlocks and serialization failures (class 40): the transaction may simply be run again. */
  private static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("40");
  }

  static boolean isUniqueViolation(SQLException e) {
    return Dialect.UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  static WacandaException translate(String operation, SQLException e) {
    String state = e.getSQLState() == null ? "unknown" : e.getSQLState();
    if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("40")
        || state.equals("HYT00") || state.equals("53300")) {
      return new RetryableException(ErrorCode.UNAVAILABLE, "database unavailable while "
          + operation + " (SQLState " + state + ")", e);
    }
    if (isUniqueViolation(e)) {
      return new WacandaException(ErrorCode.CONFLICT, "conflicting row while " + operation, e);
    }
    return new WacandaException(ErrorCode.INTERNAL, "database error while " + operation
        + " (SQLState " + state + ")", e);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("Rollback failed: SQLState {}", e.getSQLState());
    }
  }

  private static void restoreQuietly(Connection c, boolean autoCommit, int isolation) {
    try {
      c.setAutoCommit(autoCommit);
      if (isolation >= 0) {
        c.setTransactionIsolation(isolation);
      }
    } catch (SQLException e) {
      log.debug("Could not restore auto-commit: SQLState {}", e.getSQLState());
    }
  }
}
