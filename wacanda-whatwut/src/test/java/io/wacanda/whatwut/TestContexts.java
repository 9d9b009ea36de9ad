package io.wacanda.whatwut;

import io.wacanda.TenantId;
import io.wacanda.channel.InboundEvent;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationSettings;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.security.UrlGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds channel contexts the way IntegrationService does, for direct channel and check tests. */
final class TestContexts {
  static final String API_KEY = "ww_live_9fQ2xS3cr3tK3yDoNotLeak7Hd";
  static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String INSTANCE = "inst_42";
  static final String INTEGRATION_ID = "int_ww_test";
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private TestContexts() {}

  /** The WhatWut settings pointing at a loopback base URL. */
  static Map<String, String> settings(String apiBaseUrl) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("api_key", API_KEY);
    s.put("instance_id", INSTANCE);
    s.put("api_base_url", apiBaseUrl);
    s.put("webhook_secret", WEBHOOK_SECRET);
    return s;
  }

  /** A loopback port nothing listens on: connections to it are refused. */
  static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static UrlGuard loopbackGuard() {
    return UrlGuard.builder().allowLoopback(true).build();
  }

  /** A guard whose resolver knows no host at all, as for a name that does not exist. */
  static UrlGuard unknownHostGuard() {
    return UrlGuard.builder().resolver(host -> {
      throw new UnknownHostException(host);
    }).build();
  }

  /** The production guard, with a resolver that answers a private address for every name. */
  static UrlGuard privateAddressGuard() {
    return UrlGuard.builder().resolver(host -> new InetAddress[] {
        InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})}).build();
  }

  static ChannelContext context(String type, Map<String, String> settings, Set<String> secrets,
      UrlGuard guard, Clock clock, RecordingEvents events) {
    Instant now = clock.instant();
    Integration integration = new Integration(INTEGRATION_ID, TenantId.of("t-ww"), type, "Test",
        true, IntegrationStatus.of(ConnectionState.CONNECTED, "", now), Map.of(),
        Optional.empty(), "0".repeat(64), "wk_test", now, now);
    return new ChannelContext(integration, new IntegrationSettings(settings, secrets),
        "http://localhost:8080/webhooks/" + INTEGRATION_ID, CLIENT, clock, guard, events);
  }

  static ChannelContext whatwut(Map<String, String> settings, UrlGuard guard, Clock clock,
      RecordingEvents events) {
    return context("whatwut", settings, Set.of("api_key", "webhook_secret"), guard, clock, events);
  }

  /** Records what a channel reports. */
  static final class RecordingEvents implements ChannelContext.Events {
    final List<IntegrationStatus> statuses = new CopyOnWriteArrayList<>();
    final List<InboundEvent> stored = new CopyOnWriteArrayList<>();

    @Override
    public void store(List<InboundEvent> events) {
      stored.addAll(events);
    }

    @Override
    public void statusChanged(IntegrationStatus status) {
      statuses.add(status);
    }
  }
}
