package io.wacanda.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.wacanda.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened that an operator or a console wants to see live: an integration's
 * status changed, a message was stored, a conversation needs a human, a webhook event failed.
 * Published on the {@link EventBus}; streamed as Server-Sent Events at {@code /admin/events}.
 */
public sealed interface WacandaEvent {

  /** The tenant the event belongs to; streams only show a tenant its own events. */
  @JsonIgnore
  TenantId tenant();

  /** Stable event name, also the SSE {@code event:} field. */
  String type();

  Instant at();

  /** An integration's connection state changed (or its status message did). */
  record IntegrationStatusChanged(TenantId tenant, String integrationId, String state,
      String message, Instant at) implements WacandaEvent {
    public IntegrationStatusChanged {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(integrationId, "integrationId");
      Objects.requireNonNull(state, "state");
      message = message == null ? "" : message;
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "integration.status";
    }
  }

  /** A customer, bot or agent message was stored. */
  record MessageStored(TenantId tenant, String integrationId, String sessionId, String messageId,
      String role, String text, Instant at) implements WacandaEvent {
    public MessageStored {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(integrationId, "integrationId");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(role, "role");
      text = text == null ? "" : text;
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "message";
    }

    @Override
    public String toString() {
      return "MessageStored[session=" + sessionId + ", message=" + messageId + ", role=" + role
          + "]";
    }
  }

  /** A conversation was handed to the human queue. */
  record HandoffRequested(TenantId tenant, String handoffId, String integrationId,
      String sessionId, String reason, String urgency, Instant at) implements WacandaEvent {
    public HandoffRequested {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(handoffId, "handoffId");
      Objects.requireNonNull(integrationId, "integrationId");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(urgency, "urgency");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "handoff.requested";
    }
  }

  /**
   * A webhook event failed an attempt.
   *
   * @param dead whether it will not be tried again
   */
  record WebhookFailed(TenantId tenant, String integrationId, String eventId, int attempts,
      boolean dead, String error, Instant at) implements WacandaEvent {
    public WebhookFailed {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(integrationId, "integrationId");
      Objects.requireNonNull(eventId, "eventId");
      error = error == null ? "" : error;
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "webhook.failed";
    }
  }
}
