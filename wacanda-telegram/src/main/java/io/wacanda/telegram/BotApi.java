package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls Bot API methods ({@code POST {base}/bot{token}/{method}} with a JSON body) for one bot. The
 * token lives only in the request path: no URL, token or request body is ever logged or put into an
 * exception message, and every text that came back from the wire passes through {@link #redact}.
 * Thread-safe.
 */
final class BotApi {
  private static final Logger log = LoggerFactory.getLogger(BotApi.class);
  private static final String REDACTED = "<redacted>";

  private final HttpClient http;
  private final UrlGuard guard;
  private final URI base;
  private final String token;
  private final Duration timeout;
  private final String integrationId;

  BotApi(HttpClient http, UrlGuard guard, String baseUrl, String token, Duration timeout,
      String integrationId) {
    this.http = Objects.requireNonNull(http, "http");
    this.guard = Objects.requireNonNull(guard, "guard");
    String b = Objects.requireNonNull(baseUrl, "baseUrl").strip();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    try {
      this.base = URI.create(b);
    } catch (IllegalArgumentException e) {
      throw WacandaException.invalid("setting 'api_base_url' is not a valid URL");
    }
    this.token = Objects.requireNonNull(token, "token");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.integrationId = Objects.requireNonNull(integrationId, "integrationId");
  }

  /** Calls a method with the default request timeout. */
  Reply call(String method, ObjectNode params) {
    return call(method, params, timeout);
  }

  /**
   * Calls a method and returns Telegram's answer, success or error.
   *
   * @throws RetryableException when Telegram could not be reached or did not answer in time
   * @throws WacandaException URL_NOT_ALLOWED when the base URL is refused by the URL guard
   */
  Reply call(String method, ObjectNode params, Duration requestTimeout) {
    guard.check(base);
    URI uri;
    try {
      uri = URI.create(base + "/bot" + token + "/" + method);
    } catch (IllegalArgumentException e) {
      // The message would quote the URL, token included.
      throw WacandaException.invalid("setting 'bot_token' or 'api_base_url' makes an invalid URL");
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("User-Agent", "Wacanda")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(params)))
        .build();
    long t0 = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "Telegram did not answer "
          + method + " for integration " + integrationId + " within "
          + requestTimeout.toSeconds() + " s", null);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR, "Telegram unreachable for " + method
          + " of integration " + integrationId + " (" + e.getClass().getSimpleName() + ")", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, "interrupted while calling Telegram "
          + method, null);
    }
    Reply reply = parse(response.statusCode(), response.body());
    if (log.isDebugEnabled()) {
      log.debug("Telegram {} of integration {} answered {} in {} ms", method, integrationId,
          reply.ok() ? "ok" : reply.errorCode(), (System.nanoTime() - t0) / 1_000_000);
    }
    return reply;
  }

  private Reply parse(int status, byte[] body) {
    JsonNode root = null;
    try {
      root = Json.mapper().readTree(body);
    } catch (IOException e) {
      // handled below
    }
    if (root == null || !root.isObject() || !root.has("ok")) {
      return new Reply(status, false, null, status,
          "HTTP " + status + " without a Bot API answer", Optional.empty(), Optional.empty());
    }
    if (root.path("ok").asBoolean(false)) {
      return new Reply(status, true, root.path("result"), 0, "", Optional.empty(),
          Optional.empty());
    }
    JsonNode p = root.path("parameters");
    Optional<Duration> retryAfter = p.hasNonNull("retry_after")
        ? Optional.of(Duration.ofSeconds(Math.max(0, p.get("retry_after").asLong())))
        : Optional.empty();
    Optional<Long> migrateTo = p.hasNonNull("migrate_to_chat_id")
        ? Optional.of(p.get("migrate_to_chat_id").asLong()) : Optional.empty();
    int code = root.path("error_code").asInt(status);
    String description = redact(root.path("description").asText("(no description)"));
    if (description.length() > 300) {
      description = description.substring(0, 300) + "...";
    }
    return new Reply(status, false, null, code, description, retryAfter, migrateTo);
  }

  /** Removes the token from a text that may have come from the wire. */
  String redact(String text) {
    return text == null ? "" : text.replace(token, REDACTED);
  }

  /**
   * Telegram's answer.
   *
   * @param errorCode Telegram's {@code error_code} (the HTTP status in practice); 0 when ok
   * @param description Telegram's description, token removed; empty when ok
   */
  record Reply(int httpStatus, boolean ok, JsonNode result, int errorCode, String description,
      Optional<Duration> retryAfter, Optional<Long> migrateTo) {

    /** The result, or the failure mapped to what the caller should do next. */
    JsonNode resultOrThrow(String what) {
      if (ok) {
        return result;
      }
      throw failure(what);
    }

    /**
     * The failure as an exception: 429 and 5xx are retryable (429 with Telegram's
     * {@code retry_after}); everything else is final.
     *
     * @param what the action, e.g. "sendMessage to chat 42 of integration int_1"
     */
    WacandaException failure(String what) {
      String message = what + " failed: Telegram answered " + errorCode + " " + description;
      if (errorCode == 429) {
        return new RetryableException(ErrorCode.RATE_LIMITED, message,
            retryAfter.orElse(Duration.ofSeconds(1)), null);
      }
      if (errorCode >= 500 || httpStatus >= 500) {
        return new RetryableException(ErrorCode.CHANNEL_ERROR, message, null);
      }
      if (errorCode == 401 || errorCode == 404) {
        return new WacandaException(ErrorCode.CHANNEL_ERROR, message
            + " (check the integration's bot_token and api_base_url)");
      }
      return new WacandaException(ErrorCode.CHANNEL_ERROR, message);
    }
  }
}
