package io.wacanda.whatwut;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.security.StandardWebhooks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of one {@code whatwut} integration. Inbound: signed Standard Webhooks events posted to
 * the integration's webhook URL, verified over the raw bytes before anything is parsed (messages
 * also arrive through the external API, which does not pass through here). Outbound: WhatWut's
 * REST API, or the {@code webhook_url} when one is set. A send refused for the key or the instance
 * (401, 403, 404) marks the integration ERROR; the next successful send marks it CONNECTED again.
 * Thread-safe.
 */
final class WhatWutChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(WhatWutChannel.class);
  /** Text 4,096 characters, 3 buttons of 20 characters, media by URL (the OpenAPI schemas). */
  static final ChannelLimits LIMITS = new ChannelLimits(4096, 3, 20, true);

  private final ChannelContext context;
  private final StandardWebhooks verifier;
  private final WhatWutApi api;
  private final Optional<ReplyPush> push;
  private final AtomicBoolean refused = new AtomicBoolean();

  WhatWutChannel(ChannelContext context, Duration requestTimeout) {
    this.context = context;
    this.verifier = StandardWebhooks.of(
        context.settings().require(WhatWutIntegrationProvider.WEBHOOK_SECRET), context.clock());
    this.api = new WhatWutApi(context, requestTimeout);
    this.push = context.settings().get(WhatWutIntegrationProvider.WEBHOOK_URL)
        .map(url -> new ReplyPush(context, url, requestTimeout));
  }

  @Override
  public WebhookResult handleWebhook(HttpRequest request) {
    if (!request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED,
          "WhatWut webhooks are POST only (signed per Standard Webhooks)");
    }
    String id = request.header("webhook-id").orElse(null);
    verifier.verify(id, request.header("webhook-timestamp").orElse(null),
        request.header("webhook-signature").orElse(null), request.body());
    return WebhookResult.of(List.of(InboundEvents.parse(request.body(), id, api.instanceId(),
        context.clock().instant())));
  }

  @Override
  public SendResult send(OutboundMessage message) {
    try {
      SendResult result = push.isPresent() ? push.get().send(message) : api.send(message);
      if (refused.compareAndSet(true, false)) {
        context.events().statusChanged(IntegrationStatus.of(ConnectionState.CONNECTED, "",
            context.clock().instant()));
      }
      return result;
    } catch (WacandaException e) {
      if (e instanceof WhatWutApi.Refused && refused.compareAndSet(false, true)) {
        log.warn("WhatWut refused integration {}: {}", context.integration().id(),
            e.getMessage());
        context.events().statusChanged(IntegrationStatus.of(ConnectionState.ERROR,
            e.getMessage(), context.clock().instant()));
      }
      throw e;
    }
  }

  @Override
  public ChannelLimits limits() {
    return LIMITS;
  }
}
