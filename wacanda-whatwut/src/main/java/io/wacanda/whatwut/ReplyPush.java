package io.wacanda.whatwut;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.integration.ChannelContext;
import io.wacanda.security.StandardWebhooks;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Pushes replies to the integration's {@code webhook_url} as signed Standard Webhooks events
 * ({@code pushReply} in {@code whatwut-openapi.yaml}): {@code webhook-id} is the reply's idempotency
 * key, the same on every retry; a fresh timestamp and signature on every attempt. Any 2xx succeeds;
 * 410 is final (the receiver wants no more); 429 and 5xx are retryable with their Retry-After;
 * 3xx and other 4xx are final. No bearer key is sent to this URL. Thread-safe.
 */
final class ReplyPush {
  private final ChannelContext context;
  private final StandardWebhooks signer;
  private final String url;
  private final String instanceId;
  private final Duration timeout;

  ReplyPush(ChannelContext context, String url, Duration timeout) {
    this.context = context;
    this.signer = StandardWebhooks.of(
        context.settings().require(WhatWutIntegrationProvider.WEBHOOK_SECRET), context.clock());
    this.url = url;
    this.instanceId = context.settings().get(WhatWutIntegrationProvider.INSTANCE_ID).orElse("");
    this.timeout = timeout;
  }

  SendResult send(OutboundMessage message) {
    Instant now = context.clock().instant();
    String key = WhatWutApi.idempotencyKey(message.idempotencyKey());
    ObjectNode body = WhatWutJson.object();
    body.put("type", "message.reply");
    body.put("timestamp", now.toString());
    ObjectNode data = body.putObject("data");
    data.put("integration_id", context.integration().id());
    data.put("instance_id", instanceId);
    data.put("recipient_id", message.recipientId());
    data.put("text", message.text());
    ArrayNode buttons = data.putArray("buttons");
    message.buttons().forEach(b -> buttons.addObject().put("id", b.id()).put("title", b.title()));
    message.media().ifPresent(m -> data.putObject("media")
        .put("type", m.kind().name().toLowerCase(Locale.ROOT))
        .put("url", m.url().toString())
        .put("caption", m.caption()));
    data.put("idempotency_key", key);
    post(key, WhatWutJson.write(body), "a reply");
    return new SendResult(key, now);
  }

  /** Posts the signed {@code wacanda.test} event of the connectivity test; returns the status. */
  int test(String msgId) {
    ObjectNode body = WhatWutJson.object();
    body.put("type", "wacanda.test");
    body.put("timestamp", context.clock().instant().toString());
    body.putObject("data").put("integration_id", context.integration().id())
        .put("instance_id", instanceId);
    return post(msgId, WhatWutJson.write(body), "the signed test event");
  }

  private int post(String msgId, byte[] body, String what) {
    URI uri = context.urlGuard().check(url);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Wacanda")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signer.headers(msgId, body).forEach(req::header);
    String where = "webhook_url of integration " + context.integration().id();
    HttpResponse<Void> res;
    try {
      res = context.httpClient().send(req.build(), HttpResponse.BodyHandlers.discarding());
    } catch (HttpConnectTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT,
          where + " did not accept a connection for " + what + " within "
              + WhatWutApi.human(WhatWutApi.connectBound(context.httpClient(), timeout)), e);
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT,
          where + " did not answer " + what + " within " + WhatWutApi.human(timeout), e);
    } catch (ConnectException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR,
          where + " refused the connection for " + what, e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR,
          where + " unreachable for " + what + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, "interrupted during " + what, e);
    }
    int s = res.statusCode();
    if (s >= 200 && s < 300) {
      return s;
    }
    String answered = where + " answered " + s + " to " + what;
    if (s == 429 || s >= 500) {
      throw new RetryableException(s == 429 ? ErrorCode.RATE_LIMITED : ErrorCode.CHANNEL_ERROR,
          answered, RetryAfter.parse(res.headers().firstValue("Retry-After"),
              context.clock().instant()).orElse(null), null);
    }
    throw new WacandaException(ErrorCode.CHANNEL_ERROR, answered
        + (s == 410 ? " (gone: the receiver wants no more deliveries)"
            : s >= 300 && s < 400 ? " (redirects are not followed)" : ""));
  }
}
