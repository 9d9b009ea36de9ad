package io.wacanda.rag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine keeps in memory per indexed passage so that answering never re-reads the store
 * nor re-tokenizes a passage: its document's title, source and metadata (shared by the document's
 * passages), its text, embedding, position and sentences with their stems.
 */
record ChunkEntry(String chunkId, String documentId, String title, String source,
    String headingPath, String text, float[] embedding, List<Sentence> sentences, int position,
    Map<String, String> metadata) {

  /** A sentence of the passage and its distinct stems. */
  record Sentence(String text, Set<String> stems) {}

  static ChunkEntry of(KnowledgeChunk chunk, String title, String source,
      Map<String, String> metadata) {
    List<Sentence> sentences = new ArrayList<>();
    for (String s : TextAnalyzer.sentences(chunk.text())) {
      sentences.add(new Sentence(s, Set.copyOf(new HashSet<>(TextAnalyzer.stems(s)))));
    }
    return new ChunkEntry(chunk.id(), chunk.documentId(), title, source, chunk.headingPath(),
        chunk.text(), chunk.embedding(), List.copyOf(sentences), chunk.position(), metadata);
  }

  /**
   * The text that is lexically indexed: title, heading path and passage, so that a passage is
   * found by the words of its document's and section's titles too.
   */
  static String indexText(String title, String headingPath, String text) {
    StringBuilder sb = new StringBuilder(title.length() + headingPath.length() + text.length() + 2);
    if (!title.isEmpty() && !headingPath.startsWith(title)) {
      sb.append(title).append('\n');
    }
    if (!headingPath.isEmpty()) {
      sb.append(headingPath).append('\n');
    }
    return sb.append(text).toString();
  }

  /**
   * The text that names a passage's section: its document title and heading path (the title
   * alone before the first heading). Embedded once per section and mixed into each of its
   * passages' vectors (see {@link DefaultRagEngine.Builder#headingWeight(double)}).
   */
  static String headingText(String title, String headingPath) {
    if (headingPath.isEmpty()) {
      return title;
    }
    if (title.isEmpty() || headingPath.startsWith(title)) {
      return headingPath;
    }
    return title + "\n" + headingPath;
  }

  String indexText() {
    return indexText(title, headingPath, text);
  }
}
