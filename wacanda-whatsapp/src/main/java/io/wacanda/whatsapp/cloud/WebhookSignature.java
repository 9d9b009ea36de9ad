package io.wacanda.whatsapp.cloud;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's {@code X-Hub-Signature-256} webhook signature: {@code sha256=} followed by the lower-case
 * hex HMAC-SHA256 of the <em>raw</em> request body, keyed with the app secret. Verify the bytes as
 * received, before any JSON parsing: Meta signs its own escaped form ({@code \/}, {@code \u00e9}),
 * so a re-serialized body never verifies. Thread-safe; holds no state.
 */
public final class WebhookSignature {
  /** The header Meta sends the signature in. */
  public static final String HEADER = "X-Hub-Signature-256";
  private static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  /**
   * The header value Meta would send for {@code body}; for tests and tools that post signed
   * payloads.
   */
  public static String sign(String appSecret, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(appSecret, body));
  }

  /**
   * Checks a header value against the raw body in constant time.
   *
   * @throws WacandaException {@link ErrorCode#BAD_SIGNATURE} when the header is missing, malformed
   *     or does not match; the message never contains the secret or the expected value
   */
  public static void verify(String appSecret, String header, byte[] body) {
    if (header == null || header.isBlank()) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE,
          "missing " + HEADER + " header; WhatsApp webhooks must be signed with the app secret");
    }
    String value = header.trim();
    if (!value.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE,
          HEADER + " must start with 'sha256='");
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(value.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, HEADER + " is not hex");
    }
    if (!MessageDigest.isEqual(given, hmac(appSecret, body))) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE,
          HEADER + " does not match the body; check app_secret (the App Secret of the Meta app "
              + "that owns the webhook)");
    }
  }

  private static byte[] hmac(String appSecret, byte[] body) {
    Objects.requireNonNull(appSecret, "appSecret");
    Objects.requireNonNull(body, "body");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
