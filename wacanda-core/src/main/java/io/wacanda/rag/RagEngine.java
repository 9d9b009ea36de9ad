package io.wacanda.rag;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
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

  /**
   * Answers a question from the passages the filter accepts only. The default answers without
   * a filter when the filter is empty and refuses otherwise; {@link DefaultRagEngine} filters.
   *
   * @throws WacandaException {@code INVALID_REQUEST} when the filter is not empty and this engine
   *     cannot filter
   */
  default Answer answer(TenantId tenant, String question, List<ChatMessage> history,
      RetrievalFilter filter) {
    if (filter.isEmpty()) {
      return answer(tenant, question, history);
    }
    throw new WacandaException(ErrorCode.INVALID_REQUEST,
        getClass().getSimpleName() + " cannot filter retrieval");
  }

  /** Removes a document and its chunks from every index. @return whether it existed */
  boolean delete(TenantId tenant, String documentId);
}
