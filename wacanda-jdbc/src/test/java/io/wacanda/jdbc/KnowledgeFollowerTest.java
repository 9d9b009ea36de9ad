package io.wacanda.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.wacanda.TenantId;
import io.wacanda.rag.Answer;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Point 5 of the issue: two instances share one knowledge base; each rebuilds its indexes from
 * the table at start and follows the other's changes. The followers are polled by hand (their
 * own thread waits an hour), so nothing depends on timing.
 */
class KnowledgeFollowerTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final Document RETURNS = Document.of("returns.md", "Returns", "kb/returns.md",
      "text/markdown", "# Returns\n\nYou can return an unused item within 30 days of delivery "
          + "for a full refund. Print the prepaid return label from your account.");
  private static final Document SHIPPING = Document.of("shipping.md", "Shipping",
      "kb/shipping.md", "text/markdown", "# Shipping\n\nStandard shipping takes three to five "
          + "business days. Express shipping arrives the next business day.");

  abstract static class Scenario {
    abstract DataSource database();

    /** A second pool on the same database: another instance. */
    abstract DataSource secondInstance();

    @Test
    void anInstanceAnswersFromDocumentsAnotherInstanceIngestedAndStopsAfterTheyAreDeleted() {
      JdbcStores storesA = TestDatabases.emptied(database());
      JdbcStores storesB = JdbcStores.builder(secondInstance()).migrate(false).build();
      KnowledgeFollower followerA = storesA.knowledgeFollower().pollInterval(Duration.ofHours(1))
          .build();
      KnowledgeFollower followerB = storesB.knowledgeFollower().pollInterval(Duration.ofHours(1))
          .build();
      DefaultRagEngine engineA = DefaultRagEngine.builder()
          .knowledgeStore(storesA.knowledgeStore()).build();
      DefaultRagEngine engineB = DefaultRagEngine.builder()
          .knowledgeStore(storesB.knowledgeStore()).build();
      followerA.start(engineA);
      followerB.start(engineB);
      try {
        Supplier<Answer> askB = () -> engineB.answer(ACME,
            "How many days do I have to return an item?", List.of());
        assertThat(askB.get().sources()).isEmpty();

        engineA.ingest(ACME, RETURNS);

        assertThat(askB.get().sources()).as("before B follows").isEmpty();
        assertThat(followerA.poll()).as("A's own write needs no rebuild on A").isEmpty();
        assertThat(followerB.poll()).containsExactly(ACME);
        assertThat(askB.get().sources()).extracting(s -> s.documentId())
            .contains("returns.md");

        engineB.ingest(ACME, SHIPPING);
        assertThat(followerB.poll()).isEmpty();
        assertThat(followerA.poll()).containsExactly(ACME);
        assertThat(engineA.answer(ACME, "How long does express shipping take?", List.of())
            .sources()).extracting(s -> s.documentId()).contains("shipping.md");

        engineA.delete(ACME, "returns.md");
        assertThat(followerB.poll()).containsExactly(ACME);
        assertThat(askB.get().sources()).extracting(s -> s.documentId())
            .doesNotContain("returns.md");
        assertThat(followerB.refreshCount()).isEqualTo(2);
        assertThat(followerA.refreshCount()).isEqualTo(1);
      } finally {
        followerA.close();
        followerB.close();
      }
    }

    @Test
    void aNewInstanceRebuildsItsIndexesFromTheTableAtStart() {
      JdbcStores storesA = TestDatabases.emptied(database());
      DefaultRagEngine engineA = DefaultRagEngine.builder()
          .knowledgeStore(storesA.knowledgeStore()).build();
      engineA.ingest(ACME, RETURNS);

      JdbcStores storesB = JdbcStores.builder(secondInstance()).migrate(false).build();
      DefaultRagEngine engineB = DefaultRagEngine.builder()
          .knowledgeStore(storesB.knowledgeStore()).build();

      assertThat(engineB.answer(ACME, "Can I return an item for a refund?", List.of()).sources())
          .extracting(s -> s.documentId()).containsExactly("returns.md");
    }

    @Test
    void anInterleavedForeignChangeIsNotMistakenForAnOwnOne() {
      JdbcStores storesA = TestDatabases.emptied(database());
      JdbcStores storesB = JdbcStores.builder(secondInstance()).migrate(false).build();
      KnowledgeFollower followerA = storesA.knowledgeFollower().pollInterval(Duration.ofHours(1))
          .build();
      DefaultRagEngine engineA = DefaultRagEngine.builder()
          .knowledgeStore(storesA.knowledgeStore()).build();
      DefaultRagEngine engineB = DefaultRagEngine.builder()
          .knowledgeStore(storesB.knowledgeStore()).build();
      followerA.start(engineA);
      try {
        engineA.ingest(ACME, RETURNS);   // revision 1, A's own
        engineB.ingest(ACME, SHIPPING);  // revision 2, B's
        engineA.delete(ACME, "returns.md"); // revision 3, A's own

        assertThat(followerA.poll()).containsExactly(ACME);
        assertThat(engineA.answer(ACME, "How long does express shipping take?", List.of())
            .sources()).extracting(s -> s.documentId()).contains("shipping.md");
      } finally {
        followerA.close();
      }
    }
  }

  @Nested
  @DisplayName("on H2")
  class OnH2 extends Scenario {
    @Override
    DataSource database() {
      return TestDatabases.h2();
    }

    @Override
    DataSource secondInstance() {
      return h2Second();
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends Scenario {
    @Override
    DataSource database() {
      return TestDatabases.postgres();
    }

    @Override
    DataSource secondInstance() {
      return postgresSecond();
    }
  }

  private static HikariDataSource h2Second;
  private static HikariDataSource postgresSecond;

  private static synchronized DataSource h2Second() {
    if (h2Second == null) {
      TestDatabases.h2();
      h2Second = TestDatabases.pool("jdbc:h2:mem:wacanda-test;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
          "sa", "", 4);
    }
    return h2Second;
  }

  private static synchronized DataSource postgresSecond() {
    if (postgresSecond == null) {
      HikariDataSource first = (HikariDataSource) TestDatabases.postgres();
      postgresSecond = TestDatabases.pool(first.getJdbcUrl(), TestDatabases.user(),
          TestDatabases.password(), 4);
    }
    return postgresSecond;
  }
}
