package io.wacanda.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the H2 durability setting: a child JVM commits rows one transaction at a time and says
 * so after each commit; it is killed with SIGKILL; every row it acknowledged must be in the file
 * when the database is opened again. With {@link JdbcStores#h2FileUrl}'s {@code WRITE_DELAY=0}
 * nothing acknowledged is lost. With H2's default (changes written up to 500 ms after the commit)
 * the same kill usually loses the last commits; that run is reported, not asserted, because how
 * much it loses depends on where the kill lands.
 */
class H2DurabilityTest {
  private static final int ACKNOWLEDGED_BEFORE_KILL = 300;

  @Test
  void everyAcknowledgedCommitSurvivesSigkillWithTheDurableUrl(@TempDir Path dir)
      throws Exception {
    String url = JdbcStores.h2FileUrl(dir);

    Result result = commitThenKill(url);

    assertThat(result.acknowledged()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
    assertThat(result.stored()).as("rows in the file after the kill")
        .isGreaterThanOrEqualTo(result.acknowledged());
  }

  @Test
  void reportsWhatH2sDefaultWriteDelayLosesOnSigkill(@TempDir Path dir) throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("default").toAbsolutePath();

    Result result = commitThenKill(url);

    long lost = Math.max(0, result.acknowledged() - result.stored());
    System.out.println("H2 default WRITE_DELAY: " + result.acknowledged() + " commits "
        + "acknowledged before SIGKILL, " + result.stored() + " in the file afterwards, " + lost
        + " lost");
    assertThat(result.acknowledged()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
  }

  private record Result(long acknowledged, long stored) {}

  private static Result commitThenKill(String url) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-cp",
        System.getProperty("java.class.path"), H2CommitWriter.class.getName(), url))
        .redirectError(new File(System.getProperty("java.io.tmpdir"), "h2-commit-writer.err"))
        .start();
    long acknowledged = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        acknowledged = Long.parseLong(line.substring("committed ".length()));
        if (acknowledged >= ACKNOWLEDGED_BEFORE_KILL) {
          child.destroyForcibly();
          break;
        }
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // lines printed before the kill landed were acknowledged too, if we can still read them
      try {
        while ((line = out.readLine()) != null) {
          acknowledged = Long.parseLong(line.substring("committed ".length()));
        }
      } catch (java.io.IOException closedByDestroy) {
        // the JDK closed our end of the pipe; what we read is a lower bound, which is enough
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet tables = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
            + "WHERE TABLE_NAME = 'ACKNOWLEDGED'")) {
      tables.next();
      if (tables.getLong(1) == 0) {
        return new Result(acknowledged, 0); // even the table was never written to the file
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM acknowledged")) {
        rs.next();
        return new Result(acknowledged, rs.getLong(1));
      }
    }
  }
}
