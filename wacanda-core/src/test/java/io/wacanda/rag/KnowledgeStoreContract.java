package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link KnowledgeStore} shares. An implementation's test extends this class
 * and returns a fresh, empty store from {@link #createStore()}:
 *
 * <pre>{@code
 * class JdbcKnowledgeStoreTest extends KnowledgeStoreContract {
 *   protected KnowledgeStore createStore() { return new JdbcKnowledgeStore(freshDataSource()); }
 * }
 * }</pre>
 *
 * <p>Test methods are public so that subclasses in any package inherit them.
 */
public abstract class KnowledgeStoreContract {

  protected static final TenantId ACME = TenantId.of("acme");
  protected static final TenantId GLOBEX = TenantId.of("globex");
  /** Millisecond precision, which every database keeps. */
  protected static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123Z");

  protected KnowledgeStore store;

  /** A new, empty store. */
  protected abstract KnowledgeStore createStore();

  @BeforeEach
  protected void setUpStore() {
    store = createStore();
  }

  protected static KnowledgeDocument document(TenantId tenant, String id, String hash,
      int chunkCount) {
    return new KnowledgeDocument(id, tenant, "Title of " + id, "kb/" + id + ".md",
        "text/markdown", hash, Map.of("lang", "en"), chunkCount, NOW);
  }

  protected static KnowledgeChunk chunk(TenantId tenant, String documentId, int position,
      String text) {
    return new KnowledgeChunk(documentId + "#" + position, tenant, documentId, position,
        "Heading > " + position, text, new float[] {position, 0.25f, -1.5f, 1e-7f});
  }

  protected static List<KnowledgeChunk> chunks(TenantId tenant, String documentId, int n) {
    List<KnowledgeChunk> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(chunk(tenant, documentId, i, "Passage " + i + " of " + documentId));
    }
    return out;
  }

  @Test
  public void savesADocumentWithItsChunks() {
    KnowledgeDocument doc = document(ACME, "returns", "h1", 2);

    store.save(doc, chunks(ACME, "returns", 2));

    assertThat(store.findDocument(ACME, "returns")).contains(doc);
    assertThat(store.listDocuments(ACME)).containsExactly(doc);
    assertThat(store.chunks(ACME)).extracting(KnowledgeChunk::id)
        .containsExactly("returns#0", "returns#1");
    assertThat(store.tenants()).containsExactly(ACME);
  }

  @Test
  public void keepsEveryFieldOfAChunkIncludingTheExactEmbedding() {
    KnowledgeChunk original = chunk(ACME, "doc", 3, "Ünïcödé text, 30 € — ok");
    store.save(document(ACME, "doc", "h", 1), List.of(original));

    KnowledgeChunk found = store.findChunk(ACME, "doc#3").orElseThrow();

    assertThat(found.id()).isEqualTo("doc#3");
    assertThat(found.tenant()).isEqualTo(ACME);
    assertThat(found.documentId()).isEqualTo("doc");
    assertThat(found.position()).isEqualTo(3);
    assertThat(found.headingPath()).isEqualTo("Heading > 3");
    assertThat(found.text()).isEqualTo("Ünïcödé text, 30 € — ok");
    assertThat(found.embedding()).containsExactly(3f, 0.25f, -1.5f, 1e-7f);
  }

  @Test
  public void storesAPassageParsedFromAFileHoldingANulByte() {
    // PostgreSQL refuses U+0000 in text; parsed text carries U+FFFD in its place
    ParsedDocument parsed = DocumentParser.plainText().parse(Document.of("nul", "Nul",
        "kb/nul.txt", "text/plain", "Refunds\0 take 5 days."));
    KnowledgeChunk chunk = chunk(ACME, "nul", 0, parsed.sections().get(0).text());

    store.save(document(ACME, "nul", "h", 1), List.of(chunk));

    assertThat(store.findChunk(ACME, "nul#0").orElseThrow().text())
        .isEqualTo("Refunds\uFFFD take 5 days.");
  }

  @Test
  public void replacingADocumentReplacesAllItsChunks() {
    store.save(document(ACME, "faq", "v1", 3), chunks(ACME, "faq", 3));
    KnowledgeDocument v2 = document(ACME, "faq", "v2", 1);

    store.save(v2, List.of(chunk(ACME, "faq", 0, "Only passage now")));

    assertThat(store.findDocument(ACME, "faq")).contains(v2);
    assertThat(store.chunks(ACME)).extracting(KnowledgeChunk::text)
        .containsExactly("Only passage now");
    assertThat(store.findChunk(ACME, "faq#2")).isEmpty();
  }

  @Test
  public void listsChunksInDocumentThenPositionOrder() {
    store.save(document(ACME, "b", "h", 2), List.of(chunk(ACME, "b", 1, "b1"), chunk(ACME, "b", 0, "b0")));
    store.save(document(ACME, "a", "h", 2), chunks(ACME, "a", 2));

    assertThat(store.chunks(ACME)).extracting(KnowledgeChunk::id)
        .containsExactly("a#0", "a#1", "b#0", "b#1");
    assertThat(store.listDocuments(ACME)).extracting(KnowledgeDocument::id)
        .containsExactly("a", "b");
  }

  @Test
  public void storesADocumentWithoutChunks() {
    store.save(document(ACME, "empty", "h", 0), List.of());

    assertThat(store.findDocument(ACME, "empty")).isPresent();
    assertThat(store.chunks(ACME)).isEmpty();
    assertThat(store.tenants()).containsExactly(ACME);
  }

  @Test
  public void deletesADocumentAndItsChunks() {
    store.save(document(ACME, "gone", "h", 2), chunks(ACME, "gone", 2));
    store.save(document(ACME, "stays", "h", 1), chunks(ACME, "stays", 1));

    assertThat(store.deleteDocument(ACME, "gone")).isTrue();
    assertThat(store.deleteDocument(ACME, "gone")).isFalse();
    assertThat(store.deleteDocument(ACME, "never-there")).isFalse();

    assertThat(store.findDocument(ACME, "gone")).isEmpty();
    assertThat(store.findChunk(ACME, "gone#0")).isEmpty();
    assertThat(store.chunks(ACME)).extracting(KnowledgeChunk::id).containsExactly("stays#0");
  }

  @Test
  public void listsOnlyTenantsThatHaveDocuments() {
    assertThat(store.tenants()).isEmpty();
    store.save(document(ACME, "a", "h", 1), chunks(ACME, "a", 1));
    store.save(document(GLOBEX, "g", "h", 1), chunks(GLOBEX, "g", 1));

    assertThat(store.tenants()).containsExactlyInAnyOrder(ACME, GLOBEX);

    store.deleteDocument(ACME, "a");

    assertThat(store.tenants()).containsExactly(GLOBEX);
  }

  @Test
  public void sameDocumentIdInTwoTenantsAreTwoDocuments() {
    store.save(document(ACME, "faq", "acme-hash", 1),
        List.of(chunk(ACME, "faq", 0, "Acme ships on Mondays")));
    store.save(document(GLOBEX, "faq", "globex-hash", 1),
        List.of(chunk(GLOBEX, "faq", 0, "Globex ships on Fridays")));

    assertThat(store.findDocument(ACME, "faq").orElseThrow().contentHash()).isEqualTo("acme-hash");
    assertThat(store.findChunk(ACME, "faq#0").orElseThrow().text()).isEqualTo("Acme ships on Mondays");
    assertThat(store.findChunk(GLOBEX, "faq#0").orElseThrow().text())
        .isEqualTo("Globex ships on Fridays");

    store.save(document(GLOBEX, "faq", "globex-v2", 0), List.of());

    assertThat(store.chunks(ACME)).extracting(KnowledgeChunk::text)
        .containsExactly("Acme ships on Mondays");
  }

  @Test
  public void noCallReachesAnotherTenantsRows() {
    store.save(document(ACME, "secret", "h", 2), chunks(ACME, "secret", 2));

    assertThat(store.findDocument(GLOBEX, "secret")).isEmpty();
    assertThat(store.findChunk(GLOBEX, "secret#0")).isEmpty();
    assertThat(store.listDocuments(GLOBEX)).isEmpty();
    assertThat(store.chunks(GLOBEX)).isEmpty();
    assertThat(store.deleteDocument(GLOBEX, "secret")).isFalse();

    assertThat(store.findDocument(ACME, "secret")).isPresent();
    assertThat(store.chunks(ACME)).hasSize(2);
  }

  @Test
  public void refusesChunksOfAnotherTenantAndStoresNothing() {
    List<KnowledgeChunk> mixed = List.of(chunk(ACME, "doc", 0, "mine"),
        chunk(GLOBEX, "doc", 1, "theirs"));

    assertThatThrownBy(() -> store.save(document(ACME, "doc", "h", 2), mixed))
        .isInstanceOf(WacandaException.class);

    assertThat(store.findDocument(ACME, "doc")).isEmpty();
    assertThat(store.chunks(ACME)).isEmpty();
    assertThat(store.chunks(GLOBEX)).isEmpty();
  }

  @Test
  public void refusesChunksOfAnotherDocument() {
    assertThatThrownBy(() -> store.save(document(ACME, "doc", "h", 1),
        List.of(chunk(ACME, "other", 0, "x")))).isInstanceOf(WacandaException.class);

    assertThat(store.findDocument(ACME, "doc")).isEmpty();
  }

  @Test
  public void aFailedReplacementKeepsTheEarlierVersion() {
    KnowledgeDocument v1 = document(ACME, "doc", "v1", 1);
    store.save(v1, chunks(ACME, "doc", 1));

    assertThatThrownBy(() -> store.save(document(ACME, "doc", "v2", 1),
        List.of(chunk(GLOBEX, "doc", 0, "wrong tenant")))).isInstanceOf(WacandaException.class);

    assertThat(store.findDocument(ACME, "doc")).contains(v1);
    assertThat(store.chunks(ACME)).extracting(KnowledgeChunk::text)
        .containsExactly("Passage 0 of doc");
  }

  @Test
  public void keepsConcurrentSavesOfDifferentDocuments() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            String id = "doc-" + thread + "-" + i;
            store.save(document(ACME, id, "h", 2), chunks(ACME, id, 2));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.listDocuments(ACME)).hasSize(100);
    assertThat(store.chunks(ACME)).hasSize(200);
  }

  @Test
  public void readersNeverSeeAHalfReplacedDocument() throws Exception {
    List<KnowledgeChunk> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(chunk(ACME, "doc", i, "version 0"));
    }
    store.save(document(ACME, "doc", "v0", 3), first);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int v = 1; v <= 200; v++) {
          List<KnowledgeChunk> next = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            next.add(chunk(ACME, "doc", i, "version " + v));
          }
          store.save(document(ACME, "doc", "v" + v, 3), next);
        }
      });
      Future<?> reader = pool.submit(() -> {
        for (int r = 0; r < 500; r++) {
          List<String> texts = store.chunks(ACME).stream().map(KnowledgeChunk::text)
              .distinct().toList();
          assertThat(texts).hasSize(1);
        }
      });
      writer.get(60, TimeUnit.SECONDS);
      reader.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void keepsTheIngestionInstant() {
    store.save(document(ACME, "doc", "h", 0), List.of());

    assertThat(store.findDocument(ACME, "doc").orElseThrow().ingestedAt()
        .truncatedTo(ChronoUnit.MILLIS)).isEqualTo(NOW);
  }
}
