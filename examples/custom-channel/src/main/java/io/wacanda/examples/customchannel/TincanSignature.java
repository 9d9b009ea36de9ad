package io.wacanda.examples.customchannel;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tincan's webhook signature: header {@code Tincan-Signature: t=<unix seconds>,v1=<hex>}, where
 * the hex is HMAC-SHA256 keyed with the signing secret (its UTF-8 bytes) over
 * {@code <t>.<raw body>}. Several {@code v1} entries may appear while a secret rotates; any one
 * matching is enough. Timestamps further than {@link #TOLERANCE} from now are refused (replays).
 * Comparison is constant-time. Thread-safe.
 */
final class TincanSignature {
  /** Replay window: 5 minutes either side of now. */
  static final Duration TOLERANCE = Duration.ofMinutes(5);
  static final String HEADER = "Tincan-Signature";

  private final byte[] key;
  private final Clock clock;

  TincanSignature(String secret, Clock clock) {
    this.key = Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The header value for a body signed now (what Tincan sends; handy in tests). */
  String header(byte[] body) {
    long t = clock.instant().getEpochSecond();
    return "t=" + t + ",v1=" + hex(t, body);
  }

  /**
   * @throws WacandaException BAD_SIGNATURE when the header is missing or malformed, the timestamp
   *     is outside the tolerance, or no {@code v1} entry matches
   */
  void verify(String header, byte[] body) {
    if (header == null || header.isBlank()) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "missing " + HEADER + " header");
    }
    Long t = null;
    java.util.List<String> candidates = new java.util.ArrayList<>();
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.startsWith("t=")) {
        try {
          t = Long.parseLong(p.substring(2));
        } catch (NumberFormatException e) {
          throw new WacandaException(ErrorCode.BAD_SIGNATURE, HEADER + " has a bad timestamp");
        }
      } else if (p.startsWith("v1=")) {
        candidates.add(p.substring(3));
      }
    }
    if (t == null || candidates.isEmpty()) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, HEADER + " lacks t= or v1=");
    }
    if (Math.abs(clock.instant().getEpochSecond() - t) > TOLERANCE.toSeconds()) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, HEADER + " timestamp outside tolerance");
    }
    byte[] expected = hex(t, body).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String c : candidates) {
      ok |= MessageDigest.isEqual(expected, c.getBytes(StandardCharsets.US_ASCII));
    }
    if (!ok) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "no matching " + HEADER);
    }
  }

  private String hex(long t, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TincanSignature[secret=<redacted>]";
  }
}
