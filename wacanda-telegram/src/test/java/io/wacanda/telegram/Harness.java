package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.internal.Json;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * A Wacanda runtime wired like the quickstart (JDK server on loopback, embedded defaults, a URL
 * guard that allows loopback, an admin bearer token), on a free port known before it is built so
 * webhook URLs point at it.
 */
final class Harness implements AutoCloseable {
  static final TenantId TENANT = TenantId.of("demo");
  static final String ADMIN_TOKEN = "adm_telegram-end-to-end-token";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  final Wacanda wacanda;
  final JdkHttpServerBinding server;
  final WebhookEventStore events;
  final String base;

  private Harness(Wacanda wacanda, JdkHttpServerBinding server, WebhookEventStore events,
      String base) {
    this.wacanda = wacanda;
    this.server = server;
    this.events = events;
    this.base = base;
  }

  /** Builds, starts and binds; {@code customize} adds to the quickstart-like builder. */
  static Harness start(UnaryOperator<Wacanda.Builder> customize) {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      String base = "http://127.0.0.1:" + port;
      InMemoryWebhookEventStore events = new InMemoryWebhookEventStore();
      Wacanda wacanda = customize.apply(Wacanda.builder()
          .secretKey("quickstart", SecretCipher.deriveKey("telegram-end-to-end-secret-key-0123"))
          .adminAuthenticator(StaticTokenAdminAuthenticator.of(ADMIN_TOKEN, TENANT))
          .publicBaseUrl(base)
          .urlGuard(UrlGuard.builder().allowLoopback(true).build())
          .webhookEventStore(events)).build();
      wacanda.start();
      try {
        JdkHttpServerBinding server = JdkHttpServerBinding.builder(wacanda.httpHandler())
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .stopDelay(Duration.ZERO).build().start();
        return new Harness(wacanda, server, events, base);
      } catch (RuntimeException e) {
        wacanda.close();
        if (attempt >= 5 || !(e.getCause() instanceof BindException
            || e instanceof UncheckedIOException)) {
          throw e;
        }
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Reply(int status, JsonNode json) {}

  Reply admin(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(),
          r.body().length == 0 ? null : Json.mapper().readTree(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a Telegram integration through the admin API; returns the answer's data. */
  JsonNode createTelegram(String name, Map<String, String> settings) {
    Map<String, Object> body = Map.of("type", "telegram", "name", name, "settings", settings);
    Reply r = admin("POST", "/admin/integrations", Json.writeString(body));
    if (r.status() != 201) {
      throw new AssertionError("create answered " + r.status() + ": " + r.json());
    }
    return r.json().get("data");
  }

  long storedEvents(String integrationId) {
    return events.countByStatus(TENANT, integrationId).values().stream()
        .mapToLong(Long::longValue).sum();
  }

  /** Waits until the inbox has nothing pending or in progress for the integration. */
  void awaitInboxIdle(String integrationId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<EventStatus, Long> byStatus = events.countByStatus(TENANT, integrationId);
      if (byStatus.getOrDefault(EventStatus.PENDING, 0L) == 0
          && byStatus.getOrDefault(EventStatus.PROCESSING, 0L) == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("inbox still busy: " + byStatus);
      }
      // Poll with a deadline (events in progress belong to the inbox's workers).
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** Polls the admin API until the integration's status state is {@code state}. */
  JsonNode awaitState(String integrationId, String state, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode status = admin("GET", "/admin/integrations/" + integrationId, null).json()
          .get("data").get("status");
      if (status.get("state").asText().equals(state)) {
        return status;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("integration " + integrationId + " not " + state + " within "
            + timeout + "; status " + status);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @Override
  public void close() {
    server.close();
    wacanda.close();
  }
}
