package io.wacanda.integration;

import io.wacanda.channel.InboundEvent;
import io.wacanda.security.UrlGuard;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Everything a provider needs to build a {@link io.wacanda.channel.Channel} or run a connectivity
 * test for one integration.
 *
 * @param settings plain settings and decrypted secrets, template defaults applied
 * @param webhookUrl the public URL the platform should post to
 * @param httpClient shared outbound client; set a timeout on every request
 * @param urlGuard checks URLs a user typed before they are fetched
 * @param events where polling channels store events, and where status changes are reported
 */
public record ChannelContext(
    Integration integration,
    IntegrationSettings settings,
    String webhookUrl,
    HttpClient httpClient,
    Clock clock,
    UrlGuard urlGuard,
    Events events) {

  public ChannelContext {
    Objects.requireNonNull(integration, "integration");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(webhookUrl, "webhookUrl");
    Objects.requireNonNull(httpClient, "httpClient");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(urlGuard, "urlGuard");
    Objects.requireNonNull(events, "events");
  }

  /** Callbacks from a channel into Wacanda. */
  public interface Events {
    /**
     * Stores events durably in the inbox (idempotently) and returns once they are stored; a
     * polling channel advances its offset only after this returns.
     */
    void store(List<InboundEvent> events);

    /** Reports a connection status change; persisted and published to listeners. */
    void statusChanged(IntegrationStatus status);

    /** Does nothing; for tests and one-off connectivity checks. */
    Events NONE = new Events() {
      @Override
      public void store(List<InboundEvent> events) {}

      @Override
      public void statusChanged(IntegrationStatus status) {}
    };
  }
}
