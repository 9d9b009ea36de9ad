package io.wacanda.knowledge;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link KnowledgeSourceStore}, on H2 and on PostgreSQL. */
class JdbcKnowledgeSourceStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends KnowledgeSourceStoreContract {
    @Override
    protected KnowledgeSourceStore newStore() {
      return TestDatabases.h2Stores().knowledgeSourceStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends KnowledgeSourceStoreContract {
    @Override
    protected KnowledgeSourceStore newStore() {
      return TestDatabases.postgresStores().knowledgeSourceStore();
    }
  }
}
