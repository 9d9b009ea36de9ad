package io.wacanda.rag;

import io.wacanda.internal.Texts;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A document to ingest: text ({@link #of}) or, for formats such as PDF, raw bytes ({@link
 * #ofBytes}) that a {@link DocumentParser} for its media type reads.
 *
 * @param id stable id; ingesting the same id again replaces the document
 * @param source where it came from (file path, URL)
 * @param mediaType {@code text/plain}, {@code text/markdown}, {@code text/html}, {@code
 *     application/pdf}, ...
 * @param content the text; empty for a binary document
 * @param metadata free tags, filterable at retrieval ({@link RetrievalFilter}); the key {@value
 *     #TAGS} holds comma-separated tags
 * @param bytes the raw content of a binary document; empty for a text document. The accessor
 *     returns a copy.
 */
public record Document(String id, String title, String source, String mediaType, String content,
    Map<String, String> metadata, byte[] bytes) {

  /** Metadata key of a document's comma-separated tags. */
  public static final String TAGS = "tags";

  public Document {
    Objects.requireNonNull(id, "id");
    title = title == null ? "" : Texts.storable(title);
    source = source == null ? "" : Texts.storable(source);
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(content, "content");
    metadata = Map.copyOf(metadata);
    bytes = bytes == null ? new byte[0] : bytes.clone();
  }

  /** A text document. */
  public Document(String id, String title, String source, String mediaType, String content,
      Map<String, String> metadata) {
    this(id, title, source, mediaType, content, metadata, null);
  }

  public static Document of(String id, String title, String source, String mediaType,
      String content) {
    return new Document(id, title, source, mediaType, content, Map.of());
  }

  /** A binary document (PDF, ...): its bytes are read by the parser for its media type. */
  public static Document ofBytes(String id, String title, String source, String mediaType,
      byte[] bytes, Map<String, String> metadata) {
    Objects.requireNonNull(bytes, "bytes");
    return new Document(id, title, source, mediaType, "", metadata, bytes);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Whether this document carries bytes rather than text. */
  public boolean isBinary() {
    return bytes.length > 0;
  }

  /** The size the engine limits: characters of text, or bytes of a binary document. */
  public int size() {
    return isBinary() ? bytes.length : content.length();
  }

  /** The text; for a binary document its bytes decoded as UTF-8. */
  public String text() {
    return isBinary() ? new String(bytes, StandardCharsets.UTF_8) : content;
  }

  /** Updates {@code digest} with the content (bytes or UTF-8 text), without copying the bytes. */
  void digestContent(java.security.MessageDigest digest) {
    if (isBinary()) {
      digest.update(bytes);
    } else {
      digest.update(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Document d && id.equals(d.id) && title.equals(d.title)
        && source.equals(d.source) && mediaType.equals(d.mediaType) && content.equals(d.content)
        && metadata.equals(d.metadata) && java.util.Arrays.equals(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, title, source, mediaType, content, metadata,
        java.util.Arrays.hashCode(bytes));
  }

  @Override
  public String toString() {
    return "Document[id=" + id + ", source=" + source + ", mediaType=" + mediaType
        + (isBinary() ? ", bytes=" + bytes.length : ", chars=" + content.length()) + "]";
  }
}
