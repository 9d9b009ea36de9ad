package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved vector index makes the engine's start skip the graph rebuild, unless it is stale. */
class IndexPersistenceTest {

  private static final TenantId T = TenantId.of("t");

  @TempDir
  Path dir;

  private static void fill(DefaultRagEngine rag) {
    rag.ingest(T, Document.of("returns", "Returns", "kb/returns.md", "text/plain",
        "You can return any item within 30 days of delivery."));
    rag.ingest(T, Document.of("shipping", "Shipping", "kb/shipping.md", "text/plain",
        "Standard delivery takes 3 to 5 working days."));
  }

  @Test
  void anEngineStartsFromASavedIndexThatMatchesTheStore() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    HnswVectorIndex first = HnswVectorIndex.create();
    DefaultRagEngine before = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(first).build();
    fill(before);
    Path file = dir.resolve("t.hnsw");
    first.save(T, file);

    HnswVectorIndex loaded = HnswVectorIndex.create();
    loaded.load(T, file);
    assertThat(loaded.holdsExactly(T, store.chunks(T))).isTrue();
    DefaultRagEngine after = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(loaded).build();

    assertThat(after.search(T, "return an item", 2, RetrievalMode.VECTOR,
        RetrievalFilter.none())).isEqualTo(before.search(T, "return an item", 2,
        RetrievalMode.VECTOR, RetrievalFilter.none()));
    assertThat(after.answer(T, "How long is delivery?", List.of()).text())
        .contains("3 to 5 working days");
  }

  @Test
  void aStaleSavedIndexIsRebuiltFromTheStore() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    HnswVectorIndex first = HnswVectorIndex.create();
    DefaultRagEngine before = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(first).build();
    fill(before);
    Path file = dir.resolve("t.hnsw");
    first.save(T, file);
    before.delete(T, "shipping"); // the file still holds its vectors

    HnswVectorIndex loaded = HnswVectorIndex.create();
    loaded.load(T, file);
    assertThat(loaded.holdsExactly(T, store.chunks(T))).isFalse();
    DefaultRagEngine after = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(loaded).build();

    assertThat(loaded.size(T)).isEqualTo(store.chunks(T).size());
    assertThat(after.search(T, "delivery working days", 5, RetrievalMode.VECTOR,
        RetrievalFilter.none())).extracting(Source::documentId).containsOnly("returns");
  }

  @Test
  void mixedPassageVectorsAreSavedLoadedAndDeletedLikeAnyOther() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    HnswVectorIndex first = HnswVectorIndex.create();
    DefaultRagEngine before = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(first).build();
    before.ingest(T, Document.of("guide", "", "kb/guide.md", "text/markdown", """
        # Returns

        You can return any item within 30 days of delivery.

        # Delivery

        Standard delivery takes 3 to 5 working days.
        """));
    fill(before);
    // one vector per passage: the weighted mean of its text's and its heading's embeddings
    List<KnowledgeChunk> chunks = store.chunks(T);
    assertThat(chunks).allSatisfy(c -> {
      double norm = Math.sqrt(RankFusion.dot(c.embedding(), c.embedding()));
      assertThat(norm).isLessThan(0.999).isGreaterThan(0.5);
    });
    Path file = dir.resolve("t.hnsw");
    first.save(T, file);

    HnswVectorIndex loaded = HnswVectorIndex.create();
    loaded.load(T, file);
    assertThat(loaded.holdsExactly(T, chunks)).isTrue();
    DefaultRagEngine after = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(loaded).build();
    for (RetrievalMode mode : RetrievalMode.values()) {
      assertThat(after.search(T, "how long does delivery take", 5, mode, RetrievalFilter.none()))
          .isEqualTo(before.search(T, "how long does delivery take", 5, mode,
              RetrievalFilter.none()));
    }

    after.delete(T, "guide");
    assertThat(loaded.size(T)).isEqualTo(2);
    assertThat(after.search(T, "how long does delivery take", 5, RetrievalMode.HYBRID,
        RetrievalFilter.none())).extracting(Source::documentId)
        .containsExactlyInAnyOrder("returns", "shipping");
    Path again = dir.resolve("t2.hnsw");
    loaded.save(T, again);
    HnswVectorIndex reloaded = HnswVectorIndex.create();
    reloaded.load(T, again);
    assertThat(reloaded.holdsExactly(T, store.chunks(T))).isTrue();
  }
}
