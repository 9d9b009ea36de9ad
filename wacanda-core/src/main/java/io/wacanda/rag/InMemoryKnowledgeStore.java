package io.wacanda.rag;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default {@link KnowledgeStore}: everything in memory, lost when the process ends
 * (use the {@code wacanda-jdbc} store to keep a knowledge base across restarts).
 *
 * <p>Each tenant's rows live in their own partition; every call names the tenant and touches only
 * its partition. {@link #save} rejects chunks that name another tenant or document, and chunk
 * ids already used by another document of the tenant. Documents are listed by id, chunks by
 * document id then position. Embeddings are copied on the way in and out.
 *
 * <p>Thread-safe: each tenant's partition is guarded by its own lock, so replacing a document
 * and all its chunks is atomic for readers.
 */
public final class InMemoryKnowledgeStore implements KnowledgeStore {

  private final ConcurrentHashMap<TenantId, Partition> partitions = new ConcurrentHashMap<>();

  /** An empty store. */
  @Inject
  public InMemoryKnowledgeStore() {}

  /** An empty store. */
  public static InMemoryKnowledgeStore create() {
    return new InMemoryKnowledgeStore();
  }

  @Override
  public void save(KnowledgeDocument document, List<KnowledgeChunk> chunks) {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(chunks, "chunks");
    TenantId tenant = document.tenant();
    List<KnowledgeChunk> copies = new ArrayList<>(chunks.size());
    Set<String> ids = new HashSet<>();
    for (KnowledgeChunk c : chunks) {
      Objects.requireNonNull(c, "chunk");
      if (!c.tenant().equals(tenant)) {
        throw WacandaException.invalid("chunk " + c.id() + " belongs to tenant " + c.tenant()
            + ", but document " + document.id() + " to tenant " + tenant);
      }
      if (!c.documentId().equals(document.id())) {
        throw WacandaException.invalid("chunk " + c.id() + " belongs to document "
            + c.documentId() + ", not " + document.id());
      }
      if (!ids.add(c.id())) {
        throw WacandaException.invalid("chunk id " + c.id() + " appears twice in document "
            + document.id());
      }
      copies.add(copy(c));
    }
    copies.sort((a, b) -> Integer.compare(a.position(), b.position()));
    Partition p = partitions.computeIfAbsent(tenant, t -> new Partition());
    synchronized (p) {
      for (String id : ids) {
        KnowledgeChunk owner = p.chunksById.get(id);
        if (owner != null && !owner.documentId().equals(document.id())) {
          throw WacandaException.conflict("chunk id " + id + " already belongs to document "
              + owner.documentId() + " of tenant " + tenant);
        }
      }
      List<KnowledgeChunk> old = p.chunksByDocument.remove(document.id());
      if (old != null) {
        for (KnowledgeChunk c : old) {
          p.chunksById.remove(c.id());
        }
      }
      p.documents.put(document.id(), document);
      p.chunksByDocument.put(document.id(), List.copyOf(copies));
      for (KnowledgeChunk c : copies) {
        p.chunksById.put(c.id(), c);
      }
    }
  }

  @Override
  public Optional<KnowledgeDocument> findDocument(TenantId tenant, String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    Partition p = partitions.get(Objects.requireNonNull(tenant, "tenant"));
    if (p == null) {
      return Optional.empty();
    }
    synchronized (p) {
      return Optional.ofNullable(p.documents.get(documentId));
    }
  }

  @Override
  public List<KnowledgeDocument> listDocuments(TenantId tenant) {
    Partition p = partitions.get(Objects.requireNonNull(tenant, "tenant"));
    if (p == null) {
      return List.of();
    }
    synchronized (p) {
      return List.copyOf(p.documents.values());
    }
  }

  @Override
  public boolean deleteDocument(TenantId tenant, String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    Partition p = partitions.get(Objects.requireNonNull(tenant, "tenant"));
    if (p == null) {
      return false;
    }
    synchronized (p) {
      KnowledgeDocument removed = p.documents.remove(documentId);
      List<KnowledgeChunk> old = p.chunksByDocument.remove(documentId);
      if (old != null) {
        for (KnowledgeChunk c : old) {
          p.chunksById.remove(c.id());
        }
      }
      return removed != null;
    }
  }

  @Override
  public Optional<KnowledgeChunk> findChunk(TenantId tenant, String chunkId) {
    Objects.requireNonNull(chunkId, "chunkId");
    Partition p = partitions.get(Objects.requireNonNull(tenant, "tenant"));
    if (p == null) {
      return Optional.empty();
    }
    KnowledgeChunk chunk;
    synchronized (p) {
      chunk = p.chunksById.get(chunkId);
    }
    return Optional.ofNullable(chunk).map(InMemoryKnowledgeStore::copy);
  }

  @Override
  public List<KnowledgeChunk> chunks(TenantId tenant) {
    Partition p = partitions.get(Objects.requireNonNull(tenant, "tenant"));
    if (p == null) {
      return List.of();
    }
    List<KnowledgeChunk> out = new ArrayList<>();
    synchronized (p) {
      for (List<KnowledgeChunk> list : p.chunksByDocument.values()) {
        out.addAll(list);
      }
    }
    out.replaceAll(InMemoryKnowledgeStore::copy);
    return out;
  }

  @Override
  public List<TenantId> tenants() {
    List<TenantId> out = new ArrayList<>();
    for (Map.Entry<TenantId, Partition> e : partitions.entrySet()) {
      synchronized (e.getValue()) {
        if (!e.getValue().documents.isEmpty()) {
          out.add(e.getKey());
        }
      }
    }
    out.sort((a, b) -> a.value().compareTo(b.value()));
    return out;
  }

  private static KnowledgeChunk copy(KnowledgeChunk c) {
    return new KnowledgeChunk(c.id(), c.tenant(), c.documentId(), c.position(), c.headingPath(),
        c.text(), c.embedding().clone());
  }

  @Override
  public String toString() {
    return "InMemoryKnowledgeStore[tenants=" + partitions.size() + "]";
  }

  /** One tenant's rows; guarded by its own monitor. */
  private static final class Partition {
    final TreeMap<String, KnowledgeDocument> documents = new TreeMap<>();
    final TreeMap<String, List<KnowledgeChunk>> chunksByDocument = new TreeMap<>();
    final Map<String, KnowledgeChunk> chunksById = new HashMap<>();
  }
}
