package io.wacanda.rag;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one text analysis every retrieval component shares, so that ingestion and queries see the
 * same terms: Unicode normalization (NFKD, accents dropped), lower case, words of letters and
 * digits (apostrophes inside a word are dropped: {@code don't -> dont}), a small English stopword
 * list and a light suffix stemmer. Also splits text into sentences. Hand-written scanners, no
 * regular expressions: this runs on every question. Stateless and thread-safe.
 */
final class TextAnalyzer {

  /** A word as written (normalized) and its stem. */
  record Term(String surface, String stem) {}

  private static final Set<String> STOPWORDS = Set.of(
      "a", "an", "the", "and", "or", "but", "if", "then", "so", "than", "of", "to", "in", "on",
      "at", "by", "for", "with", "from", "about", "as", "into", "onto", "over", "under", "up",
      "down", "out", "off", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does",
      "did", "doing", "done", "have", "has", "had", "having", "i", "me", "my", "mine", "myself",
      "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "it",
      "its", "they", "them", "their", "this", "that", "these", "those", "there", "here", "what",
      "which", "who", "whom", "whose", "how", "when", "where", "why", "can", "could", "would",
      "should", "will", "shall", "may", "might", "must", "not", "no", "yes", "just", "also",
      "very", "too", "any", "some", "all", "each", "every", "please", "hi", "hello", "hey",
      "thanks", "thank", "want", "wanted", "like", "need", "get", "got", "im", "ive",
      "id", "ill", "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent", "youre", "theyre",
      "s", "t", "d", "ll", "re", "ve", "m", "again", "still", "only", "own", "same", "other",
      "such", "both", "more", "most", "much", "many", "few", "let", "know", "tell", "via",
      "after", "before", "during", "while", "because", "since", "until", "something",
      "anything", "nothing", "everything", "someone", "anyone", "thing", "things", "ever",
      "even", "really", "actually", "ok", "okay", "well", "yet", "already", "able", "else");

  private static final Set<String> ABBREVIATIONS = Set.of(
      "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "no", "vs", "approx", "st", "nr", "incl",
      "excl", "min", "max", "fig", "ca");

  private TextAnalyzer() {}

  static boolean isStopword(String word) {
    return STOPWORDS.contains(word);
  }

  /** Lower case, compatibility-decomposed, accents removed. Cheap for ASCII text. */
  static String normalize(String text) {
    boolean ascii = true;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return text.toLowerCase(Locale.ROOT);
    }
    String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); i++) {
      char c = decomposed.charAt(i);
      if (Character.getType(c) != Character.NON_SPACING_MARK) {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** The words of already-normalized text, in order, stopwords included. */
  static List<String> words(String normalized) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder(16);
    int n = normalized.length();
    for (int i = 0; i < n; i++) {
      char c = normalized.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        word.append(c);
      } else if ((c == '\'' || c == '\u2019') && word.length() > 0 && i + 1 < n
          && Character.isLetter(normalized.charAt(i + 1))) {
        continue; // don't -> dont
      } else if (word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  /**
   * The content terms of raw text: normalized words minus stopwords, with their stems. When every
   * word is a stopword and {@code keepStopwordsIfEmpty} is set, all words are kept, so that a
   * question like "how do I" still has something to match.
   */
  static List<Term> terms(String text, boolean keepStopwordsIfEmpty) {
    List<String> words = words(normalize(text));
    List<Term> terms = new ArrayList<>(words.size());
    for (String w : words) {
      if (!STOPWORDS.contains(w)) {
        terms.add(new Term(w, stem(w)));
      }
    }
    if (terms.isEmpty() && keepStopwordsIfEmpty) {
      for (String w : words) {
        terms.add(new Term(w, stem(w)));
      }
    }
    return terms;
  }

  /** The stems of the content terms of raw text, in order, duplicates kept. */
  static List<String> stems(String text) {
    List<String> words = words(normalize(text));
    List<String> stems = new ArrayList<>(words.size());
    for (String w : words) {
      if (!STOPWORDS.contains(w)) {
        stems.add(stem(w));
      }
    }
    return stems;
  }

  /**
   * A light English suffix stemmer: plural {@code -s/-es/-ies}, {@code -ing}, {@code -ed}, then
   * undoubles a final consonant ({@code shipping -> ship}). Deterministic; not linguistically
   * complete, only consistent between documents and questions.
   */
  static String stem(String w) {
    int len = w.length();
    if (len <= 3 || !Character.isLetter(w.charAt(len - 1))) {
      return w;
    }
    String s = w;
    if (s.endsWith("ies") && len > 4) {
      s = s.substring(0, len - 3) + "y";
    } else if (s.endsWith("sses")) {
      s = s.substring(0, len - 2);
    } else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is")) {
      s = s.substring(0, len - 1);
    }
    int l = s.length();
    boolean stripped = false;
    if (s.endsWith("ing") && l > 5) {
      s = s.substring(0, l - 3);
      stripped = true;
    } else if (s.endsWith("ed") && l > 4 && !s.endsWith("eed")) {
      s = s.substring(0, l - 2);
      stripped = true;
    }
    if (stripped) {
      int m = s.length();
      if (m >= 3 && s.charAt(m - 1) == s.charAt(m - 2) && isDoublable(s.charAt(m - 1))) {
        s = s.substring(0, m - 1);
      }
    }
    return s;
  }

  private static boolean isDoublable(char c) {
    return c >= 'a' && c <= 'z' && "aeiouslz".indexOf(c) < 0;
  }

  /**
   * Splits text into sentences. Blank lines always end a sentence; a single line break ends one
   * when either line is a table row ({@code a | b}), the next line starts a list item, or the line
   * ends with punctuation or is short (otherwise it is a hard wrap and is joined with a space).
   * {@code . ! ?} end a sentence when followed by white space and not after a known abbreviation,
   * a single-letter initial or a list number, nor before a lower-case word.
   */
  static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder(Math.min(text.length(), 256));
    int n = text.length();
    int lineStart = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\r') {
        continue;
      }
      if (c == '\n') {
        int next = i + 1;
        boolean blank = false;
        while (next < n && (text.charAt(next) == ' ' || text.charAt(next) == '\t'
            || text.charAt(next) == '\r' || text.charAt(next) == '\n')) {
          if (text.charAt(next) == '\n') {
            blank = true;
          }
          next++;
        }
        boolean lineShort = i - lineStart < 60;
        char last = lastNonSpace(current);
        if (blank || next >= n || startsListItem(text, next) || lineShort
            || current.indexOf(" | ") >= 0 || nextLineIsTableRow(text, next)
            || last == '.' || last == '!' || last == '?' || last == ':' || last == ';') {
          flush(current, out);
        } else {
          appendSpace(current);
        }
        i = next - 1;
        lineStart = next;
        continue;
      }
      if (c == '\t') {
        appendSpace(current);
        continue;
      }
      if (c == ' ' && (current.length() == 0 || current.charAt(current.length() - 1) == ' ')) {
        continue;
      }
      current.append(c);
      if ((c == '.' || c == '!' || c == '?' || c == '\u2026' || c == '\u3002')
          && isSentenceEnd(text, i, current)) {
        // take closing quotes and brackets along
        while (i + 1 < n && isCloser(text.charAt(i + 1))) {
          current.append(text.charAt(++i));
        }
        flush(current, out);
      }
    }
    flush(current, out);
    return out;
  }

  private static boolean isCloser(char c) {
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == '\u201d' || c == '\u2019';
  }

  private static boolean isSentenceEnd(String text, int i, StringBuilder current) {
    int n = text.length();
    int j = i + 1;
    while (j < n && isCloser(text.charAt(j))) {
      j++;
    }
    if (j < n && !Character.isWhitespace(text.charAt(j))) {
      return false; // 3.5, example.com, v1.2
    }
    if (text.charAt(i) != '.') {
      return true;
    }
    if (isListNumber(current)) {
      return false; // "2. Select the items"
    }
    // next word starting lower case: not an end ("approx. five")
    int k = j;
    while (k < n && text.charAt(k) == ' ') {
      k++;
    }
    if (k < n && Character.isLowerCase(text.charAt(k))) {
      return false;
    }
    // word before the dot
    int end = current.length() - 1;
    int start = end;
    while (start > 0 && (Character.isLetterOrDigit(current.charAt(start - 1))
        || current.charAt(start - 1) == '.')) {
      start--;
    }
    if (start == end) {
      return true;
    }
    String word = current.substring(start, end).toLowerCase(Locale.ROOT);
    if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
      return false; // initial
    }
    return !ABBREVIATIONS.contains(word);
  }

  private static boolean nextLineIsTableRow(String text, int from) {
    int end = text.indexOf('\n', from);
    int bar = text.indexOf(" | ", from);
    return bar >= 0 && (end < 0 || bar < end);
  }

  /** The sentence so far is a list number such as {@code 12.}. */
  private static boolean isListNumber(StringBuilder current) {
    int end = current.length() - 1; // the dot
    int start = 0;
    while (start < end && current.charAt(start) == ' ') {
      start++;
    }
    if (end - start < 1 || end - start > 3) {
      return false;
    }
    for (int k = start; k < end; k++) {
      if (!Character.isDigit(current.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a sentence is a list item ({@code - x}, {@code * x}, {@code 2. x}, {@code 2) x}). */
  static boolean isListItem(String sentence) {
    return !sentence.isEmpty() && startsListItem(sentence, 0) && sentence.length() > 2;
  }

  private static boolean startsListItem(String text, int i) {
    if (i >= text.length()) {
      return false;
    }
    char c = text.charAt(i);
    if (c == '-' || c == '*' || c == '\u2022' || c == '|' || c == '+') {
      return true;
    }
    int j = i;
    while (j < text.length() && Character.isDigit(text.charAt(j))) {
      j++;
    }
    return j > i && j < text.length() && (text.charAt(j) == '.' || text.charAt(j) == ')');
  }

  private static char lastNonSpace(StringBuilder sb) {
    for (int i = sb.length() - 1; i >= 0; i--) {
      if (sb.charAt(i) != ' ') {
        return sb.charAt(i);
      }
    }
    return 0;
  }

  private static void appendSpace(StringBuilder sb) {
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
      sb.append(' ');
    }
  }

  private static void flush(StringBuilder current, List<String> out) {
    String s = current.toString().strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
    current.setLength(0);
  }
}
