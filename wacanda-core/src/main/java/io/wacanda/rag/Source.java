package io.wacanda.rag;

import java.util.Objects;

/**
 * A passage an answer was drawn from.
 *
 * @param documentId the document it belongs to
 * @param source where the document came from (file path, URL)
 * @param title the document's title
 * @param text the passage
 * @param score its relevance: the cosine with the question for the default engine
 * @param chunkId the passage's id ({@code documentId#position} in the default engine); empty when
 *     the engine does not say
 * @param headingPath the headings it sits under, joined with {@code " > "}; empty when none
 * @param position its order within the document, from 0; -1 when the engine does not say
 */
public record Source(String documentId, String source, String title, String text, double score,
    String chunkId, String headingPath, int position) {

  public Source {
    Objects.requireNonNull(documentId, "documentId");
    source = source == null ? "" : source;
    title = title == null ? "" : title;
    Objects.requireNonNull(text, "text");
    chunkId = chunkId == null ? "" : chunkId;
    headingPath = headingPath == null ? "" : headingPath;
  }

  /** A source without chunk id, heading path or position. */
  public Source(String documentId, String source, String title, String text, double score) {
    this(documentId, source, title, text, score, "", "", -1);
  }
}
