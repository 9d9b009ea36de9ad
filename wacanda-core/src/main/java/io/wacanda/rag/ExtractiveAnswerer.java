package io.wacanda.rag;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The offline answerer used when no {@link ChatModel} is configured: it quotes the sentences of
 * the best passages that cover the question best, says that it is quoting the knowledge base and
 * names the titles it quoted. It never writes anything the knowledge base does not say.
 *
 * <p>Sentence choice. A sentence's coverage is the IDF-weighted share of the question's terms it
 * contains. The answer quotes the best-covering sentence of the top passage (earlier sentences
 * win ties) with the sentence after it, since answers often run over two. When that sentence is
 * a list item or table row, it is quoted with the line introducing the list ("We accept:"), the
 * first item or table header, and the items after it instead. Then the best sentence of the next
 * {@value #OTHER_PASSAGES} passages is added when it covers at least half as much and at least half
 * of the question. Everything stays within {@code maxSentences} sentences (list items
 * apart) and {@code maxChars} characters. Thread-safe.
 */
final class ExtractiveAnswerer {

  static final String DEFAULT_INTRO = "Here is what I found in our help centre:";
  static final String DEFAULT_NO_ANSWER = "I'm sorry, I don't know the answer to that: I couldn't "
      + "find anything about it in our help centre.";

  static final int OTHER_PASSAGES = 2;
  private static final double MIN_TERM_WEIGHT = 0.1;
  private static final int MAX_LIST_ITEMS = 6;

  private final String intro;
  private final String noAnswer;
  private final int maxSentences;
  private final int maxChars;

  ExtractiveAnswerer(String intro, String noAnswer, int maxSentences, int maxChars) {
    this.intro = intro;
    this.noAnswer = noAnswer;
    this.maxSentences = maxSentences;
    this.maxChars = maxChars;
  }

  ExtractiveAnswerer() {
    this(DEFAULT_INTRO, DEFAULT_NO_ANSWER, 3, 600);
  }

  /** A retrieved passage and its retrieval score (cosine). */
  record Passage(ChunkEntry chunk, double score) {}

  String noAnswer() {
    return noAnswer;
  }

  /**
   * The answer quoting the passages, or {@link #noAnswer()} when there are none.
   *
   * @param questionStems the question's stems
   * @param passages best first
   * @param idf weight of a stem
   */
  String answer(List<String> questionStems, List<Passage> passages, ToDoubleFunction<String> idf) {
    if (passages.isEmpty() || passages.get(0).chunk().sentences().isEmpty()) {
      return noAnswer;
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    double total = 0;
    for (String s : questionStems) {
      if (!weights.containsKey(s)) {
        double w = Math.max(MIN_TERM_WEIGHT, idf.applyAsDouble(s));
        weights.put(s, w);
        total += w;
      }
    }
    Selection selection = new Selection(passages);

    List<ChunkEntry.Sentence> top = passages.get(0).chunk().sentences();
    int best = 0;
    double bestCoverage = -1;
    for (int s = 0; s < top.size(); s++) {
      double c = coverage(top.get(s), weights, total);
      if (c > bestCoverage + 1e-9) {
        bestCoverage = c;
        best = s;
      }
    }
    if (isBlockItem(top.get(best).text()) || top.get(best).text().endsWith(":")) {
      selection.takeBlock(0, best);
    } else {
      selection.take(0, best, false);
      if (best + 1 < top.size()) {
        selection.take(0, best + 1, false);
      }
    }

    int otherP = -1;
    int otherS = -1;
    double otherCoverage = Math.max(0.5, bestCoverage * 0.5) - 1e-9;
    for (int p = 1; p <= OTHER_PASSAGES && p < passages.size(); p++) {
      List<ChunkEntry.Sentence> sentences = passages.get(p).chunk().sentences();
      for (int s = 0; s < sentences.size(); s++) {
        double c = coverage(sentences.get(s), weights, total);
        if (c > otherCoverage) {
          otherCoverage = c;
          otherP = p;
          otherS = s;
        }
      }
    }
    if (otherP > 0) {
      List<ChunkEntry.Sentence> sentences = passages.get(otherP).chunk().sentences();
      int header = blockStart(sentences, otherS);
      if (header < otherS && isTableRow(sentences.get(otherS).text())) {
        selection.take(otherP, header, true);
      }
      selection.take(otherP, otherS, false);
    }
    return selection.render();
  }

  private static double coverage(ChunkEntry.Sentence sentence, Map<String, Double> weights,
      double total) {
    if (total <= 0) {
      return 0;
    }
    double c = 0;
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      if (sentence.stems().contains(w.getKey())) {
        c += w.getValue();
      }
    }
    return c / total;
  }

  private static boolean isTableRow(String sentence) {
    return sentence.contains(" | ");
  }

  private static boolean isBlockItem(String sentence) {
    return TextAnalyzer.isListItem(sentence) || isTableRow(sentence);
  }

  /** First sentence of the list or table that sentence {@code s} belongs to. */
  private static int blockStart(List<ChunkEntry.Sentence> sentences, int s) {
    int start = s;
    while (start > 0 && isBlockItem(sentences.get(start - 1).text())) {
      start--;
    }
    return start;
  }

  /** The sentences chosen so far, per passage, and what is left of the budget. */
  private final class Selection {
    final List<Passage> passages;
    final Map<Integer, TreeSet<Integer>> chosen = new LinkedHashMap<>();
    final Set<String> seen = new LinkedHashSet<>();
    int sentencesLeft = maxSentences;
    int listItemsLeft = MAX_LIST_ITEMS;
    int charsLeft = maxChars;

    Selection(List<Passage> passages) {
      this.passages = passages;
    }

    /** Quotes the list or table around sentence {@code s} of passage {@code p}. */
    void takeBlock(int p, int s) {
      List<ChunkEntry.Sentence> sentences = passages.get(p).chunk().sentences();
      int start = s;
      if (sentences.get(s).text().endsWith(":")) {
        take(p, s, false);
        start = s + 1;
      } else {
        start = blockStart(sentences, s);
        if (start > 0 && sentences.get(start - 1).text().endsWith(":")) {
          take(p, start - 1, false);
        }
        take(p, start, true);
        take(p, s, true);
      }
      for (int i = Math.max(start, s + 1); i < sentences.size()
          && isBlockItem(sentences.get(i).text()); i++) {
        take(p, i, true);
      }
    }

    void take(int p, int s, boolean listItem) {
      String text = passages.get(p).chunk().sentences().get(s).text();
      if (listItem ? listItemsLeft <= 0 : sentencesLeft <= 0) {
        return;
      }
      if (!seen.isEmpty() && text.length() > charsLeft || !seen.add(text)) {
        return;
      }
      chosen.computeIfAbsent(p, x -> new TreeSet<>()).add(s);
      if (listItem) {
        listItemsLeft--;
      } else {
        sentencesLeft--;
      }
      charsLeft -= text.length();
    }

    String render() {
      StringBuilder out = new StringBuilder(intro.length() + maxChars + 80);
      out.append(intro).append("\n\n");
      Set<String> titles = new LinkedHashSet<>();
      boolean firstPassage = true;
      for (Map.Entry<Integer, TreeSet<Integer>> e : chosen.entrySet()) {
        ChunkEntry chunk = passages.get(e.getKey()).chunk();
        if (!firstPassage) {
          out.append('\n');
        }
        firstPassage = false;
        String previous = null;
        for (int s : e.getValue()) {
          String text = chunk.sentences().get(s).text();
          if (previous != null) {
            boolean lines = isBlockItem(text) || isBlockItem(previous) || previous.endsWith(":");
            out.append(lines ? '\n' : ' ');
          }
          out.append(text);
          previous = text;
        }
        if (!chunk.title().isEmpty()) {
          titles.add(chunk.title());
        }
      }
      if (!titles.isEmpty()) {
        out.append("\n\n").append(titles.size() == 1 ? "Source: " : "Sources: ")
            .append(String.join("; ", titles));
      }
      return out.toString();
    }
  }
}
