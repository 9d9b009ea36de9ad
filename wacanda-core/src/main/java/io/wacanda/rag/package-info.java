/**
 * Retrieval-augmented generation: the {@link io.wacanda.rag.RagEngine} SPI and the smaller SPIs its default is built from (parsing, chunking, embeddings, vector index, chat model), and the knowledge store they index. Non-null by default.
 */
package io.wacanda.rag;
