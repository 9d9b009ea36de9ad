package io.wacanda.whatsapp.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls an Evolution API v2 gateway with the {@code apikey} header. Returns every answer with its
 * status (callers decide what a 404 means); only transport failures throw, as retryable
 * exceptions. The key never appears in a message. Thread-safe.
 */
final class GatewayClient {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Timeout of every gateway request. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final UrlGuard urlGuard;
  private final String baseUrl;
  private final String apiKey;
  private final String instance;
  private final Duration timeout;

  GatewayClient(HttpClient http, UrlGuard urlGuard, String baseUrl, String apiKey,
      String instance, Duration timeout) {
    this.http = http;
    this.urlGuard = urlGuard;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.instance = instance;
    this.timeout = timeout;
  }

  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status / 100 == 2;
    }

    /** The gateway's error text: {@code response.message} joined, or {@code error}. */
    String errorText() {
      JsonNode m = body.path("response").path("message");
      if (m.isArray()) {
        StringBuilder b = new StringBuilder();
        for (JsonNode x : m) {
          if (b.length() > 0) {
            b.append("; ");
          }
          b.append(x.isTextual() ? x.asText() : x.toString());
        }
        return clip(b.toString());
      }
      if (m.isTextual()) {
        return clip(m.asText());
      }
      return clip(body.path("error").asText(body.path("message").asText("")));
    }
  }

  /** {@code /{action}/{instance}}, e.g. {@code instance/connectionState}. */
  String instancePath(String action) {
    return action + "/" + URLEncoder.encode(instance, StandardCharsets.UTF_8).replace("+", "%20");
  }

  Answer get(String path) {
    return exchange(HttpRequest.newBuilder(uri(path)).GET(), "GET " + path);
  }

  Answer delete(String path) {
    return exchange(HttpRequest.newBuilder(uri(path)).DELETE(), "DELETE " + path);
  }

  Answer post(String path, JsonNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL, "cannot serialize a gateway request", e);
    }
    return exchange(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), "POST " + path);
  }

  private URI uri(String path) {
    return urlGuard.check(baseUrl + "/" + path);
  }

  private Answer exchange(HttpRequest.Builder builder, String what) {
    HttpRequest req = builder.timeout(timeout).header("apikey", apiKey)
        .header("Accept", "application/json").header("User-Agent", "Wacanda").build();
    HttpResponse<byte[]> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT,
          "Baileys gateway timed out on " + what + " after " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR, "Baileys gateway unreachable at "
          + host() + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, "interrupted during " + what, e);
    }
    JsonNode body;
    try {
      body = res.body().length == 0 ? null : JSON.readTree(res.body());
    } catch (IOException e) {
      body = null;
    }
    return new Answer(res.statusCode(), body == null ? JSON.createObjectNode() : body);
  }

  String host() {
    try {
      return URI.create(baseUrl).getHost();
    } catch (IllegalArgumentException e) {
      return "(invalid gateway_url)";
    }
  }

  private static String clip(String s) {
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
  }
}
