package io.wacanda.testing;

import io.wacanda.TenantId;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.rag.Answer;
import io.wacanda.rag.Document;
import io.wacanda.rag.IngestResult;
import io.wacanda.rag.RagEngine;
import io.wacanda.rag.Source;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A RAG engine whose answers tests script: question text to (answer, confidence). */
public final class FixedRagEngine implements RagEngine {
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private volatile Answer fallback = new Answer("I don't know.", List.of(), 0.1, Optional.empty());

  public FixedRagEngine answer(String question, String text, double confidence) {
    answers.put(question, new Answer(text,
        List.of(new Source("doc", "kb/doc.md", "Doc", text, confidence)), confidence,
        Optional.empty()));
    return this;
  }

  public FixedRagEngine fallback(String text, double confidence) {
    fallback = new Answer(text, List.of(), confidence, Optional.empty());
    return this;
  }

  @Override
  public IngestResult ingest(TenantId tenant, Document document) {
    return new IngestResult(document.id(), 0, false);
  }

  @Override
  public Answer answer(TenantId tenant, String question, List<ChatMessage> history) {
    return answers.getOrDefault(question, fallback);
  }

  @Override
  public boolean delete(TenantId tenant, String documentId) {
    return false;
  }
}
