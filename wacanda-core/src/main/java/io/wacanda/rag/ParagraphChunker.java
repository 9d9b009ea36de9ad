package io.wacanda.rag;

import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The default {@link Chunker}: packs whole paragraphs of a section into passages of at most
 * {@link #maxChars()} characters; a paragraph that does not fit alone is cut between list lines
 * or sentences, and a sentence longer than a passage between words (a single word longer than a
 * passage is the only thing ever cut). Consecutive passages of one section share up to {@link
 * #overlapChars()} characters: the next passage starts with the end of the previous one, from a
 * sentence or word boundary. Passages never span two sections, so each keeps its heading path.
 * Immutable and thread-safe.
 */
public final class ParagraphChunker implements Chunker {

  /** Default largest passage: 800 characters. */
  public static final int DEFAULT_MAX_CHARS = 800;
  /** Default overlap between consecutive passages of a section: 100 characters. */
  public static final int DEFAULT_OVERLAP_CHARS = 100;
  /** Smallest accepted {@code maxChars}: 100 characters. */
  public static final int MIN_MAX_CHARS = 100;

  private static final Pattern BLANK_LINE = Pattern.compile("\\n[ \\t]*\\n\\s*");

  private final int maxChars;
  private final int overlapChars;

  /** A chunker with the defaults: 800 characters, 100 overlap. */
  @Inject
  public ParagraphChunker() {
    this(DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_CHARS);
  }

  private ParagraphChunker(int maxChars, int overlapChars) {
    this.maxChars = maxChars;
    this.overlapChars = overlapChars;
  }

  /** A chunker with the defaults. */
  public static ParagraphChunker create() {
    return new ParagraphChunker();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this chunker's settings. */
  public Builder newBuilder() {
    return new Builder().maxChars(maxChars).overlapChars(overlapChars);
  }

  /** The largest passage, in characters. */
  public int maxChars() {
    return maxChars;
  }

  /** The overlap between consecutive passages of a section, in characters. */
  public int overlapChars() {
    return overlapChars;
  }

  @Override
  public List<Chunk> chunk(ParsedDocument document) {
    List<Chunk> chunks = new ArrayList<>();
    for (ParsedDocument.Section section : document.sections()) {
      String heading = section.heading();
      for (String text : pack(units(section.text()))) {
        chunks.add(new Chunk(chunks.size(), heading, text));
      }
    }
    return chunks;
  }

  /** A piece no longer than maxChars, and what joins it to the piece before. */
  private record Unit(String text, String separator) {}

  private List<Unit> units(String sectionText) {
    List<Unit> units = new ArrayList<>();
    for (String paragraph : BLANK_LINE.split(sectionText.strip())) {
      String p = paragraph.strip();
      if (p.isEmpty()) {
        continue;
      }
      int first = units.size();
      if (p.length() <= maxChars) {
        units.add(new Unit(p, " "));
      } else if (isLineList(p)) {
        for (String line : p.split("\n")) {
          addSentences(line.strip(), "\n", units);
        }
      } else {
        addSentences(p, " ", units);
      }
      if (units.size() > first) {
        units.set(first, new Unit(units.get(first).text(), "\n\n"));
      }
    }
    return units;
  }

  private void addSentences(String text, String separator, List<Unit> units) {
    if (text.isEmpty()) {
      return;
    }
    if (text.length() <= maxChars) {
      units.add(new Unit(text, separator));
      return;
    }
    String sep = separator;
    for (String sentence : TextAnalyzer.sentences(text)) {
      if (sentence.length() <= maxChars) {
        units.add(new Unit(sentence, sep));
      } else {
        for (String piece : splitWords(sentence, maxChars)) {
          units.add(new Unit(piece, sep));
          sep = " ";
        }
      }
      sep = " ";
    }
  }

  /** Cuts at the last white space that keeps a piece within max; hard cut only inside a word longer than max. */
  static List<String> splitWords(String text, int max) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    int n = text.length();
    while (n - start > max) {
      int cut = -1;
      for (int i = start + max; i > start; i--) {
        if (Character.isWhitespace(text.charAt(i))) {
          cut = i;
          break;
        }
      }
      if (cut < 0) {
        cut = start + max;
        pieces.add(text.substring(start, cut));
        start = cut;
      } else {
        pieces.add(text.substring(start, cut).strip());
        start = cut + 1;
      }
      while (start < n && Character.isWhitespace(text.charAt(start))) {
        start++;
      }
    }
    if (start < n) {
      pieces.add(text.substring(start).strip());
    }
    pieces.removeIf(String::isEmpty);
    return pieces;
  }

  private static boolean isLineList(String paragraph) {
    String[] lines = paragraph.split("\n");
    if (lines.length < 2) {
      return false;
    }
    int listy = 0;
    for (String line : lines) {
      String l = line.stripLeading();
      if (l.startsWith("- ") || l.startsWith("* ") || l.startsWith("\u2022") || l.contains(" | ")
          || l.length() > 2 && Character.isDigit(l.charAt(0)) && l.indexOf(". ") > 0
          && l.indexOf(". ") < 4) {
        listy++;
      }
    }
    return listy * 2 >= lines.length;
  }

  private List<String> pack(List<Unit> units) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder(maxChars);
    boolean hasNew = false;
    for (Unit u : units) {
      String sep = current.length() == 0 ? "" : u.separator();
      if (current.length() + sep.length() + u.text().length() <= maxChars) {
        current.append(sep).append(u.text());
        hasNew = true;
        continue;
      }
      if (hasNew) {
        out.add(current.toString());
      }
      String overlap = tail(current.toString(), overlapChars);
      current.setLength(0);
      if (!overlap.isEmpty()
          && overlap.length() + u.separator().length() + u.text().length() <= maxChars) {
        current.append(overlap).append(u.separator());
      }
      current.append(u.text());
      hasNew = true;
    }
    if (hasNew && current.length() > 0) {
      out.add(current.toString());
    }
    return out;
  }

  /**
   * At most {@code max} characters from the end of text, starting at a sentence or line start
   * when one leaves a useful tail, else at a word start; empty when no boundary exists.
   */
  static String tail(String text, int max) {
    if (max == 0 || text.isEmpty()) {
      return "";
    }
    if (text.length() <= max) {
      return text.strip();
    }
    int from = text.length() - max;
    for (int i = from; i < text.length() - 20; i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '.' || c == '!' || c == '?') && i + 1 < text.length()
          && text.charAt(i + 1) == ' ' && i > from) {
        return text.substring(i + 1).strip();
      }
    }
    if (Character.isWhitespace(text.charAt(from - 1))) {
      return text.substring(from).strip();
    }
    for (int i = from; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return text.substring(i + 1).strip();
      }
    }
    return "";
  }

  @Override
  public String toString() {
    return "ParagraphChunker[maxChars=" + maxChars + ", overlapChars=" + overlapChars + "]";
  }

  /** Settings of a {@link ParagraphChunker}; rejects bad values at once. */
  public static final class Builder {
    private int maxChars = DEFAULT_MAX_CHARS;
    private int overlapChars = DEFAULT_OVERLAP_CHARS;

    private Builder() {}

    /** Largest passage in characters, at least 100. Default 800. */
    public Builder maxChars(int maxChars) {
      if (maxChars < MIN_MAX_CHARS) {
        throw WacandaException.invalid("maxChars must be at least " + MIN_MAX_CHARS + ", was "
            + maxChars);
      }
      this.maxChars = maxChars;
      return this;
    }

    /** Overlap in characters, 0 or more; less than half of maxChars. Default 100. */
    public Builder overlapChars(int overlapChars) {
      if (overlapChars < 0) {
        throw WacandaException.invalid("overlapChars must be 0 or more, was " + overlapChars);
      }
      this.overlapChars = overlapChars;
      return this;
    }

    /** @throws WacandaException when overlapChars is not below half of maxChars */
    public ParagraphChunker build() {
      if (overlapChars * 2 >= maxChars) {
        throw WacandaException.invalid("overlapChars (" + overlapChars
            + ") must be less than half of maxChars (" + maxChars + ")");
      }
      return new ParagraphChunker(maxChars, overlapChars);
    }
  }
}
