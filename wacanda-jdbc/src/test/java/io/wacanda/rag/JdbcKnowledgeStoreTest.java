package io.wacanda.rag;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link KnowledgeStore}, on H2 and on PostgreSQL. */
class JdbcKnowledgeStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore createStore() {
      return TestDatabases.h2Stores().knowledgeStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore createStore() {
      return TestDatabases.postgresStores().knowledgeStore();
    }
  }
}
