/**
 * LangChain4j bridges: {@link io.wacanda.langchain4j.LangChain4jChatModel}, {@link
 * io.wacanda.langchain4j.LangChain4jEmbeddingModel} and {@link
 * io.wacanda.langchain4j.LangChain4jVectorIndex} make any LangChain4j chat model, embedding model
 * or embedding store work as Wacanda's {@code ChatModel}, {@code EmbeddingModel} and {@code
 * VectorIndex}; {@link io.wacanda.langchain4j.OfflineEmbeddings} gives semantic embeddings
 * computed in the process from a model shipped inside a jar, with no network. Non-null by
 * default.
 */
package io.wacanda.langchain4j;
