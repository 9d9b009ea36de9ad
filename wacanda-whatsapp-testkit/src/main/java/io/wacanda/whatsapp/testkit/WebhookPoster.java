package io.wacanda.whatsapp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts webhooks the way the platforms do: {@link #postSigned} signs the exact bytes with an app
 * secret ({@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256>}, as Meta does) and posts them;
 * {@link #post} posts bytes with any headers (a gateway's). Thread-safe.
 */
public final class WebhookPoster {
  /** Meta's signature header. */
  public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

  private final HttpClient http;

  private WebhookPoster(HttpClient http) {
    this.http = http;
  }

  public static WebhookPoster create() {
    return new WebhookPoster(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .build());
  }

  /** The status and body of the webhook's answer. */
  public record Delivery(int status, String body) {}

  /** {@code sha256=} + lower-case hex HMAC-SHA256 of {@code body} keyed with the app secret. */
  public static String signature(String appSecret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Signs {@code body} with the app secret and POSTs it to {@code webhookUrl} as JSON. */
  public Delivery postSigned(String webhookUrl, String appSecret, byte[] body) {
    return post(webhookUrl, body, Map.of(SIGNATURE_HEADER, signature(appSecret, body)));
  }

  /** POSTs {@code body} as JSON with extra headers. */
  public Delivery post(String webhookUrl, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(webhookUrl))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Delivery(res.statusCode(), res.body());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot post to " + webhookUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** GETs a URL (the verification handshake), returning status and body. */
  public Delivery get(String url) {
    try {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new Delivery(res.statusCode(), res.body());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot get " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
