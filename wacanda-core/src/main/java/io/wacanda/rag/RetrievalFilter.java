package io.wacanda.rag;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Restricts retrieval to some passages by their document's metadata. Every criterion that is set
 * must hold; an empty filter ({@link #none()}) accepts everything. Immutable.
 *
 * <pre>{@code
 * RetrievalFilter.builder().sources("https://help.example.com/billing/").tags("billing").build();
 * }</pre>
 *
 * @param documentIds the passage's document is one of these (empty: any)
 * @param sources the document's source starts with one of these (empty: any); a full path or URL
 *     names one document, a folder or URL prefix names many
 * @param tags the document has at least one of these tags in its {@value Document#TAGS}
 *     metadata, compared without case (empty: any)
 * @param metadata every entry equals the document's metadata value for its key (empty: any)
 */
public record RetrievalFilter(Set<String> documentIds, Set<String> sources, Set<String> tags,
    Map<String, String> metadata) {

  private static final RetrievalFilter NONE = new RetrievalFilter(Set.of(), Set.of(), Set.of(),
      Map.of());

  public RetrievalFilter {
    documentIds = Set.copyOf(documentIds);
    sources = Set.copyOf(sources);
    TreeSet<String> lower = new TreeSet<>();
    for (String t : tags) {
      String s = t.strip().toLowerCase(java.util.Locale.ROOT);
      if (!s.isEmpty()) {
        lower.add(s);
      }
    }
    tags = Set.copyOf(lower);
    metadata = Map.copyOf(metadata);
  }

  /** Accepts every passage. */
  public static RetrievalFilter none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this filter accepts everything. */
  public boolean isEmpty() {
    return documentIds.isEmpty() && sources.isEmpty() && tags.isEmpty() && metadata.isEmpty();
  }

  /** Whether a document with this id, source and metadata passes. */
  public boolean accepts(String documentId, String source, Map<String, String> documentMetadata) {
    if (!documentIds.isEmpty() && !documentIds.contains(documentId)) {
      return false;
    }
    if (!sources.isEmpty() && sources.stream().noneMatch(source::startsWith)) {
      return false;
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (!e.getValue().equals(documentMetadata.get(e.getKey()))) {
        return false;
      }
    }
    if (!tags.isEmpty()) {
      String own = documentMetadata.getOrDefault(Document.TAGS, "");
      return Arrays.stream(own.split(","))
          .map(t -> t.strip().toLowerCase(java.util.Locale.ROOT))
          .anyMatch(tags::contains);
    }
    return true;
  }

  /** Builds a {@link RetrievalFilter}. */
  public static final class Builder {
    private final Set<String> documentIds = new TreeSet<>();
    private final Set<String> sources = new TreeSet<>();
    private final Set<String> tags = new TreeSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {}

    public Builder documentIds(String... ids) {
      for (String id : ids) {
        documentIds.add(Objects.requireNonNull(id, "documentId"));
      }
      return this;
    }

    /** Source prefixes: a file path or URL, or a folder or URL prefix. */
    public Builder sources(String... prefixes) {
      for (String p : prefixes) {
        sources.add(Objects.requireNonNull(p, "source"));
      }
      return this;
    }

    public Builder tags(String... values) {
      for (String t : values) {
        tags.add(Objects.requireNonNull(t, "tag"));
      }
      return this;
    }

    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public RetrievalFilter build() {
      return new RetrievalFilter(documentIds, sources, tags, metadata);
    }
  }
}
