package io.wacanda.telegram;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Builds channel contexts for tests, with an events sink that records and can fail. */
final class Contexts {
  static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_test";
  static final String SECRET = "s3cr3t_Token-for-tests";
  static final String WEBHOOK_URL = "https://bot.example.com/webhooks/int_test";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .build();

  private Contexts() {}

  static Map<String, String> settings(String baseUrl, String mode) {
    Map<String, String> s = new HashMap<>();
    s.put("bot_token", TOKEN);
    s.put("mode", mode);
    s.put("api_base_url", baseUrl);
    s.put("allowed_updates", TelegramIntegrationProvider.DEFAULT_ALLOWED_UPDATES);
    s.put("secret_token", SECRET);
    return s;
  }

  static ChannelContext context(Map<String, String> settings, Clock clock, Events events) {
    Instant now = clock.instant();
    Integration integration = new Integration("int_test", TenantId.of("acme"), "telegram",
        "Support bot", true, IntegrationStatus.of(ConnectionState.DISCONNECTED, "", now),
        Map.of(), Optional.empty(), "hash", "wk_prefix", now, now);
    return new ChannelContext(integration,
        new IntegrationSettings(settings, Set.of("bot_token", "secret_token")), WEBHOOK_URL,
        HTTP, clock, UrlGuard.builder().allowLoopback(true).build(), events);
  }

  /** Records stored events and statuses; can fail the next N stores. */
  static final class Events implements ChannelContext.Events {
    final List<InboundEvent> stored = new ArrayList<>();
    final List<IntegrationStatus> statuses = new ArrayList<>();
    final AtomicInteger failNextStores = new AtomicInteger();
    int storeCalls;

    @Override
    public synchronized void store(List<InboundEvent> events) {
      storeCalls++;
      if (failNextStores.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        notifyAll();
        throw new IllegalStateException("simulated store outage");
      }
      stored.addAll(events);
      notifyAll();
    }

    @Override
    public synchronized void statusChanged(IntegrationStatus status) {
      statuses.add(status);
      notifyAll();
    }

    synchronized List<InboundEvent> stored() {
      return List.copyOf(stored);
    }

    synchronized List<IntegrationStatus> statuses() {
      return List.copyOf(statuses);
    }

    synchronized List<InboundEvent> awaitStored(int count, Duration timeout) {
      await(() -> stored.size() >= count, timeout, "expected " + count + " stored events");
      return List.copyOf(stored);
    }

    synchronized IntegrationStatus awaitStatus(Predicate<IntegrationStatus> p, Duration timeout) {
      await(() -> statuses.stream().anyMatch(p), timeout, "expected a status");
      return statuses.stream().filter(p).findFirst().orElseThrow();
    }

    synchronized void awaitStoreCalls(int n, Duration timeout) {
      await(() -> storeCalls >= n, timeout, "expected " + n + " store calls");
    }

    private void await(java.util.function.BooleanSupplier done, Duration timeout, String what) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(what + " within " + timeout + "; stored " + stored
              + ", statuses " + statuses);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }
}
