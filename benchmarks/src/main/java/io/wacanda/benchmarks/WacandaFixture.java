package io.wacanda.benchmarks;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.handoff.InMemoryHandoffQueue;
import io.wacanda.http.HttpOptions;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.rag.Document;
import io.wacanda.rag.RagEngine;
import io.wacanda.security.ApiKeys;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wacanda wired as a host would run it for the benchmark: embedded defaults (in-memory stores,
 * the default RAG engine with the built-in hashing embedder and the extractive answerer) over the
 * quickstart's sample help centre, one {@code custom} integration, the per-key rate limit raised
 * out of the way, and, when listening, {@link JdkHttpServerBinding} on loopback with its bounded
 * executor. Inbox workers run (as in production) unless the fixture is made without them.
 */
final class WacandaFixture implements AutoCloseable {
  static final TenantId TENANT = TenantId.of("bench");
  /** The quickstart's sample knowledge base, on the class path under {@code /sample-kb/}. */
  static final List<String> SAMPLE_FILES = List.of("orders.md", "shipping.md", "returns.md",
      "payments.md", "accounts.md", "contact.md");
  /** Rate limit per key for the benchmark: high enough never to answer 429. */
  static final double RATE_PER_SECOND = 10_000_000;

  private final Wacanda wacanda;
  private final InMemoryWebhookEventStore events;
  private final InMemoryHandoffQueue handoffs;
  private final JdkHttpServerBinding binding;
  private final String apiKey;
  private final String integrationId;

  private WacandaFixture(Wacanda wacanda, InMemoryWebhookEventStore events,
      InMemoryHandoffQueue handoffs, JdkHttpServerBinding binding, String apiKey,
      String integrationId) {
    this.wacanda = wacanda;
    this.events = events;
    this.handoffs = handoffs;
    this.binding = binding;
    this.apiKey = apiKey;
    this.integrationId = integrationId;
  }

  /**
   * @param workers whether to start Wacanda (inbox workers, housekeeping); without, events are
   *     stored and acknowledged but never processed
   * @param httpThreads request threads of the binding, or 0 for no HTTP server (in-process use)
   * @param queueCapacity the binding's request queue
   */
  static WacandaFixture create(boolean workers, int httpThreads, int queueCapacity) {
    return create(workers, httpThreads, queueCapacity, 0);
  }

  /** As above, with {@code inboxWorkers} inbox threads (0: Wacanda's default). */
  static WacandaFixture create(boolean workers, int httpThreads, int queueCapacity,
      int inboxWorkers) {
    InMemoryWebhookEventStore events = new InMemoryWebhookEventStore();
    InMemoryHandoffQueue handoffs = new InMemoryHandoffQueue();
    WebhookInbox.Config inbox = WebhookInbox.Config.defaults();
    if (inboxWorkers > 0) {
      inbox = inbox.withWorkers(inboxWorkers);
    }
    Wacanda wacanda = Wacanda.builder()
        .inboxConfig(inbox)
        .secretKey("bench", SecretCipher.deriveKey(ApiKeys.randomToken(32)))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of("adm_" + ApiKeys.randomToken(24),
            TENANT))
        .webhookEventStore(events)
        .handoffQueue(handoffs)
        .httpOptions(HttpOptions.builder()
            .rateLimit(RATE_PER_SECOND, (int) RATE_PER_SECOND).build())
        .build();
    try {
      ingestSample(wacanda.rag(), TENANT);
      CreatedIntegration created = wacanda.integrations().create(TENANT,
          CustomIntegrationProvider.TYPE, "Benchmark", Map.of());
      if (workers) {
        wacanda.start();
      }
      JdkHttpServerBinding binding = null;
      if (httpThreads > 0) {
        binding = JdkHttpServerBinding.builder(wacanda.httpHandler())
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .threads(httpThreads).queueCapacity(queueCapacity)
            .stopDelay(Duration.ZERO) // the client has gone when a fixture closes
            .build().start();
      }
      return new WacandaFixture(wacanda, events, handoffs, binding, created.apiKey(),
          created.integration().id());
    } catch (RuntimeException e) {
      wacanda.close();
      throw e;
    }
  }

  /** Loads the quickstart's sample help centre; returns the number of documents. */
  static int ingestSample(RagEngine rag, TenantId tenant) {
    int n = 0;
    for (String file : SAMPLE_FILES) {
      try (InputStream in = WacandaFixture.class.getResourceAsStream("/sample-kb/" + file)) {
        if (in == null) {
          throw new IllegalStateException("sample knowledge base file missing from the class "
              + "path: /sample-kb/" + file + " (it comes with wacanda-example-quickstart)");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        rag.ingest(tenant, Document.of(file, titleOf(text, file), "sample-kb/" + file,
            "text/markdown", text));
        n++;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return n;
  }

  private static String titleOf(String text, String fallback) {
    for (String line : text.split("\n", 20)) {
      if (line.startsWith("# ")) {
        return line.substring(2).strip();
      }
    }
    return fallback;
  }

  Wacanda wacanda() {
    return wacanda;
  }

  String apiKey() {
    return apiKey;
  }

  InetSocketAddress address() {
    if (binding == null) {
      throw new IllegalStateException("this fixture has no HTTP server");
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), binding.port());
  }

  /** Inbox events of the benchmark integration by status. */
  Map<EventStatus, Long> inbox() {
    return events.countByStatus(TENANT, integrationId);
  }

  /** Handoff requests opened so far (all should be 0 with the benchmark's questions). */
  int handoffs() {
    return handoffs.list(TENANT, Optional.empty(), 100_000).size();
  }

  HandoffQueue handoffQueue() {
    return handoffs;
  }

  @Override
  public void close() {
    if (binding != null) {
      binding.close();
    }
    wacanda.close();
  }
}
