package io.wacanda.rag;

import io.wacanda.TenantId;
import java.util.Objects;

/**
 * One indexed passage.
 *
 * @param headingPath the headings it sits under, joined with {@code " > "}; empty when none
 * @param position its order within the document, from 0
 * @param embedding the vector as embedded at ingestion, of norm at most 1 (an L2-normalized
 *     embedding, or the default engine's weighted mean of the passage's and its heading's)
 */
public record KnowledgeChunk(String id, TenantId tenant, String documentId, int position,
    String headingPath, String text, float[] embedding) {
  public KnowledgeChunk {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(documentId, "documentId");
    headingPath = headingPath == null ? "" : headingPath;
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(embedding, "embedding");
  }

  @Override
  public String toString() {
    return "KnowledgeChunk[id=" + id + ", document=" + documentId + ", position=" + position + "]";
  }
}
