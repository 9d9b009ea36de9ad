package io.wacanda.internal;

/**
 * Text from outside (a platform's message, a parsed document), made storable and writable:
 * U+0000 (NUL) and unpaired UTF-16 surrogates become U+FFFD. No platform sends either in a real
 * message; PostgreSQL cannot store NUL in text columns, and a lone surrogate (which JSON's
 * {@code \\ud800} escape lets through) is not text at all: UTF-8 cannot encode it, so every JSON
 * answer or listing that carried it would come out broken. A message or passage that cannot be
 * stored would fail for good (a webhook event dead-lettered, an ingestion refused with an internal
 * error); a replacement character keeps the rest. Values typed into the HTTP APIs are refused
 * instead (400, see {@link #problem}).
 */
public final class Texts {
  private Texts() {}

  /** {@code s} with every U+0000 and every unpaired surrogate replaced by U+FFFD; null stays null. */
  public static String storable(String s) {
    if (s == null || isClean(s)) {
      return s;
    }
    char[] out = s.toCharArray();
    boolean changed = false;
    for (int i = 0; i < out.length; i++) {
      char c = out[i];
      if (Character.isHighSurrogate(c) && i + 1 < out.length
          && Character.isLowSurrogate(out[i + 1])) {
        i++; // a proper pair
      } else if (c == '\0' || Character.isSurrogate(c)) {
        out[i] = '\uFFFD';
        changed = true;
      }
    }
    return changed ? new String(out) : s;
  }

  /**
   * Why {@code s} cannot be taken as text, for an error message ("contain the NUL character
   * (U+0000)", "contain an unpaired surrogate (\\ud800)"), or null when it can.
   */
  public static String problem(String s) {
    if (s.indexOf('\0') >= 0) {
      return "contain the NUL character (U+0000)";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return String.format("contain an unpaired surrogate (\\u%04x); send valid Unicode text",
            (int) c);
      }
    }
    return null;
  }

  /** Whether {@code s} holds neither NUL nor any surrogate (the common case, one pass). */
  private static boolean isClean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\0' || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
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
