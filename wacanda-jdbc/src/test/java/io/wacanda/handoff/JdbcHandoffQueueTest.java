package io.wacanda.handoff;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link HandoffQueue}, on H2 and on PostgreSQL. */
class JdbcHandoffQueueTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends HandoffQueueContract {
    @Override
    protected HandoffQueue newQueue() {
      return TestDatabases.h2Stores().handoffQueue();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends HandoffQueueContract {
    @Override
    protected HandoffQueue newQueue() {
      return TestDatabases.postgresStores().handoffQueue();
    }
  }
}
