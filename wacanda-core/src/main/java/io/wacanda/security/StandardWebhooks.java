package io.wacanda.security;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhooks per the Standard Webhooks specification: headers
 * {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}; signature
 * {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body} keyed with the base64-decoded part
 * of a {@code whsec_} secret. Verification checks the timestamp tolerance (default 5 minutes) and
 * accepts any matching {@code v1} entry in constant time. Thread-safe.
 */
public final class StandardWebhooks {
  /** Default replay window: 5 minutes either side of now. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
  public static final String SECRET_PREFIX = "whsec_";

  private final byte[] key;
  private final Clock clock;
  private final Duration tolerance;

  private StandardWebhooks(byte[] key, Clock clock, Duration tolerance) {
    this.key = key;
    this.clock = clock;
    this.tolerance = tolerance;
  }

  /**
   * @param secret a {@code whsec_} secret (its base64 part is the key); a secret without the
   *     prefix is taken as base64 too
   */
  public static StandardWebhooks of(String secret, Clock clock) {
    return of(secret, clock, DEFAULT_TOLERANCE);
  }

  public static StandardWebhooks of(String secret, Clock clock, Duration tolerance) {
    Objects.requireNonNull(secret, "secret");
    String b64 = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw WacandaException.invalid("webhook secret must be whsec_ followed by base64");
    }
    if (key.length < 16) {
      throw WacandaException.invalid("webhook secret is too short (at least 16 bytes)");
    }
    return new StandardWebhooks(key, clock, tolerance);
  }

  /** A new random secret, {@code whsec_} + base64 of 32 bytes. */
  public static String generateSecret() {
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(b);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(b);
  }

  /** The {@code v1,...} signature of one message. */
  public String sign(String msgId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The three headers for a delivery attempt signed now. */
  public Map<String, String> headers(String msgId, byte[] body) {
    long ts = clock.instant().getEpochSecond();
    Map<String, String> h = new LinkedHashMap<>();
    h.put("webhook-id", msgId);
    h.put("webhook-timestamp", Long.toString(ts));
    h.put("webhook-signature", sign(msgId, ts, body));
    return h;
  }

  /**
   * Verifies a received webhook over its raw body.
   *
   * @throws WacandaException BAD_SIGNATURE when a header is missing, the timestamp is outside the
   *     tolerance, or no v1 signature matches
   */
  public void verify(String msgId, String timestamp, String signatureHeader, byte[] body) {
    if (msgId == null || msgId.isBlank() || timestamp == null || signatureHeader == null) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "missing webhook signature headers");
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "webhook-timestamp is not a number");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - ts) > tolerance.toSeconds()) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "webhook-timestamp outside tolerance");
    }
    byte[] expected = sign(msgId, ts, body).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String entry : signatureHeader.trim().split(" +")) {
      if (entry.startsWith("v1,")) {
        ok |= MessageDigest.isEqual(expected, entry.getBytes(StandardCharsets.US_ASCII));
      }
    }
    if (!ok) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "no matching v1 webhook signature");
    }
  }

  @Override
  public String toString() {
    return "StandardWebhooks[secret=<redacted>, tolerance=" + tolerance + "]";
  }
}
