package io.wacanda.rag;

import java.util.List;
import java.util.Objects;

/**
 * Cuts a parsed document into passages small enough to embed and to quote. Implementations are
 * stateless and thread-safe. The default is {@link ParagraphChunker}.
 */
public interface Chunker {

  /** The passages of the document, in reading order, positions numbered from 0. */
  List<Chunk> chunk(ParsedDocument document);

  /**
   * One passage.
   *
   * @param position its order within the document, from 0
   * @param headingPath the headings it sits under, joined with {@code " > "}; empty when none
   * @param text the passage, never blank
   */
  record Chunk(int position, String headingPath, String text) {
    public Chunk {
      headingPath = headingPath == null ? "" : headingPath;
      Objects.requireNonNull(text, "text");
    }
  }
}
