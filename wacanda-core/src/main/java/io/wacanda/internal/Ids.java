package io.wacanda.internal;

import java.security.SecureRandom;

/** Random, URL-safe, sortable-enough ids with a type prefix ({@code int_}, {@code ses_}). Not API. */
public final class Ids {
  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /**
   * {@code prefix_} followed by 20 random base-36 characters (about 103 bits) from a per-thread
   * generator: unique, cheap, contention-free, but not unguessable. For ids that act as a
   * credential (integration ids appear in webhook URLs) use {@link #unguessable(String)}.
   */
  public static String next(String prefix) {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    char[] out = new char[20];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return prefix + "_" + new String(out);
  }

  /** Like {@link #next(String)} but from a {@link SecureRandom}: for ids that must not be guessed. */
  public static String unguessable(String prefix) {
    char[] out = new char[20];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)]; // unbiased
    }
    return prefix + "_" + new String(out);
  }
}
