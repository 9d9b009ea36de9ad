package io.wacanda.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Integration API keys: {@code wk_} followed by 32 random bytes in URL-safe base64. Only the
 * SHA-256 hash and a short prefix are stored; the key is shown once. (A fast hash is right here:
 * keys are 256-bit random, not guessable passwords.) Thread-safe.
 */
public final class ApiKeys {
  /** Prefix of every generated key. */
  public static final String KEY_PREFIX = "wk_";
  private static final int PREFIX_SHOWN = 10;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private ApiKeys() {}

  public static String generate() {
    return KEY_PREFIX + randomToken(32);
  }

  /** URL-safe random token of {@code bytes} random bytes, without padding. */
  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Lower-case hex SHA-256 of the key. */
  public static String hash(String key) {
    // digest() resets the per-thread instance, so it is ready for the next call.
    return HexFormat.of().formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** The part of a key safe to show in lists. */
  public static String prefix(String key) {
    return key.substring(0, Math.min(PREFIX_SHOWN, key.length()));
  }

  /** Constant-time string comparison. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
        b.getBytes(StandardCharsets.UTF_8));
  }
}
