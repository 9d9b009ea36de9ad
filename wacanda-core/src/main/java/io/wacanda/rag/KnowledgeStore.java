package io.wacanda.rag;

import io.wacanda.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Documents and their chunks (with embeddings): the source of truth every index is built from.
 * Thread-safe; every call scoped by tenant.
 */
public interface KnowledgeStore {

  /** Inserts or replaces a document together with all its chunks, atomically. */
  void save(KnowledgeDocument document, List<KnowledgeChunk> chunks);

  Optional<KnowledgeDocument> findDocument(TenantId tenant, String documentId);

  List<KnowledgeDocument> listDocuments(TenantId tenant);

  /** Deletes the document and its chunks. @return whether it existed */
  boolean deleteDocument(TenantId tenant, String documentId);

  Optional<KnowledgeChunk> findChunk(TenantId tenant, String chunkId);

  /** Every chunk of the tenant, in document then position order; to rebuild an index. */
  List<KnowledgeChunk> chunks(TenantId tenant);

  /** Tenants that have at least one document. */
  List<TenantId> tenants();
}
