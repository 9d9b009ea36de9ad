package io.wacanda.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Child process of {@link H2DurabilityTest}: commits one row per transaction into an H2 file
 * database and prints {@code committed N} after each commit returned, until it is killed.
 */
public final class H2CommitWriter {
  private H2CommitWriter() {}

  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS acknowledged (n INTEGER PRIMARY KEY)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO acknowledged VALUES (?)")) {
        for (int n = 1; ; n++) {
          ps.setInt(1, n);
          ps.executeUpdate();
          c.commit();
          System.out.println("committed " + n);
          System.out.flush();
        }
      }
    }
  }
}
