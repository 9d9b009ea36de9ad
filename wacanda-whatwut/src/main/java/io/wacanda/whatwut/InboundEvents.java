package io.wacanda.whatwut;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps one verified WhatWut event ({@code webhooks} in {@code whatwut-openapi.yaml}) to a
 * normalized {@link InboundEvent}: {@code message.received} to a message (idempotent on
 * {@code data.message_id}, so the same message sent through the external API is recognised too),
 * {@code message.status} to a delivery report, {@code conversation.closed} to a closed
 * conversation. Unknown event kinds, unknown statuses and events of another instance become
 * {@link InboundEvent.Ignored}; unknown message kinds become {@link MessageContent.Unsupported}.
 * A message without a sender is malformed (INVALID_REQUEST).
 */
final class InboundEvents {
  private static final int MAX_ID = 256;

  private InboundEvents() {}

  /**
   * @param webhookId the verified {@code webhook-id}: the key of events that carry no id of their
   *     own
   * @param instanceId the integration's instance; events naming another one are ignored
   */
  static InboundEvent parse(byte[] body, String webhookId, String instanceId, Instant now) {
    JsonNode root = WhatWutJson.readObject(body, "WhatWut event");
    String type = root.path("type").asText("");
    JsonNode data = root.path("data");
    if (!data.isObject()) {
      return new InboundEvent.Ignored(webhookId, type.isBlank() ? "unknown" : type);
    }
    Optional<String> eventInstance = WhatWutJson.text(data, "instance_id");
    if (eventInstance.isPresent() && !eventInstance.get().equals(instanceId)) {
      return new InboundEvent.Ignored(webhookId, "other_instance");
    }
    Instant at = WhatWutJson.text(root, "timestamp").flatMap(InboundEvents::instant).orElse(now);
    switch (type) {
      case "message.received":
        return new InboundEvent.Message(message(data, webhookId, at));
      case "message.status":
        return status(data, webhookId, at);
      case "conversation.closed":
        return new InboundEvent.ConversationClosed(webhookId, requiredId(data, "sender_id"),
            WhatWutJson.text(data, "reason").orElse(""));
      default:
        return new InboundEvent.Ignored(webhookId, type.isBlank() ? "unknown" : type);
    }
  }

  private static InboundMessage message(JsonNode data, String webhookId, Instant at) {
    String sender = requiredId(data, "sender_id");
    String id = WhatWutJson.text(data, "message_id").orElse(webhookId);
    if (id.length() > MAX_ID) {
      throw WacandaException.invalid("data.message_id must be at most 256 characters");
    }
    String kind = WhatWutJson.text(data, "type").orElse("text").toLowerCase(Locale.ROOT);
    return new InboundMessage(id, sender, sender, WhatWutJson.text(data, "sender_name").orElse(""),
        at, content(kind, data), WhatWutJson.text(data, "reply_to").orElse(""));
  }

  private static MessageContent content(String kind, JsonNode data) {
    switch (kind) {
      case "text":
        return new MessageContent.Text(WhatWutJson.text(data, "text").orElseThrow(() ->
            WacandaException.invalid("data.text is required for a text message")));
      case "image":
      case "audio":
      case "voice":
      case "video":
      case "document":
      case "sticker": {
        JsonNode media = data.path("media");
        String url = WhatWutJson.text(media, "url").orElseThrow(() ->
            WacandaException.invalid("data.media.url is required for a " + kind + " message"));
        return new MessageContent.Media(MessageContent.MediaKind.valueOf(
            kind.toUpperCase(Locale.ROOT)), url, WhatWutJson.text(media, "mime_type").orElse(""),
            WhatWutJson.text(media, "caption").orElse(""),
            WhatWutJson.text(media, "file_name").orElse(""));
      }
      case "location": {
        JsonNode loc = data.path("location");
        if (!loc.path("latitude").isNumber() || !loc.path("longitude").isNumber()) {
          throw WacandaException.invalid(
              "data.location.latitude and longitude are required for a location message");
        }
        return new MessageContent.Location(loc.get("latitude").asDouble(),
            loc.get("longitude").asDouble(), WhatWutJson.text(loc, "name").orElse(""),
            WhatWutJson.text(loc, "address").orElse(""));
      }
      case "button_reply": {
        JsonNode button = data.path("button");
        return new MessageContent.InteractiveReply(WhatWutJson.text(button, "id").orElseThrow(() ->
            WacandaException.invalid("data.button.id is required for a button_reply message")),
            WhatWutJson.text(button, "title").orElse(""));
      }
      default:
        return new MessageContent.Unsupported(kind);
    }
  }

  private static InboundEvent status(JsonNode data, String webhookId, Instant at) {
    Optional<String> messageId = WhatWutJson.text(data, "message_id");
    String status = WhatWutJson.text(data, "status").orElse("").toLowerCase(Locale.ROOT);
    DeliveryState state;
    switch (status) {
      case "queued":
        state = DeliveryState.PENDING;
        break;
      case "sent":
        state = DeliveryState.SENT;
        break;
      case "delivered":
        state = DeliveryState.DELIVERED;
        break;
      case "read":
        state = DeliveryState.READ;
        break;
      case "failed":
        state = DeliveryState.FAILED;
        break;
      default:
        return new InboundEvent.Ignored(webhookId, "message.status");
    }
    if (messageId.isEmpty()) {
      return new InboundEvent.Ignored(webhookId, "message.status");
    }
    return new InboundEvent.Status(messageId.get(),
        WhatWutJson.text(data, "recipient_id").orElse(""), state, at,
        WhatWutJson.text(data, "error").orElse(""));
  }

  private static String requiredId(JsonNode data, String field) {
    String v = WhatWutJson.text(data, field).orElseThrow(() ->
        WacandaException.invalid("data." + field + " is required"));
    if (v.length() > MAX_ID) {
      throw WacandaException.invalid("data." + field + " must be at most 256 characters");
    }
    return v;
  }

  private static Optional<Instant> instant(String iso) {
    try {
      return Optional.of(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
