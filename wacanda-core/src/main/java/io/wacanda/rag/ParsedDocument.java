package io.wacanda.rag;

import io.wacanda.internal.Texts;
import java.util.List;
import java.util.Objects;

/**
 * A document reduced to plain text by a {@link DocumentParser}: a title and the sections under
 * their headings, in reading order.
 *
 * @param title the document's own title (front matter, first heading, HTML {@code <title>}), or
 *     the title given with the {@link Document}; empty when none
 * @param sections the text in reading order; paragraphs inside a section are separated by a blank
 *     line, list items and table rows by a line break
 *
 * <p>No string here holds U+0000 (NUL): it becomes U+FFFD, as PostgreSQL cannot store it.
 */
public record ParsedDocument(String title, List<Section> sections) {
  public ParsedDocument {
    title = title == null ? "" : Texts.storable(title.strip());
    sections = List.copyOf(sections);
  }

  /**
   * Text under one heading.
   *
   * @param headingPath the enclosing headings, outermost first; empty before the first heading
   * @param text plain text, never blank
   */
  public record Section(List<String> headingPath, String text) {
    public Section {
      headingPath = headingPath.stream().map(Texts::storable).toList();
      text = Texts.storable(Objects.requireNonNull(text, "text"));
    }

    /** The heading path joined with {@code " > "}, as stored on a {@link KnowledgeChunk}. */
    public String heading() {
      return String.join(" > ", headingPath);
    }
  }
}
