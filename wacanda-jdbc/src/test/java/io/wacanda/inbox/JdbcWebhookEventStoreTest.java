package io.wacanda.inbox;

import io.wacanda.jdbc.TestDatabases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The core contract of {@link WebhookEventStore}, on H2 and on PostgreSQL. */
class JdbcWebhookEventStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends WebhookEventStoreContract {
    @Override
    protected WebhookEventStore newStore() {
      return TestDatabases.h2Stores().webhookEventStore();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends WebhookEventStoreContract {
    @Override
    protected WebhookEventStore newStore() {
      return TestDatabases.postgresStores().webhookEventStore();
    }
  }
}
