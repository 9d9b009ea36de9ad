package io.wacanda.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import io.wacanda.TenantId;
import io.wacanda.rag.VectorIndex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * Any LangChain4j {@link EmbeddingStore} (pgvector, Qdrant, Milvus, Elasticsearch, Redis,
 * Chroma, in-memory, ...) as Wacanda's {@link VectorIndex}.
 *
 * <pre>{@code
 * VectorIndex index = LangChain4jVectorIndex.shared(PgVectorEmbeddingStore.builder()
 *     .datasource(dataSource).table("wacanda_vectors").dimension(384).build());
 * DefaultRagEngine rag = DefaultRagEngine.builder().vectorIndex(index).build();
 * }</pre>
 *
 * <p><b>Ids.</b> Each vector is stored under a name-based UUID of tenant and chunk id (many
 * stores accept only UUIDs), with a text segment holding the chunk id and the metadata {@value
 * #TENANT_KEY} and {@value #CHUNK_KEY}. <b>Tenants.</b> {@link #shared} keeps every tenant in one
 * store and filters searches on {@value #TENANT_KEY} (the store must support metadata filters);
 * {@link #perTenant} gives each tenant its own store. Adding a chunk removes its earlier vector
 * first, so re-indexing never duplicates.
 *
 * <p><b>Scores.</b> LangChain4j stores report a relevance in 0..1, which for cosine stores is
 * {@code (cosine + 1) / 2}; this index turns it back into the cosine Wacanda works with ({@link
 * Builder#relevanceToCosine}). {@link #size} counts the chunks added through this instance
 * (the {@code DefaultRagEngine} re-adds every chunk from its knowledge store at start-up).
 * Thread-safe when the store is.
 */
public final class LangChain4jVectorIndex implements VectorIndex {

  /** Metadata key of the tenant id on every stored segment. */
  public static final String TENANT_KEY = "wacanda_tenant";
  /** Metadata key of the chunk id on every stored segment. */
  public static final String CHUNK_KEY = "wacanda_chunk";

  private final Function<TenantId, EmbeddingStore<TextSegment>> stores;
  private final boolean shared;
  private final DoubleUnaryOperator toCosine;
  private final ConcurrentHashMap<TenantId, Set<String>> ids = new ConcurrentHashMap<>();

  private LangChain4jVectorIndex(Function<TenantId, EmbeddingStore<TextSegment>> stores,
      boolean shared, DoubleUnaryOperator toCosine) {
    this.stores = stores;
    this.shared = shared;
    this.toCosine = toCosine;
  }

  /** Every tenant in one store; searches filter on the tenant metadata. */
  public static LangChain4jVectorIndex shared(EmbeddingStore<TextSegment> store) {
    return builder(t -> store, true).build();
  }

  /** A store per tenant, from the factory (called on every operation: cache in it). */
  public static LangChain4jVectorIndex perTenant(
      Function<TenantId, EmbeddingStore<TextSegment>> stores) {
    return builder(stores, false).build();
  }

  /**
   * @param shared whether {@code stores} gives one store for every tenant (then searches filter
   *     on the tenant)
   */
  public static Builder builder(Function<TenantId, EmbeddingStore<TextSegment>> stores,
      boolean shared) {
    return new Builder(stores, shared);
  }

  /** The id a chunk's vector is stored under. */
  public static String storeId(TenantId tenant, String chunkId) {
    return UUID.nameUUIDFromBytes((tenant.value() + "\u0000" + chunkId)
        .getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public void add(TenantId tenant, String chunkId, float[] vector) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(chunkId, "chunkId");
    EmbeddingStore<TextSegment> store = store(tenant);
    String id = storeId(tenant, chunkId);
    store.remove(id);
    Metadata metadata = new Metadata().put(TENANT_KEY, tenant.value()).put(CHUNK_KEY, chunkId);
    store.addAll(List.of(id), List.of(Embedding.from(vector.clone())),
        List.of(TextSegment.from(chunkId, metadata)));
    ids.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet()).add(chunkId);
  }

  @Override
  public void remove(TenantId tenant, String chunkId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(chunkId, "chunkId");
    store(tenant).remove(storeId(tenant, chunkId));
    Set<String> set = ids.get(tenant);
    if (set != null) {
      set.remove(chunkId);
    }
  }

  @Override
  public List<Hit> search(TenantId tenant, float[] query, int k) {
    Objects.requireNonNull(tenant, "tenant");
    if (k <= 0) {
      return List.of();
    }
    EmbeddingSearchRequest.EmbeddingSearchRequestBuilder request = EmbeddingSearchRequest
        .builder().queryEmbedding(Embedding.from(query.clone())).maxResults(k).minScore(0.0);
    if (shared) {
      request.filter(MetadataFilterBuilder.metadataKey(TENANT_KEY).isEqualTo(tenant.value()));
    }
    List<Hit> hits = new ArrayList<>();
    for (EmbeddingMatch<TextSegment> m : store(tenant).search(request.build()).matches()) {
      TextSegment segment = m.embedded();
      if (segment == null) {
        continue;
      }
      String chunk = segment.metadata().getString(CHUNK_KEY);
      String owner = segment.metadata().getString(TENANT_KEY);
      if (chunk == null || !tenant.value().equals(owner)) {
        continue; // never another tenant's passage, whatever the store's filter did
      }
      hits.add(new Hit(chunk, toCosine.applyAsDouble(m.score())));
    }
    return hits;
  }

  @Override
  public int size(TenantId tenant) {
    Set<String> set = ids.get(Objects.requireNonNull(tenant, "tenant"));
    return set == null ? 0 : set.size();
  }

  private EmbeddingStore<TextSegment> store(TenantId tenant) {
    return Objects.requireNonNull(stores.apply(tenant), "embedding store of " + tenant);
  }

  @Override
  public String toString() {
    return "LangChain4jVectorIndex[" + (shared ? "shared" : "per tenant") + "]";
  }

  /** Settings of a {@link LangChain4jVectorIndex}. */
  public static final class Builder {
    private final Function<TenantId, EmbeddingStore<TextSegment>> stores;
    private final boolean shared;
    private DoubleUnaryOperator toCosine = relevance -> 2 * relevance - 1;

    private Builder(Function<TenantId, EmbeddingStore<TextSegment>> stores, boolean shared) {
      this.stores = Objects.requireNonNull(stores, "stores");
      this.shared = shared;
    }

    /**
     * Turns the store's score into a cosine. Default {@code 2 * score - 1}, the inverse of
     * LangChain4j's {@code RelevanceScore.fromCosineSimilarity}; use the identity for stores
     * that report the cosine itself.
     */
    public Builder relevanceToCosine(DoubleUnaryOperator toCosine) {
      this.toCosine = Objects.requireNonNull(toCosine, "toCosine");
      return this;
    }

    public LangChain4jVectorIndex build() {
      return new LangChain4jVectorIndex(stores, shared, toCosine);
    }
  }
}
