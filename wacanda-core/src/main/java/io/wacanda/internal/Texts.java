package io.wacanda.internal;

/**
 * Text from outside (a platform's message, a parsed document), made storable: U+0000 (NUL)
 * becomes U+FFFD. No platform sends NUL in a real message, PostgreSQL cannot store it in text
 * columns, and a message or passage that cannot be stored would fail for good (a webhook event
 * dead-lettered, an ingestion refused with an internal error); a replacement character keeps the
 * rest. Values typed into the HTTP APIs are refused instead (400).
 */
public final class Texts {
  private Texts() {}

  /** {@code s} with every U+0000 replaced by U+FFFD; null stays null. */
  public static String storable(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }
}
