package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.WacandaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParagraphChunkerTest {

  private static ParsedDocument doc(ParsedDocument.Section... sections) {
    return new ParsedDocument("T", List.of(sections));
  }

  private static ParsedDocument.Section section(String text, String... headings) {
    return new ParsedDocument.Section(List.of(headings), text);
  }

  private static String sentence(Random random, int words) {
    String[] vocabulary = {"order", "parcel", "refund", "courier", "delivery", "address",
        "customer", "payment", "invoice", "warehouse", "tracking", "return", "label", "box"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      String w = vocabulary[random.nextInt(vocabulary.length)];
      sb.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
    }
    return sb.append('.').toString();
  }

  @Test
  void defaultsAreEightHundredCharactersWithOneHundredOverlap() {
    ParagraphChunker chunker = ParagraphChunker.create();

    assertThat(chunker.maxChars()).isEqualTo(800);
    assertThat(chunker.overlapChars()).isEqualTo(100);
  }

  @Test
  void keepsAShortSectionWholeWithItsHeadingPath() {
    List<Chunker.Chunk> chunks = ParagraphChunker.create().chunk(doc(
        section("Returns are free.\n\nUse the label.", "Returns", "Free returns")));

    assertThat(chunks).containsExactly(
        new Chunker.Chunk(0, "Returns > Free returns", "Returns are free.\n\nUse the label."));
  }

  @Test
  void packsWholeParagraphsAndNeverSpansSections() {
    String p1 = "a".repeat(10) + " " + "b".repeat(80) + ".";
    String p2 = "c".repeat(90) + ".";
    String p3 = "d".repeat(90) + ".";
    ParagraphChunker chunker = ParagraphChunker.builder().maxChars(200).overlapChars(0).build();

    List<Chunker.Chunk> chunks = chunker.chunk(doc(
        section(p1 + "\n\n" + p2 + "\n\n" + p3, "A"),
        section("Tiny.", "B")));

    assertThat(chunks).extracting(Chunker.Chunk::text)
        .containsExactly(p1 + "\n\n" + p2, p3, "Tiny.");
    assertThat(chunks).extracting(Chunker.Chunk::headingPath).containsExactly("A", "A", "B");
    assertThat(chunks).extracting(Chunker.Chunk::position).containsExactly(0, 1, 2);
  }

  @Test
  void splitsALongParagraphBetweenSentences() {
    Random random = new Random(7);
    List<String> sentences = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sentences.add(sentence(random, 6 + random.nextInt(8)));
    }
    String paragraph = String.join(" ", sentences);
    ParagraphChunker chunker = ParagraphChunker.builder().maxChars(300).overlapChars(0).build();

    List<Chunker.Chunk> chunks = chunker.chunk(doc(section(paragraph)));

    assertThat(chunks).hasSizeGreaterThan(3);
    for (Chunker.Chunk c : chunks) {
      assertThat(c.text().length()).isLessThanOrEqualTo(300);
      assertThat(c.text()).endsWith(".");
      assertThat(Character.isUpperCase(c.text().charAt(0))).isTrue();
    }
    assertThat(String.join(" ", chunks.stream().map(Chunker.Chunk::text).toList()))
        .isEqualTo(paragraph);
  }

  @Test
  void neverCutsInsideAWordEvenWithoutSentenceBreaks() {
    Random random = new Random(11);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      text.append(i == 0 ? "" : " ").append("word").append(random.nextInt(100_000));
    }
    ParagraphChunker chunker = ParagraphChunker.builder().maxChars(150).overlapChars(40).build();

    List<Chunker.Chunk> chunks = chunker.chunk(doc(section(text.toString())));

    List<String> words = List.of(text.toString().split(" "));
    for (Chunker.Chunk c : chunks) {
      assertThat(c.text().length()).isLessThanOrEqualTo(150);
      assertThat(words).containsAll(List.of(c.text().split("\\s+")));
    }
  }

  @Test
  void cutsOnlyAWordLongerThanAChunk() {
    String giant = "x".repeat(250);
    ParagraphChunker chunker = ParagraphChunker.builder().maxChars(100).overlapChars(0).build();

    List<Chunker.Chunk> chunks = chunker.chunk(doc(section("short " + giant + " end")));

    assertThat(chunks).extracting(Chunker.Chunk::text)
        .containsExactly("short", "x".repeat(100), "x".repeat(100), "x".repeat(50) + " end");
  }

  @Test
  void consecutiveChunksOfASectionOverlapFromABoundary() {
    Random random = new Random(3);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append(i == 0 ? "" : " ").append(sentence(random, 8));
    }
    ParagraphChunker chunker = ParagraphChunker.builder().maxChars(300).overlapChars(80).build();

    List<Chunker.Chunk> chunks = chunker.chunk(doc(section(text.toString(), "H")));

    assertThat(chunks).hasSizeGreaterThan(2);
    for (int i = 1; i < chunks.size(); i++) {
      String previous = chunks.get(i - 1).text();
      String current = chunks.get(i).text();
      assertThat(current.length()).isLessThanOrEqualTo(300);
      String shared = longestSharedPrefixOfSuffix(previous, current);
      assertThat(shared.length()).isBetween(1, 80);
      assertThat(shared).doesNotStartWith(" ");
      assertThat(previous.charAt(previous.length() - shared.length() - 1)).isEqualTo(' ');
    }
  }

  /** The longest suffix of a that b starts with. */
  private static String longestSharedPrefixOfSuffix(String a, String b) {
    for (int len = Math.min(a.length(), b.length()); len > 0; len--) {
      if (b.startsWith(a.substring(a.length() - len))) {
        return a.substring(a.length() - len);
      }
    }
    return "";
  }

  @Test
  void longListsAreSplitBetweenItems() {
    StringBuilder list = new StringBuilder("Countries we ship to:");
    for (int i = 0; i < 40; i++) {
      list.append("\n- Country number ").append(i).append(" with standard delivery");
    }
    ParagraphChunker chunker = ParagraphChunker.builder().maxChars(200).overlapChars(0).build();

    List<Chunker.Chunk> chunks = chunker.chunk(doc(section(list.toString())));

    assertThat(chunks).hasSizeGreaterThan(5);
    for (Chunker.Chunk c : chunks.subList(1, chunks.size())) {
      assertThat(c.text()).startsWith("- Country number");
      assertThat(c.text().split("\n")).allSatisfy(line -> assertThat(line).startsWith("- "));
    }
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> ParagraphChunker.builder().maxChars(99))
        .isInstanceOf(WacandaException.class).hasMessageContaining("maxChars");
    assertThatThrownBy(() -> ParagraphChunker.builder().overlapChars(-1))
        .isInstanceOf(WacandaException.class).hasMessageContaining("overlapChars");
    assertThatThrownBy(() -> ParagraphChunker.builder().maxChars(200).overlapChars(100).build())
        .isInstanceOf(WacandaException.class).hasMessageContaining("half");
    assertThat(ParagraphChunker.create().newBuilder().maxChars(500).build().overlapChars())
        .isEqualTo(100);
  }
}
