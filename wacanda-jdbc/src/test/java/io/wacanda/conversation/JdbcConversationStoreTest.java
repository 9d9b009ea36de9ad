package io.wacanda.conversation;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link ConversationStore}, on H2 and on PostgreSQL. */
class JdbcConversationStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends ConversationStoreContract {
    @Override
    protected ConversationStore newStore() {
      return TestDatabases.h2Stores().conversationStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends ConversationStoreContract {
    @Override
    protected ConversationStore newStore() {
      return TestDatabases.postgresStores().conversationStore();
    }
  }
}
