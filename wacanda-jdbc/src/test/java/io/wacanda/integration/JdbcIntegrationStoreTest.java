package io.wacanda.integration;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link IntegrationStore}, on H2 and on PostgreSQL. */
class JdbcIntegrationStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends IntegrationStoreContract {
    @Override
    protected IntegrationStore newStore() {
      return TestDatabases.h2Stores().integrationStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends IntegrationStoreContract {
    @Override
    protected IntegrationStore newStore() {
      return TestDatabases.postgresStores().integrationStore();
    }
  }
}
