package io.wacanda.whatwut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.integration.ChannelContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the WhatWut REST API as {@code whatwut-openapi.yaml} defines it: {@code GET /me},
 * {@code GET /instances/{id}}, {@code POST /instances/{id}/messages}. Bearer auth with the
 * integration's {@code api_key}; every URL passes the {@link io.wacanda.security.UrlGuard} before it
 * is fetched (the base URL is user input); every request has {@code timeout}. Answers map to
 * results, {@link RetryableException} (429 with its Retry-After, 5xx, timeouts, broken
 * connections) or a final {@link WacandaException}. Messages name the integration, the instance and
 * the HTTP status, never the key. Thread-safe.
 */
final class WhatWutApi {
  private static final Logger log = LoggerFactory.getLogger(WhatWutApi.class);
  private static final Pattern SAFE_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final ChannelContext context;
  private final String base;
  private final String instanceId;
  private final String apiKey;
  private final Duration timeout;

  WhatWutApi(ChannelContext context, Duration timeout) {
    this.context = context;
    this.base = stripSlash(context.settings().require(WhatWutIntegrationProvider.API_BASE_URL));
    this.instanceId = context.settings().require(WhatWutIntegrationProvider.INSTANCE_ID);
    this.apiKey = context.settings().require(WhatWutIntegrationProvider.API_KEY);
    this.timeout = timeout;
  }

  /** A raw answer: status, headers we read, body bytes. */
  record Answer(int status, Optional<String> retryAfter, byte[] body) {}

  // ------------------------------------------------------------- operations

  /** {@code GET /me}: the key's account, or a failure naming the status. */
  JsonNode apiKeyInfo() {
    Answer a = call("GET", "/me", null, null, "the API key check");
    if (a.status() == 200) {
      return WhatWutJson.tryReadObject(a.body()).orElseThrow(() -> new WacandaException(
          ErrorCode.CHANNEL_ERROR, "WhatWut answered the API key check with a body that is not "
              + "a JSON object"));
    }
    throw failure(a, "the API key check");
  }

  /** {@code GET /instances/{id}}. */
  JsonNode instance() {
    Answer a = call("GET", "/instances/" + instanceId, null, null, "the instance lookup");
    if (a.status() == 200) {
      return WhatWutJson.tryReadObject(a.body()).orElseThrow(() -> new WacandaException(
          ErrorCode.CHANNEL_ERROR, "WhatWut answered the instance lookup with a body that is not "
              + "a JSON object"));
    }
    throw failure(a, "the instance lookup");
  }

  /** {@code POST /instances/{id}/messages} with the message's idempotency key. */
  SendResult send(OutboundMessage message) {
    byte[] body = WhatWutJson.write(sendBody(message));
    String key = idempotencyKey(message.idempotencyKey());
    Answer a = call("POST", "/instances/" + instanceId + "/messages", body, key, "a send");
    Instant now = context.clock().instant();
    if (a.status() == 200 || a.status() == 201) {
      Optional<JsonNode> json = WhatWutJson.tryReadObject(a.body());
      String id = json.flatMap(j -> WhatWutJson.text(j, "id")).orElse("");
      if (id.isEmpty()) {
        // Sent (2xx) but unreadable: retrying would only replay it; keep the send, lose the id.
        log.warn("WhatWut accepted send {} of integration {} without a message id",
            key, context.integration().id());
      } else if (a.status() == 200) {
        log.debug("WhatWut replayed send {} as message {}", key, id);
      }
      Instant sentAt = json.flatMap(j -> WhatWutJson.text(j, "created_at")).flatMap(t -> {
        try {
          return Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
          return Optional.empty();
        }
      }).orElse(now);
      return new SendResult(id, sentAt);
    }
    throw failure(a, "a send");
  }

