package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.jdbc.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The core contract of {@link KnowledgeStore}, on H2 and on PostgreSQL.
 *
 * <p>{@link KnowledgeStoreContract#readersNeverSeeAHalfReplacedDocument()} is overridden: the
 * contract's version stores the first version with three <em>different</em> passage texts, so a
 * reader that runs before the writer's first replacement (always possible, and frequent with a
 * database) sees three texts and fails although no half-replaced document was read. The override
 * checks the same property with a first version whose passages share one text.
 */
class JdbcKnowledgeStoreTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore createStore() {
      return TestDatabases.h2Stores().knowledgeStore();
    }

    @Test
    @Override
    public void readersNeverSeeAHalfReplacedDocument() throws Exception {
      readersSeeWholeVersions(store);
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends KnowledgeStoreContract {
    @Override
    protected KnowledgeStore createStore() {
      return TestDatabases.postgresStores().knowledgeStore();
    }

    @Test
    @Override
    public void readersNeverSeeAHalfReplacedDocument() throws Exception {
      readersSeeWholeVersions(store);
    }
  }

  static void readersSeeWholeVersions(KnowledgeStore store) throws Exception {
    store.save(KnowledgeStoreContract.document(KnowledgeStoreContract.ACME, "doc", "v0", 3),
        version(0));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int v = 1; v <= 200; v++) {
          store.save(KnowledgeStoreContract.document(KnowledgeStoreContract.ACME, "doc", "v" + v,
              3), version(v));
        }
      });
      Future<?> reader = pool.submit(() -> {
        for (int r = 0; r < 500; r++) {
          List<KnowledgeChunk> chunks = store.chunks(KnowledgeStoreContract.ACME);
          assertThat(chunks).hasSize(3);
          assertThat(chunks.stream().map(KnowledgeChunk::text).distinct()).hasSize(1);
        }
      });
      writer.get(60, TimeUnit.SECONDS);
      reader.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<KnowledgeChunk> version(int v) {
    List<KnowledgeChunk> next = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      next.add(KnowledgeStoreContract.chunk(KnowledgeStoreContract.ACME, "doc", i,
          "version " + v));
    }
    return next;
  }
}
