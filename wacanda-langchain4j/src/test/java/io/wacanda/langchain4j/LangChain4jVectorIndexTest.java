package io.wacanda.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.wacanda.TenantId;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.HashingEmbeddingModel;
import io.wacanda.rag.InMemoryKnowledgeStore;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import io.wacanda.rag.VectorIndex;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class LangChain4jVectorIndexTest {

  private static final TenantId A = TenantId.of("a");
  private static final TenantId B = TenantId.of("b");
  private final HashingEmbeddingModel hashing = HashingEmbeddingModel.create();

  @Test
  void keepsTenantsApartInASharedStoreAndReportsCosines() {
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    LangChain4jVectorIndex index = LangChain4jVectorIndex.shared(store);
    float[] returns = hashing.embed("return an item within 30 days");
    index.add(A, "returns#0", returns);
    index.add(B, "returns#0", hashing.embed("tenant b's secret pricing"));

    List<VectorIndex.Hit> hits = index.search(A, returns, 5);

    assertThat(hits).singleElement().satisfies(h -> {
      assertThat(h.chunkId()).isEqualTo("returns#0");
      assertThat(h.score()).isCloseTo(1.0, within(1e-4));
    });
    assertThat(index.size(A)).isEqualTo(1);
    assertThat(index.size(B)).isEqualTo(1);
  }

  @Test
  void replacesAChunkOnReAddAndForgetsItOnRemove() {
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    LangChain4jVectorIndex index = LangChain4jVectorIndex.shared(store);
    index.add(A, "c#0", hashing.embed("old text about shipping"));
    index.add(A, "c#0", hashing.embed("new text about returns"));

    assertThat(index.search(A, hashing.embed("returns"), 10)).hasSize(1);
    index.remove(A, "c#0");
    assertThat(index.search(A, hashing.embed("returns"), 10)).isEmpty();
    assertThat(index.size(A)).isZero();
  }

  @Test
  void backsTheDefaultEngineWithAStorePerTenant() {
    Map<TenantId, EmbeddingStore<TextSegment>> stores = new ConcurrentHashMap<>();
    LangChain4jVectorIndex index = LangChain4jVectorIndex.perTenant(
        t -> stores.computeIfAbsent(t, x -> new InMemoryEmbeddingStore<>()));
    InMemoryKnowledgeStore knowledge = InMemoryKnowledgeStore.create();
    DefaultRagEngine rag = DefaultRagEngine.builder().vectorIndex(index)
        .knowledgeStore(knowledge).build();
    rag.ingest(A, Document.of("returns", "Returns", "kb/returns.md", "text/plain",
        "You can return any item within 30 days."));
    rag.ingest(A, Document.of("shipping", "Shipping", "kb/shipping.md", "text/plain",
        "Standard delivery takes 3 to 5 working days."));
    rag.ingest(B, Document.of("other", "Other", "kb/other.md", "text/plain",
        "Return policies of tenant b."));

    List<Source> hits = rag.search(A, "return an item", 5, RetrievalMode.VECTOR,
        RetrievalFilter.none());
    rag.delete(A, "returns");

    assertThat(hits.get(0).documentId()).isEqualTo("returns");
    assertThat(hits).extracting(Source::documentId).doesNotContain("other");
    assertThat(rag.search(A, "return an item", 5, RetrievalMode.VECTOR, RetrievalFilter.none()))
        .extracting(Source::documentId).containsExactly("shipping");
    assertThat(stores).containsKeys(A, B);

    // a new engine over the same knowledge store re-adds every chunk without duplicates
    DefaultRagEngine restarted = DefaultRagEngine.builder().vectorIndex(index)
        .knowledgeStore(knowledge).build();
    assertThat(restarted.search(A, "delivery", 5, RetrievalMode.VECTOR, RetrievalFilter.none()))
        .hasSize(1);
  }

  @Test
  void storesUnderStableUuids() {
    assertThat(LangChain4jVectorIndex.storeId(A, "x#0"))
        .isEqualTo(LangChain4jVectorIndex.storeId(A, "x#0"))
        .isNotEqualTo(LangChain4jVectorIndex.storeId(B, "x#0"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }
}
