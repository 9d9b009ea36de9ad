package io.wacanda.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Calls the Graph API with the integration's token: JSON in, JSON out, every non-2xx answer turned
 * into the exception {@link GraphError} prescribes. The token goes in the Authorization header only
 * and never into a message. Thread-safe.
 */
final class GraphClient {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Timeout of every Graph request. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final UrlGuard urlGuard;
  private final String baseUrl;
  private final String version;
  private final String accessToken;
  private final Duration timeout;
  private final Consumer<GraphError> tokenRejected;

  GraphClient(HttpClient http, UrlGuard urlGuard, String baseUrl, String version,
      String accessToken, Duration timeout, Consumer<GraphError> tokenRejected) {
    this.http = http;
    this.urlGuard = urlGuard;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.version = version;
    this.accessToken = accessToken;
    this.timeout = timeout;
    this.tokenRejected = tokenRejected;
  }

  /** A JSON answer with its HTTP status. */
  record Answer(int status, JsonNode body, Optional<Duration> retryAfter) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  /** POSTs JSON to {@code /{version}/{path}}; throws the mapped exception on failure. */
  JsonNode post(String path, ObjectNode body, String what, String recipient) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL, "cannot serialize a Graph request", e);
    }
    Answer a = exchange(HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), what);
    return checked(a, what, recipient);
  }

  /** GETs {@code /{version}/{pathAndQuery}}; throws the mapped exception on failure. */
  JsonNode get(String pathAndQuery, String what) {
    return checked(exchange(HttpRequest.newBuilder(uri(pathAndQuery)).GET(), what), what, "");
  }

  /** GETs without throwing on a Graph error, for connectivity tests. */
  Answer getRaw(String pathAndQuery, String what) {
    return exchange(HttpRequest.newBuilder(uri(pathAndQuery)).GET(), what);
  }

  /** Downloads bytes from an absolute URL Graph handed out (media), with the Bearer header. */
  byte[] download(URI url, long maxBytes, String what) {
    urlGuard.check(url);
    HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Authorization", "Bearer " + accessToken)
        .header("User-Agent", "Wacanda").GET().build();
    try {
      HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = res.body()) {
        if (res.statusCode() / 100 != 2) {
          if (res.statusCode() >= 500 || res.statusCode() == 429) {
            throw new RetryableException(ErrorCode.CHANNEL_ERROR,
                what + " failed: HTTP " + res.statusCode(), null);
          }
          throw new WacandaException(ErrorCode.CHANNEL_ERROR,
              what + " failed: HTTP " + res.statusCode());
        }
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
          throw new WacandaException(ErrorCode.PAYLOAD_TOO_LARGE,
              what + ": the file is larger than " + maxBytes + " bytes");
        }
        return bytes;
      }
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, what + " timed out", e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR,
          what + " failed: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, what + " interrupted", e);
    }
  }

  private URI uri(String path) {
    return urlGuard.check(baseUrl + "/" + version + "/" + path);
  }

  private Answer exchange(HttpRequest.Builder builder, String what) {
    HttpRequest req = builder.timeout(timeout)
        .header("Authorization", "Bearer " + accessToken)
        .header("Accept", "application/json")
        .header("User-Agent", "Wacanda").build();
    HttpResponse<byte[]> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT,
          what + " timed out after " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR,
          what + " failed: Graph API unreachable (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, what + " interrupted", e);
    }
    JsonNode body;
    try {
      body = res.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(res.body());
    } catch (IOException e) {
      body = JSON.createObjectNode();
    }
    Answer a = new Answer(res.statusCode(), body == null ? JSON.createObjectNode() : body,
        res.headers().firstValue("Retry-After").flatMap(GraphClient::seconds));
    if (!a.ok() && GraphError.parse(a.status(), a.body()).isTokenProblem()) {
      tokenRejected.accept(GraphError.parse(a.status(), a.body()));
    }
    return a;
  }

  private static JsonNode checked(Answer a, String what, String recipient) {
    if (a.ok()) {
      return a.body();
    }
    throw GraphError.parse(a.status(), a.body()).toException(what, recipient, a.retryAfter());
  }

  private static Optional<Duration> seconds(String v) {
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
