package io.wacanda.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.Integration;
import io.wacanda.security.AdminPrincipal;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Acknowledgements first, end to end: while a server binding reports requests in progress, the
 * inbox workers leave stored events alone, and they answer them once the requests are done.
 */
class AckPriorityTest {
  private static final TenantId T = TenantId.of("t");
  private final InMemoryWebhookEventStore events = new InMemoryWebhookEventStore();
  private Wacanda wacanda;
  private Integration integration;

  @BeforeEach
  void start() {
    wacanda = Wacanda.builder()
        .secretKey("k1", SecretCipher.deriveKey("ack-priority-secret-that-is-long-enough"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.builder()
            .token("admin-token-of-t", new AdminPrincipal(T, "ana")).build())
        .webhookEventStore(events)
        .inboxConfig(WebhookInbox.Config.defaults().withPollInterval(Duration.ofMillis(10)))
        .build();
    integration = wacanda.integrations()
        .create(T, CustomIntegrationProvider.TYPE, "Shop", Map.of()).integration();
    wacanda.start();
  }

  @AfterEach
  void stop() {
    wacanda.close();
  }

  private WebhookEvent append(String messageId) {
    return wacanda.inbox().append(T, integration.id(), List.of(new InboundEvent.Message(
        InboundMessage.text(messageId, "customer-1", "", Instant.now(), "Hello"))))
        .get(0).event();
  }

  private EventStatus statusOf(WebhookEvent e) {
    return events.find(T, e.id()).orElseThrow().status();
  }

  /** Polls {@code condition} every 5 ms for up to 10 s; @return whether it came true. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      never.await(5, TimeUnit.MILLISECONDS);
    }
    return true;
  }

  private void awaitProcessed(WebhookEvent e) throws InterruptedException {
    eventually(() -> statusOf(e) == EventStatus.PROCESSED);
    assertThat(statusOf(e)).isEqualTo(EventStatus.PROCESSED);
  }

  /** Waits until the workers have asked {@code times} more times whether requests wait. */
  private static void awaitAsked(AtomicInteger asked, int times) throws InterruptedException {
    int target = asked.get() + times;
    eventually(() -> asked.get() >= target);
    assertThat(asked.get()).isGreaterThanOrEqualTo(target);
  }

  @Test
  void reportedWaitingRequestsHoldTheWorkersUntilWithdrawn() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    AutoCloseable report = wacanda.httpHandler().reportRequestsWaiting(() -> {
      asked.incrementAndGet();
      return true;
    });
    WebhookEvent event = append("m-1");

    awaitAsked(asked, 40);
    assertThat(statusOf(event)).isEqualTo(EventStatus.PENDING);

    report.close();
    awaitProcessed(event);
  }

  @Test
  void jdkBindingReportsSaturationWhenEveryRequestThreadIsBusy() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    // Registered before the binding, so every look at the binding's report passes through it.
    wacanda.httpHandler().reportRequestsWaiting(() -> {
      asked.incrementAndGet();
      return false;
    });
    try (JdkHttpServerBinding binding = JdkHttpServerBinding.builder(wacanda.httpHandler())
        .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).threads(1)
        .build().start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), binding.port())) {
      socket.setSoTimeout(10_000);
      byte[] body = ("{\"action\":\"status\",\"integration_key\":\"none\"}")
          .getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      // Headers and half the body: the one request thread now waits for the rest.
      out.write(("POST /external-api HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + "application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      eventually(wacanda.httpHandler()::requestsWaiting);
      assertThat(wacanda.httpHandler().requestsWaiting()).isTrue(); // its thread is taken
      WebhookEvent event = append("m-2");

      awaitAsked(asked, 40);
      assertThat(statusOf(event)).isEqualTo(EventStatus.PENDING);

      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(statusLine).isEqualTo("HTTP/1.1 401");
      awaitProcessed(event);
    }
  }

  @Test
  void aSlowRequestWithRequestThreadsToSpareDoesNotHoldTheWorkers() throws Exception {
    try (JdkHttpServerBinding binding = JdkHttpServerBinding.builder(wacanda.httpHandler())
        .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).threads(2)
        .build().start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), binding.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /external-api HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + "application/json\r\nContent-Length: 100\r\n\r\n{\"action\":")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitARequestThreadReadingABody();
      WebhookEvent event = append("m-3"); // one thread waits on the slow client, one is free

      awaitProcessed(event);
      assertThat(wacanda.httpHandler().requestsWaiting()).isFalse();
    }
  }

  /** Waits until a request thread of the binding is blocked reading a request body. */
  private static void awaitARequestThreadReadingABody() throws InterruptedException {
    assertThat(eventually(() -> Thread.getAllStackTraces().entrySet().stream().anyMatch(e ->
        e.getKey().getName().startsWith("wacanda-http-")
            && java.util.Arrays.stream(e.getValue())
                .anyMatch(f -> f.getMethodName().equals("readDeclared")))))
        .as("a request thread is reading a body").isTrue();
  }
}
