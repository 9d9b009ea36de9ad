package io.wacanda.rag;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** A stored document of a tenant's knowledge base; its content lives in its chunks. */
public record KnowledgeDocument(String id, TenantId tenant, String title, String source,
    String mediaType, String contentHash, Map<String, String> metadata, int chunkCount,
    Instant ingestedAt) {
  public KnowledgeDocument {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    title = title == null ? "" : title;
    source = source == null ? "" : source;
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(contentHash, "contentHash");
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(ingestedAt, "ingestedAt");
  }
}
