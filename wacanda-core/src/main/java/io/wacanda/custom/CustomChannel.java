package io.wacanda.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.TestCheck;
import io.wacanda.internal.Json;
import io.wacanda.internal.MessageLimits;
import io.wacanda.security.StandardWebhooks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel of the {@code custom} type. Inbound webhooks must carry valid Standard Webhooks headers;
 * the body is {@code {"type":"message.received","data":{"sender_id","sender_name","message",
 * "message_id"}}}. Outbound replies are POSTed to {@code webhook_url} as
 * {@code {"type":"message.reply","timestamp","data":{"recipient_id","text","buttons",
 * "idempotency_key"}}} with {@code webhook-id} equal to the idempotency key, so a receiver can
 * de-duplicate retries. Redirects are not followed (a 3xx is a failure); 410 is final; 429 and 5xx
 * are retried by the inbox, honouring Retry-After.
 */
final class CustomChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(CustomChannel.class);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final ChannelContext context;
  private final StandardWebhooks signer;
  private final Optional<String> webhookUrl;
  private final ChannelLimits limits;

  CustomChannel(ChannelContext context) {
    this.context = context;
    this.signer = StandardWebhooks.of(context.settings().require("webhook_secret"),
        context.clock());
    this.webhookUrl = context.settings().get("webhook_url");
    this.limits = new ChannelLimits(context.settings().getInt("max_text_length", 10_000), 10, 40,
        true);
  }

  @Override
  public WebhookResult handleWebhook(HttpRequest request) {
    if (!request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, "custom webhooks are POST only");
    }
    signer.verify(request.header("webhook-id").orElse(null),
        request.header("webhook-timestamp").orElse(null),
        request.header("webhook-signature").orElse(null), request.body());
    String msgId = request.header("webhook-id").orElseThrow();
    JsonNode root;
    try {
      root = Json.mapper().readTree(request.body());
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "webhook body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "webhook body must be a JSON object");
    }
    String type = root.path("type").asText("");
    if (!type.equals("message.received")) {
      return WebhookResult.of(List.of(new InboundEvent.Ignored(msgId, type)));
    }
    return WebhookResult.of(List.of(new InboundEvent.Message(
        parseMessage(root.path("data"), msgId, context.clock().instant()))));
  }

  /**
   * Reads {@code sender_id}, {@code sender_name}, {@code message}, {@code message_id}, bounded like
   * the external API's {@code webhook} action ({@link MessageLimits}). Unlike that action it does
   * not refuse U+0000: a platform would only retry the same bytes ({@link InboundMessage} replaces
   * it).
   */
  static InboundMessage parseMessage(JsonNode data, String fallbackId, Instant now) {
    String sender = data.path("sender_id").asText("");
    String text = data.path("message").asText("");
    if (sender.isBlank() || sender.length() > MessageLimits.ID) {
      throw WacandaException.invalid("data.sender_id is required (at most " + MessageLimits.ID
          + " characters)");
    }
    if (text.isBlank()) {
      throw WacandaException.invalid("data.message is required");
    }
    if (text.length() > MessageLimits.TEXT) {
      throw WacandaException.invalid("data.message must be at most " + MessageLimits.TEXT
          + " characters");
    }
    String id = data.path("message_id").asText("");
    String name = data.path("sender_name").asText("");
    if (id.length() > MessageLimits.ID || name.length() > MessageLimits.ID) {
      throw WacandaException.invalid("data.message_id and data.sender_name must be at most "
          + MessageLimits.ID + " characters");
    }
    return InboundMessage.text(id.isBlank() ? fallbackId : id, sender, name, now, text);
  }

  @Override
  public SendResult send(OutboundMessage message) {
    Instant now = context.clock().instant();
    if (webhookUrl.isEmpty()) {
      log.debug("Integration {} has no webhook_url; reply {} kept in the conversation only",
          context.integration().id(), message.idempotencyKey());
      return new SendResult("", now);
    }
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("type", "message.reply");
    body.put("timestamp", now.toString());
    ObjectNode data = body.putObject("data");
    data.put("integration_id", context.integration().id());
    data.put("recipient_id", message.recipientId());
    data.put("text", message.text());
    ArrayNode buttons = data.putArray("buttons");
    message.buttons().forEach(b -> buttons.addObject().put("id", b.id()).put("title", b.title()));
    data.put("idempotency_key", message.idempotencyKey());
    post(webhookUrl.get(), message.idempotencyKey(), Json.write(body));
    return new SendResult(message.idempotencyKey(), now);
  }

  /** POSTs a signed body; maps the answer to success, retryable or final failure. */
  private int post(String url, String msgId, byte[] body) {
    URI uri = context.urlGuard().check(url);
    java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Wacanda")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    signer.headers(headerSafe(msgId), body).forEach(req::header);
    java.net.http.HttpResponse<Void> res;
    try {
      res = context.httpClient().send(req.build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT,
          "reply URL of integration " + context.integration().id() + " timed out", e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR,
          "reply URL of integration " + context.integration().id() + " unreachable: "
              + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, "interrupted", e);
    }
    int s = res.statusCode();
    if (s >= 200 && s < 300) {
      return s;
    }
    String where = "reply URL of integration " + context.integration().id() + " answered " + s;
    if (s == 429 || s >= 500) {
      Duration retryAfter = res.headers().firstValue("Retry-After").flatMap(CustomChannel::seconds)
          .orElse(null);
      throw new RetryableException(s == 429 ? ErrorCode.RATE_LIMITED : ErrorCode.CHANNEL_ERROR,
          where, retryAfter, null);
    }
    throw new WacandaException(ErrorCode.CHANNEL_ERROR, where
        + (s == 410 ? " (gone: the receiver wants no more deliveries)" : ""));
  }

  /**
   * The key as a header value: kept when it is 1-255 visible ASCII characters, otherwise
   * {@code sha256:} and its hex digest, so any message id a caller sent yields a valid, stable
   * {@code webhook-id}.
   */
  static String headerSafe(String key) {
    if (!key.isEmpty() && key.length() <= 255 && key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return key;
    }
    return "sha256:" + io.wacanda.security.ApiKeys.hash(key);
  }

  private static Optional<Duration> seconds(String v) {
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public ChannelLimits limits() {
    return limits;
  }

  /** Health URL answers 2xx; the reply URL accepts a signed test payload. */
  static List<TestCheck> connectivityTest(ChannelContext context) {
    List<TestCheck> checks = new ArrayList<>();
    Optional<String> health = context.settings().get("health_url");
    if (health.isPresent()) {
      long t0 = System.nanoTime();
      try {
        URI uri = context.urlGuard().check(health.get());
        java.net.http.HttpResponse<Void> res = context.httpClient().send(
            java.net.http.HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        checks.add(res.statusCode() / 100 == 2
            ? TestCheck.pass("health_url", took, "answered " + res.statusCode())
            : TestCheck.fail("health_url", took, "answered " + res.statusCode()));
      } catch (WacandaException e) {
        checks.add(TestCheck.fail("health_url", Duration.ofNanos(System.nanoTime() - t0),
            e.getMessage()));
      } catch (IOException e) {
        checks.add(TestCheck.fail("health_url", Duration.ofNanos(System.nanoTime() - t0),
            describe(e)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        checks.add(TestCheck.fail("health_url", Duration.ZERO, "interrupted"));
      }
    }
    if (context.settings().get("webhook_url").isPresent()) {
      long t0 = System.nanoTime();
      CustomChannel channel = new CustomChannel(context);
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("type", "wacanda.test");
      body.put("timestamp", context.clock().instant().toString());
      body.putObject("data").put("integration_id", context.integration().id());
      try {
        int s = channel.post(context.settings().require("webhook_url"),
            io.wacanda.internal.Ids.next("msg_test"), Json.write(body));
        checks.add(TestCheck.pass("webhook_url", Duration.ofNanos(System.nanoTime() - t0),
            "signed test payload accepted (" + s + ")"));
      } catch (WacandaException e) {
        checks.add(TestCheck.fail("webhook_url", Duration.ofNanos(System.nanoTime() - t0),
            e.getMessage()));
      }
    }
    if (checks.isEmpty()) {
      checks.add(TestCheck.pass("configuration", Duration.ZERO,
          "no URLs configured; messages arrive through the external API"));
    }
    return checks;
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      return "connection timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "timed out after " + REQUEST_TIMEOUT.toSeconds() + " s";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return "unreachable (" + e.getClass().getSimpleName() + ")";
  }
}
