package io.wacanda.rag;

import io.wacanda.TenantId;
import io.wacanda.conversation.ChatMessage;
import java.util.List;

/**
 * Answers questions from a tenant's knowledge base. The default is {@link DefaultRagEngine}; hosts
 * may plug in their own (a LangChain4j pipeline, a hosted RAG service). Thread-safe.
 */
public interface RagEngine {

  /** Parses, chunks, embeds and indexes a document, replacing an earlier one with the same id. */
  IngestResult ingest(TenantId tenant, Document document);

  /**
   * Answers a question.
   *
   * @param history the session's recent messages, oldest first (may be empty)
   */
  Answer answer(TenantId tenant, String question, List<ChatMessage> history);

  /** Removes a document and its chunks from every index. @return whether it existed */
  boolean delete(TenantId tenant, String documentId);
}
