package io.wacanda.jdbc;

import io.wacanda.WacandaException;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Retention deletes in batches, shared by the stores that have them. On PostgreSQL the batch is
 * selected {@code FOR UPDATE SKIP LOCKED} in a CTE (which runs once, so the locked rows are exactly
 * the deleted ones) and concurrent cleaners split the work; on H2, which has no SKIP LOCKED,
 * cleaners of one store take turns on a lock.
 */
final class BatchDelete {
  private final Database db;
  private final String table;
  private final String oldest;
  private final String what;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * @param oldest a {@code SELECT id FROM table WHERE ... < ? ORDER BY ... FETCH FIRST ? ROWS ONLY}
   *     taking the cutoff and the batch size
   */
  BatchDelete(Database db, String table, String oldest, String what) {
    this.db = db;
    this.table = table;
    this.oldest = oldest;
    this.what = what;
  }

  int run(Instant cutoff, int batchSize) {
    if (batchSize < 1) {
      throw WacandaException.invalid("batchSize must be positive, was " + batchSize);
    }
    boolean skipLocked = db.dialect().skipLocked();
    String sql = skipLocked
        ? "WITH doomed AS (" + oldest + " FOR UPDATE SKIP LOCKED) DELETE FROM " + table
            + " t USING doomed WHERE t.id = doomed.id"
        : "DELETE FROM " + table + " WHERE id IN (" + oldest + ")";
    if (!skipLocked) {
      lock.lock();
    }
    try {
      return db.system(what, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          Columns.setInstant(ps, 1, cutoff);
          ps.setInt(2, batchSize);
          return ps.executeUpdate();
        }
      });
    } finally {
      if (!skipLocked) {
        lock.unlock();
      }
    }
  }
}
