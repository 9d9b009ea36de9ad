package io.wacanda.whatsapp;

import io.wacanda.TenantId;
import io.wacanda.channel.InboundEvent;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationSettings;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.security.UrlGuard;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds channel contexts for tests and records what channels report. */
public final class TestContexts {
  public static final TenantId TENANT = TenantId.of("acme");
  public static final UrlGuard LOOPBACK = UrlGuard.builder().allowLoopback(true).build();
  public static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

  private TestContexts() {}

  /** Status changes and stored events a channel reported. */
  public static final class RecordingEvents implements ChannelContext.Events {
    public final List<IntegrationStatus> statuses = new CopyOnWriteArrayList<>();
    public final List<InboundEvent> stored = new CopyOnWriteArrayList<>();

    @Override
    public void store(List<InboundEvent> events) {
      stored.addAll(events);
    }

    @Override
    public void statusChanged(IntegrationStatus status) {
      statuses.add(status);
    }

    public Optional<IntegrationStatus> last() {
      return statuses.isEmpty() ? Optional.empty()
          : Optional.of(statuses.get(statuses.size() - 1));
    }
  }

  public static ChannelContext context(String type, Map<String, String> settings,
      Set<String> secrets, ChannelContext.Events events, Clock clock) {
    return context(type, settings, secrets, events, clock,
        "http://127.0.0.1:9/webhooks/int_test1");
  }

  public static ChannelContext context(String type, Map<String, String> settings,
      Set<String> secrets, ChannelContext.Events events, Clock clock, String webhookUrl) {
    Instant now = clock.instant();
    Integration integration = new Integration("int_test1", TENANT, type, "Test", true,
        IntegrationStatus.of(ConnectionState.DISCONNECTED, "", now), Map.of(), Optional.empty(),
        "hash", "wk_test", now, now);
    return new ChannelContext(integration, new IntegrationSettings(settings, secrets),
        webhookUrl, HTTP, clock, LOOPBACK, events);
  }
}
