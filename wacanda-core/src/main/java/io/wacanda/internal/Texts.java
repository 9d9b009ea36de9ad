package io.wacanda.internal;

/**
 * Text from outside (a platform's message, a parsed document), made storable: U+0000 (NUL) and
 * unpaired UTF-16 surrogates become U+FFFD. No platform sends either in a real message. PostgreSQL
 * cannot store NUL in text columns; a lone surrogate (which JSON's {@code \\ud800} escape lets
 * through) is not text at all: PostgreSQL's driver stores it as {@code ?}, and JSON answers carry
 * it on as ill-formed Unicode that strict decoders refuse. A message or passage that cannot be
 * stored would fail for good (a webhook event dead-lettered, an ingestion refused with an internal
 * error); a replacement character keeps the rest. Values typed into the HTTP APIs are refused
 * instead (400, see {@link #problem}).
 */
public final class Texts {
  private Texts() {}

  /** {@code s} with every U+0000 and every unpaired surrogate replaced by U+FFFD; null stays null. */
  public static String storable(String s) {
    int at = s == null ? -1 : firstUnstorable(s, 0);
    if (at < 0) {
      return s;
    }
    char[] out = s.toCharArray();
    while (at >= 0) {
      out[at] = '\uFFFD';
      at = firstUnstorable(s, at + 1);
    }
    return new String(out);
  }

  /**
   * Why {@code s} cannot be taken as text, for an error message ("contain the NUL character
   * (U+0000)", "contain an unpaired surrogate (\\ud800)"), or null when it can.
   */
  public static String problem(String s) {
    int at = firstUnstorable(s, 0);
    if (at < 0) {
      return null;
    }
    char c = s.charAt(at);
    return c == '\0' ? "contain the NUL character (U+0000)"
        : String.format("contain an unpaired surrogate (\\u%04x); send valid Unicode text",
            (int) c);
  }

  /** The index of the first NUL or unpaired surrogate at or after {@code from}, or -1. */
  private static int firstUnstorable(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a proper pair
      } else if (c == '\0' || Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code s} cut to at most {@code max} chars, never between the two halves of a surrogate pair;
   * null stays null.
   */
  public static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }
}
