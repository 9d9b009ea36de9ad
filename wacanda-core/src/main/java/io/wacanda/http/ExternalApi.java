package io.wacanda.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.conversation.ConversationEngine;
import io.wacanda.conversation.TurnResult;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationService;
import io.wacanda.internal.Ids;
import io.wacanda.internal.MessageLimits;
import io.wacanda.security.RateLimiter;
import io.wacanda.usage.ApiUsage;
import io.wacanda.usage.ApiUsageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code POST /external-api}: actions {@code chat}, {@code webhook}, {@code status}. */
final class ExternalApi {
  /** Replies to synchronous chat are returned whole; no platform limit applies. */
  private static final ChannelLimits SYNC_LIMITS = ChannelLimits.textOnly(100_000);

  private final IntegrationService integrations;
  private final ConversationEngine engine;
  private final WebhookInbox inbox;
  private final ApiUsageStore usage;
  private final RateLimiter limiter;
  private final Clock clock;

  ExternalApi(IntegrationService integrations, ConversationEngine engine, WebhookInbox inbox,
      ApiUsageStore usage, RateLimiter limiter, Clock clock) {
    this.integrations = integrations;
    this.engine = engine;
    this.inbox = inbox;
    this.usage = usage;
    this.limiter = limiter;
    this.clock = clock;
  }

  HttpResponse handle(HttpRequest request) {
    if (!request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, "use POST /external-api");
    }
    long started = System.nanoTime();
    JsonNode body = Requests.jsonObject(request);
    JsonNode actionNode = body.get("action");
    if (actionNode == null || !actionNode.isTextual() || actionNode.asText().isBlank()) {
      throw WacandaException.invalid("'action' is required: chat, webhook or status");
    }
    String action = actionNode.asText();
    if (!List.of("chat", "webhook", "status").contains(action)) {
      throw new WacandaException(ErrorCode.UNKNOWN_ACTION,
          "unknown action '" + truncate(action) + "'; use chat, webhook or status");
    }
    Optional<String> key = Requests.optionalText(body, "integration_key", 200);
    Integration integration = key.flatMap(integrations::findByApiKey).orElseThrow(() ->
        new WacandaException(ErrorCode.UNAUTHORIZED, "missing or invalid integration_key"));
    Optional<Duration> wait = limiter.tryAcquire(integration.apiKeyHash());
    if (wait.isPresent()) {
      log(integration, action, 429, started);
      throw new RetryableException(ErrorCode.RATE_LIMITED,
          "rate limit exceeded for this integration key", wait.get(), null);
    }
    HttpResponse response;
    try {
      if (!integration.enabled()) {
        throw new WacandaException(ErrorCode.FORBIDDEN,
            "integration " + integration.id() + " is disabled");
      }
      response = switch (action) {
        case "chat" -> chat(integration, body);
        case "webhook" -> webhook(integration, body);
        default -> status(integration);
      };
    } catch (WacandaException e) {
      log(integration, action, Envelope.status(e.code()), started);
      throw e;
    }
    log(integration, action, response.status(), started);
    return response;
  }

  private HttpResponse chat(Integration integration, JsonNode body) {
    String sender = Requests.requiredText(body, "sender_id", MessageLimits.ID);
    String message = Requests.requiredText(body, "message", MessageLimits.TEXT);
    String name = Requests.optionalText(body, "sender_name", MessageLimits.ID).orElse("");
    String messageId = Requests.optionalText(body, "message_id", MessageLimits.ID)
        .orElseGet(() -> Ids.next("chat"));
    InboundMessage in = InboundMessage.text(messageId, sender, name, clock.instant(), message);
    TurnResult turn = engine.chat(integration, in, SYNC_LIMITS);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("session_id", turn.sessionId());
    data.put("response", turn.reply());
    data.put("sources", Views.sources(turn.sources()));
    data.put("confidence", Math.round(turn.confidence() * 1000) / 1000.0);
    data.put("handoff", turn.handoff());
    turn.handoffReason().ifPresent(r -> data.put("handoff_reason", r.name()));
    return Envelope.ok(data);
  }

  private HttpResponse webhook(Integration integration, JsonNode body) {
    String eventType = Requests.optionalText(body, "event_type", 100).orElse("message_received");
    JsonNode data = body.get("data");
    if (data == null || !data.isObject()) {
      throw WacandaException.invalid("'data' must be an object");
    }
    // Every field is checked before anything is stored: bad input changes nothing.
    Optional<String> platform = Requests.optionalText(data, "platform", 100);
    InboundEvent event;
    if (eventType.equals("message_received")) {
      String sender = Requests.requiredText(data, "sender_id", MessageLimits.ID);
      String text = Requests.requiredText(data, "message", MessageLimits.TEXT);
      String name = Requests.optionalText(data, "sender_name", MessageLimits.ID).orElse("");
      String messageId = Requests.optionalText(data, "message_id", MessageLimits.ID)
          .orElseGet(() -> Ids.next("ext"));
      event = new InboundEvent.Message(
          InboundMessage.text(messageId, sender, name, clock.instant(), text));
    } else {
      String id = Requests.optionalText(data, "event_id", MessageLimits.ID)
          .orElseGet(() -> Ids.next("ext"));
      event = new InboundEvent.Ignored(id, eventType);
    }
    WebhookEventStore.AppendResult r =
        inbox.append(integration.tenant(), integration.id(), List.of(event)).get(0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("event_id", r.event().id());
    out.put("status", r.event().status().name());
    out.put("duplicate", r.duplicate());
    platform.ifPresent(p -> out.put("platform", p));
    return Envelope.ok(202, out);
  }

  private HttpResponse status(Integration integration) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("integration_id", integration.id());
    data.put("name", integration.name());
    data.put("type", integration.type());
    data.put("enabled", integration.enabled());
    data.put("status", integration.status().state().name());
    data.put("status_message", integration.status().message());
    data.put("stats", Views.stats(integrations.stats(integration.tenant(), integration.id())));
    return Envelope.ok(data);
  }

  private void log(Integration integration, String action, int status, long started) {
    usage.record(new ApiUsage(Ids.next("use"), integration.tenant(), integration.id(), action,
        status, Duration.ofNanos(System.nanoTime() - started), clock.instant()));
  }

  private static String truncate(String s) {
    String clean = s.replaceAll("[^\\p{Alnum}_.-]", "?");
    return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
  }

}
