package io.wacanda.whatsapp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.RetryPolicy;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.rag.RagEngine;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Wacanda wired like the quickstart (embedded defaults, static admin token, loopback allowed for
 * URLs the user typed, the JDK server binding), on a free loopback port, driven over HTTP.
 */
final class Harness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final TenantId TENANT = TenantId.of("demo");
  static final String ADMIN_TOKEN = "adm_end-to-end-admin-token";

  final Wacanda wacanda;
  final JdkHttpServerBinding server;
  final InMemoryWebhookEventStore inbox = new InMemoryWebhookEventStore();
  final String base;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param ragEngine null for the quickstart's default RAG engine
   * @param startWorkers false to drive the inbox by hand with {@code drain()}
   */
  Harness(RagEngine ragEngine, boolean startWorkers) {
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    Wacanda.Builder b = Wacanda.builder()
        .secretKey("quickstart", SecretCipher.deriveKey("end-to-end-secret-key-long-enough-42"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of(ADMIN_TOKEN, TENANT))
        .publicBaseUrl(base)
        .urlGuard(UrlGuard.builder().allowLoopback(true).build())
        .webhookEventStore(inbox)
        .inboxConfig(WebhookInbox.Config.defaults().withPollInterval(Duration.ofMillis(20))
            .withRetryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2)));
    if (ragEngine != null) {
      b.ragEngine(ragEngine);
    }
    wacanda = b.build();
    if (startWorkers) {
      wacanda.start();
    }
    server = JdkHttpServerBinding.builder(wacanda.httpHandler()).port(port).build().start();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Reply(int status, JsonNode json) {}

  Reply admin(String method, String path, Object body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + ADMIN_TOKEN)
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(res.statusCode(), res.body().length == 0 ? JSON.createObjectNode()
          : JSON.readTree(res.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates an integration through the admin API like any host would; returns its data. */
  JsonNode create(String type, String name, Map<String, String> settings) {
    Reply r = admin("POST", "/admin/integrations", Map.of("type", type, "name", name,
        "settings", settings));
    assertThat(r.status()).as(r.json().toString()).isEqualTo(201);
    return r.json().path("data");
  }

  JsonNode integration(String id) {
    return admin("GET", "/admin/integrations/" + id, null).json().path("data");
  }

  long storedEvents(String integrationId) {
    return inbox.countByStatus(TENANT, integrationId).values().stream()
        .mapToLong(Long::longValue).sum();
  }

  @Override
  public void close() {
    server.close();
    wacanda.close();
  }
}
