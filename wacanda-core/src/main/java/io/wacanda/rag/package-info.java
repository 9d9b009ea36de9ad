/**
 * Retrieval-augmented generation: the {@link io.wacanda.rag.RagEngine} SPI and the smaller SPIs
 * its default {@link io.wacanda.rag.DefaultRagEngine} is built from ({@link
 * io.wacanda.rag.DocumentParser} for text, Markdown and HTML, {@link io.wacanda.rag.Chunker},
 * {@link io.wacanda.rag.EmbeddingModel}, {@link io.wacanda.rag.VectorIndex}, {@link
 * io.wacanda.rag.ChatModel}), and the {@link io.wacanda.rag.KnowledgeStore} they index, which is
 * the source of truth every index is rebuilt from. Every default works offline: {@link
 * io.wacanda.rag.HashingEmbeddingModel} embeddings, a per-tenant {@link
 * io.wacanda.rag.HnswVectorIndex} (an HNSW graph of its own, persisted in a checksummed format)
 * fused with a {@link io.wacanda.rag.Bm25Index} by score (vector similarity plus the weighted,
 * normalized BM25 score), an {@link
 * io.wacanda.rag.InMemoryKnowledgeStore}, and extractive answers quoting the knowledge base when
 * no chat model (such as {@link io.wacanda.rag.OpenAiCompatibleChatModel}) is configured.
 * Retrieval can be restricted by a {@link io.wacanda.rag.RetrievalFilter} on documents' ids,
 * sources, tags and metadata. Every call is scoped by tenant; every component is thread-safe (builders are not).
 * Non-null by default: absent results are {@link java.util.Optional}, collections are empty,
 * never null.
 */
package io.wacanda.rag;
