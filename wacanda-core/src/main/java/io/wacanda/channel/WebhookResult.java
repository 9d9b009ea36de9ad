package io.wacanda.channel;

import io.wacanda.http.HttpResponse;
import java.util.List;
import java.util.Objects;

/**
 * What a channel made of one verified webhook: the events to store, and the answer the platform
 * expects once they are stored (usually an empty 200; a challenge for handshakes).
 */
public record WebhookResult(List<InboundEvent> events, HttpResponse response) {
  public WebhookResult {
    events = List.copyOf(events);
    Objects.requireNonNull(response, "response");
  }

  public static WebhookResult of(List<InboundEvent> events) {
    return new WebhookResult(events, HttpResponse.empty(200));
  }

  /** A handshake answered without storing anything (WhatsApp's {@code hub.challenge}). */
  public static WebhookResult handshake(HttpResponse response) {
    return new WebhookResult(List.of(), response);
  }
}
