package io.wacanda.rag;

import java.util.Map;
import java.util.Objects;

/**
 * A document to ingest.
 *
 * @param id stable id; ingesting the same id again replaces the document
 * @param source where it came from (file path, URL)
 * @param mediaType {@code text/plain}, {@code text/markdown}, {@code text/html}, ...
 * @param metadata free tags, filterable at retrieval
 */
public record Document(String id, String title, String source, String mediaType, String content,
    Map<String, String> metadata) {
  public Document {
    Objects.requireNonNull(id, "id");
    title = title == null ? "" : title;
    source = source == null ? "" : source;
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(content, "content");
    metadata = Map.copyOf(metadata);
  }

  public static Document of(String id, String title, String source, String mediaType,
      String content) {
    return new Document(id, title, source, mediaType, content, Map.of());
  }

  @Override
  public String toString() {
    return "Document[id=" + id + ", source=" + source + ", mediaType=" + mediaType + ", chars="
        + content.length() + "]";
  }
}
