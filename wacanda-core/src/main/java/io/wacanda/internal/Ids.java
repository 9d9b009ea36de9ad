package io.wacanda.internal;

import java.security.SecureRandom;

/** Random, URL-safe, sortable-enough ids with a type prefix ({@code int_}, {@code ses_}). Not API. */
public final class Ids {
  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** {@code prefix_} followed by 20 random base-36 characters (about 103 bits). */
  public static String next(String prefix) {
    char[] out = new char[20];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)]; // unbiased
    }
    return prefix + "_" + new String(out);
  }
}
