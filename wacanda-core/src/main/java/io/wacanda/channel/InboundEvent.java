package io.wacanda.channel;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Objects;

/**
 * One verified event a channel extracted from a webhook. The inbox stores it (idempotent on
 * {@link #idempotencyKey()}) before the platform gets its answer; workers process it later.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = InboundEvent.Message.class, name = "message"),
    @JsonSubTypes.Type(value = InboundEvent.Status.class, name = "status"),
    @JsonSubTypes.Type(value = InboundEvent.ConversationClosed.class, name = "conversation_closed"),
    @JsonSubTypes.Type(value = InboundEvent.Ignored.class, name = "ignored")
})
public sealed interface InboundEvent {

  /** Unique per integration for the same platform event: a redelivery yields the same key. */
  String idempotencyKey();

  /** A short event type for storage and statistics ({@code message_received}, ...). */
  String eventType();

  /** A customer message. */
  record Message(InboundMessage message) implements InboundEvent {
    public Message {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String idempotencyKey() {
      return "msg:" + message.messageId();
    }

    @Override
    public String eventType() {
      return "message_received";
    }
  }

  /** A delivery report for a message we sent. */
  record Status(String platformMessageId, String recipientId, DeliveryState state,
      Instant timestamp, String error) implements InboundEvent {
    public Status {
      Objects.requireNonNull(platformMessageId, "platformMessageId");
      recipientId = recipientId == null ? "" : recipientId;
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(timestamp, "timestamp");
      error = error == null ? "" : error;
    }

    @Override
    public String idempotencyKey() {
      return "status:" + platformMessageId + ":" + state.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String eventType() {
      return "message_status";
    }
  }

  /** The customer left or blocked the bot: close the session and stop sending. */
  record ConversationClosed(String key, String senderId, String reason)
      implements InboundEvent {
    public ConversationClosed {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(senderId, "senderId");
      reason = reason == null ? "" : reason;
    }

    @Override
    public String idempotencyKey() {
      return "closed:" + key;
    }

    @Override
    public String eventType() {
      return "conversation_closed";
    }
  }

  /** An event kind we do not act on; stored for the record and then ignored, never an error. */
  record Ignored(String key, String platformType) implements InboundEvent {
    public Ignored {
      Objects.requireNonNull(key, "key");
      platformType = platformType == null ? "unknown" : platformType;
    }

    @Override
    public String idempotencyKey() {
      return "other:" + key;
    }

    @Override
    public String eventType() {
      return "ignored:" + platformType;
    }
  }
}