  static ObjectNode sendBody(OutboundMessage message) {
    if (message.text().isEmpty() && message.media().isEmpty()) {
      throw WacandaException.invalid("a WhatWut message needs text or media");
    }
    ObjectNode body = WhatWutJson.object();
    body.put("to", message.recipientId());
    if (!message.text().isEmpty()) {
      body.put("text", message.text());
    }
    if (!message.buttons().isEmpty()) {
      ArrayNode buttons = body.putArray("buttons");
      message.buttons().forEach(b -> buttons.addObject().put("id", b.id()).put("title", b.title()));
    }
    message.media().ifPresent(m -> {
      ObjectNode media = body.putObject("media");
      media.put("type", m.kind().name().toLowerCase(Locale.ROOT));
      media.put("url", m.url().toString());
      if (!m.caption().isEmpty()) {
        media.put("caption", m.caption());
      }
    });
    return body;
  }

  /**
   * The key as sent in {@code Idempotency-Key} (and {@code webhook-id}): the engine's key when it is
   * 1-255 visible ASCII characters, else {@code sha256:} and its hex digest, stable across retries.
   * Inbound message ids are the customer platform's and may hold anything.
   */
  static String idempotencyKey(String key) {
    if (SAFE_KEY.matcher(key).matches()) {
      return key;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ HTTP

  private Answer call(String method, String path, byte[] body, String idempotencyKey,
      String operation) {
    URI uri = context.urlGuard().check(base + path);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Bearer " + apiKey)
        .header("Accept", "application/json")
        .header("User-Agent", "Wacanda");
    if (body != null) {
      req.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    }
    if (idempotencyKey != null) {
      req.header("Idempotency-Key", idempotencyKey);
    }
    HttpResponse<byte[]> res;
    try {
      res = context.httpClient().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "WhatWut did not accept a "
          + "connection for " + operation + " of integration " + integrationId() + " within "
          + human(connectBound(context.httpClient(), timeout)), e);
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "WhatWut did not answer "
          + operation + " of integration " + integrationId() + " within " + human(timeout), e);
    } catch (ConnectException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR, "WhatWut refused the connection for "
          + operation + " of integration " + integrationId(), e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR, "WhatWut unreachable for " + operation
          + " of integration " + integrationId() + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, "interrupted during " + operation, e);
    }
    log.debug("WhatWut {} {} answered {}", method, path, res.statusCode());
    return new Answer(res.statusCode(), res.headers().firstValue("Retry-After"), res.body());
  }

  /** The exception for a non-success answer. */
  WacandaException failure(Answer a, String operation) {
    int s = a.status();
    String code = WhatWutJson.errorCode(a.body()).filter(c -> !c.contains(apiKey))
        .map(c -> ", code " + c).orElse("");
    String what = "WhatWut answered " + s + " to " + operation + " of integration "
        + integrationId() + code;
    if (s == 429) {
      return new RetryableException(ErrorCode.RATE_LIMITED, what + "; rate limited",
          RetryAfter.parse(a.retryAfter(), context.clock().instant()).orElse(null), null);
    }
    if (s >= 500) {
      return new RetryableException(ErrorCode.CHANNEL_ERROR, what,
          RetryAfter.parse(a.retryAfter(), context.clock().instant()).orElse(null), null);
    }
    String hint;
    switch (s) {
      case 401:
        hint = "; the api_key was rejected, set a valid one";
        break;
      case 403:
        hint = "; the api_key has no access to instance " + instanceId;
        break;
      case 404:
        hint = "; instance " + instanceId + " not found, check instance_id";
        break;
      case 409:
        hint = "; the Idempotency-Key was already used for another message";
        break;
      default:
        hint = s >= 300 && s < 400 ? "; redirects are not followed, check api_base_url" : "";
    }
    return s == 401 || s == 403 || s == 404 ? new Refused(what + hint)
        : new WacandaException(ErrorCode.CHANNEL_ERROR, what + hint);
  }

  /** WhatWut refused the key or the instance: final, and the integration needs fixing. */
  static final class Refused extends WacandaException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(ErrorCode.CHANNEL_ERROR, message);
    }
  }

  String instanceId() {
    return instanceId;
  }

  private String integrationId() {
    return context.integration().id();
  }

  static String stripSlash(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  /** How long a connection attempt may take: the client's connect timeout or the request's. */
  static Duration connectBound(java.net.http.HttpClient client, Duration requestTimeout) {
    return client.connectTimeout().filter(d -> d.compareTo(requestTimeout) < 0)
        .orElse(requestTimeout);
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
