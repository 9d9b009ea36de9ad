package io.wacanda.knowledge;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.rag.Answer;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.IngestResult;
import io.wacanda.rag.KnowledgeChunk;
import io.wacanda.rag.KnowledgeDocument;
import io.wacanda.rag.KnowledgeStore;
import io.wacanda.rag.RagEngine;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's knowledge base as operators see it: documents listed, ingested, read again and
 * deleted (one by one, or every document of a source), searches to check what the assistant
 * would find, and the {@link KnowledgeSync} of its sources. Backs the {@code /admin/knowledge}
 * routes. Deleting goes through the {@link RagEngine}, so a document's passages leave every index.
 * Thread-safe.
 */
public final class KnowledgeBase {

  private final RagEngine rag;
  private final KnowledgeStore store;
  private final KnowledgeSync sync;

  /**
   * @param rag the engine answering from the knowledge base
   * @param store the store that engine indexes (for a {@link DefaultRagEngine}, its own)
   * @param sync the sources kept in step with it
   */
  public KnowledgeBase(RagEngine rag, KnowledgeStore store, KnowledgeSync sync) {
    this.rag = Objects.requireNonNull(rag, "rag");
    this.store = Objects.requireNonNull(store, "store");
    this.sync = Objects.requireNonNull(sync, "sync");
  }

  /** The engine. */
  public RagEngine rag() {
    return rag;
  }

  /** The sources and their syncs. */
  public KnowledgeSync sources() {
    return sync;
  }

  /**
   * The tenant's documents, by id.
   *
   * @param sourcePrefix only documents whose source starts with it (empty: all)
   * @param knowledgeSourceId only documents of this knowledge source (empty: all)
   */
  public List<KnowledgeDocument> documents(TenantId tenant, Optional<String> sourcePrefix,
      Optional<String> knowledgeSourceId) {
    List<KnowledgeDocument> out = new ArrayList<>();
    for (KnowledgeDocument d : store.listDocuments(tenant)) {
      if (sourcePrefix.isPresent() && !d.source().startsWith(sourcePrefix.get())) {
        continue;
      }
      if (knowledgeSourceId.isPresent()
          && !knowledgeSourceId.get().equals(d.metadata().get(KnowledgeSync.SOURCE_KEY))) {
        continue;
      }
      out.add(d);
    }
    return out;
  }

  public Optional<KnowledgeDocument> document(TenantId tenant, String id) {
    return store.findDocument(tenant, id);
  }

  /** The passages of a document, in order. */
  public List<KnowledgeChunk> chunks(TenantId tenant, String documentId) {
    List<KnowledgeChunk> out = new ArrayList<>();
    for (KnowledgeChunk c : store.chunks(tenant)) {
      if (c.documentId().equals(documentId)) {
        out.add(c);
      }
    }
    return out;
  }

  public IngestResult ingest(TenantId tenant, Document document) {
    return rag.ingest(tenant, document);
  }

  /** Deletes a document and its passages from every index. @return whether it existed */
  public boolean delete(TenantId tenant, String documentId) {
    return rag.delete(tenant, documentId);
  }

  /**
   * Deletes every document whose source starts with the prefix (a file path or URL names one
   * document, a folder or URL prefix many).
   *
   * @return the ids deleted
   * @throws WacandaException {@code INVALID_REQUEST} for a blank prefix
   */
  public List<String> deleteBySource(TenantId tenant, String sourcePrefix) {
    if (sourcePrefix == null || sourcePrefix.isBlank()) {
      throw WacandaException.invalid("source must not be blank");
    }
    List<String> deleted = new ArrayList<>();
    for (KnowledgeDocument d : documents(tenant, Optional.of(sourcePrefix), Optional.empty())) {
      if (rag.delete(tenant, d.id())) {
        deleted.add(d.id());
      }
    }
    return deleted;
  }

  /** Deletes every document of a knowledge source (the source stays). @return the ids deleted */
  public List<String> deleteByKnowledgeSource(TenantId tenant, String knowledgeSourceId) {
    List<String> deleted = new ArrayList<>();
    for (KnowledgeDocument d : documents(tenant, Optional.empty(),
        Optional.of(knowledgeSourceId))) {
      if (rag.delete(tenant, d.id())) {
        deleted.add(d.id());
      }
    }
    return deleted;
  }

  /** See {@link KnowledgeSync#reingest}. */
  public IngestResult reingest(TenantId tenant, String documentId) {
    return sync.reingest(tenant, documentId);
  }

  /**
   * Ranks passages for a query, as the assistant would retrieve them.
   *
   * @throws WacandaException {@code INVALID_REQUEST} when the engine is not a {@link
   *     DefaultRagEngine}
   */
  public List<Source> search(TenantId tenant, String query, int limit, RetrievalMode mode,
      RetrievalFilter filter) {
    if (rag instanceof DefaultRagEngine d) {
      return d.search(tenant, query, limit, mode, filter);
    }
    throw WacandaException.invalid("search needs the DefaultRagEngine; this host uses "
        + rag.getClass().getSimpleName());
  }

  /** Answers a question outside any conversation, optionally filtered. */
  public Answer ask(TenantId tenant, String question, RetrievalFilter filter) {
    return rag.answer(tenant, question, List.of(), filter);
  }

  @Override
  public String toString() {
    return "KnowledgeBase[" + rag + "]";
  }
}
