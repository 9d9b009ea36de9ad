package io.wacanda.integration;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link IntegrationTestStore}, on H2 and on PostgreSQL. */
class JdbcIntegrationTestStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends IntegrationTestStoreContract {
    @Override
    protected IntegrationTestStore newStore() {
      return TestDatabases.h2Stores().integrationTestStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends IntegrationTestStoreContract {
    @Override
    protected IntegrationTestStore newStore() {
      return TestDatabases.postgresStores().integrationTestStore();
    }
  }
}
