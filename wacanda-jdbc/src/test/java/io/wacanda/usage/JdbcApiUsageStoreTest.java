package io.wacanda.usage;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link ApiUsageStore}, on H2 and on PostgreSQL. */
class JdbcApiUsageStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends ApiUsageStoreContract {
    @Override
    protected ApiUsageStore newStore() {
      return TestDatabases.h2Stores().apiUsageStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends ApiUsageStoreContract {
    @Override
    protected ApiUsageStore newStore() {
      return TestDatabases.postgresStores().apiUsageStore();
    }
  }
}
