package io.wacanda;

import io.wacanda.channel.InboundEvent;
import io.wacanda.conversation.ConversationEngine;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.conversation.EngineConfig;
import io.wacanda.conversation.InMemoryConversationStore;
import io.wacanda.event.EventBus;
import io.wacanda.event.WacandaEvent;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.handoff.InMemoryHandoffQueue;
import io.wacanda.http.HttpOptions;
import io.wacanda.http.WacandaHttpHandler;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.InMemoryIntegrationStore;
import io.wacanda.integration.InMemoryIntegrationTestStore;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationRegistry;
import io.wacanda.integration.IntegrationService;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.integration.IntegrationTestStore;
import io.wacanda.knowledge.InMemoryKnowledgeSourceStore;
import io.wacanda.knowledge.KnowledgeBase;
import io.wacanda.knowledge.KnowledgeSourceStore;
import io.wacanda.knowledge.KnowledgeSync;
import io.wacanda.knowledge.WebFetcher;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.InMemoryKnowledgeStore;
import io.wacanda.rag.KnowledgeStore;
import io.wacanda.rag.RagEngine;
import io.wacanda.security.AdminAuthenticator;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.UrlGuard;
import io.wacanda.usage.ApiUsageStore;
import io.wacanda.usage.InMemoryApiUsageStore;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wired Wacanda runtime: stores, integration service, RAG engine, conversation engine, webhook
 * inbox and the HTTP handler, with embedded defaults for every piece the host does not supply.
 * {@link #start()} starts the inbox workers, the channels of enabled integrations and the
 * housekeeping timer (idle handoffs, retention); {@link #close()} stops them, draining in-flight
 * work. Mount {@link #httpHandler()} in any web stack. Thread-safe.
 */
public final class Wacanda implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Wacanda.class);

  private final IntegrationService integrations;
  private final ConversationEngine engine;
  private final WebhookInbox inbox;
  private final WacandaHttpHandler httpHandler;
  private final RagEngine rag;
  private final KnowledgeBase knowledge;
  private final HandoffQueue handoffs;
  private final ConversationStore conversations;
  private final EventBus events = new EventBus();
  private final Duration retention;
  private final Duration housekeepingInterval;
  private final ScheduledExecutorService housekeeping;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Wacanda(Builder b) {
    Clock clock = b.clock;
    IntegrationRegistry.Builder registry = IntegrationRegistry.builder();
    // Explicit registrations first: a configured instance replaces the discovered one of the same
    // class; a different class claiming the same type still fails.
    b.providers.forEach(registry::register);
    if (b.discoverProviders) {
      registry.discover(b.classLoader);
    }
    this.conversations = b.conversationStore;
    this.handoffs = b.handoffQueue;
    this.rag = b.ragEngine != null ? b.ragEngine
        : DefaultRagEngine.builder().knowledgeStore(b.knowledgeStore).build();
    KnowledgeStore indexed = rag instanceof DefaultRagEngine d ? d.knowledgeStore()
        : b.knowledgeStore;
    this.knowledge = new KnowledgeBase(rag, indexed, KnowledgeSync.builder(rag, indexed)
        .sourceStore(b.knowledgeSourceStore)
        .fetcher(WebFetcher.builder().urlGuard(b.urlGuard).build())
        .folderRoots(b.knowledgeFolderRoots.toArray(new Path[0]))
        .clock(clock)
        .build());
    this.integrations = new IntegrationService(registry.build(), b.integrationStore,
        b.integrationTestStore, b.conversationStore, b.webhookEventStore, b.apiUsageStore,
        b.secretCipher, b.urlGuard, b.httpClient, b.publicBaseUrl, clock);
    this.engine = new ConversationEngine(b.conversationStore, b.handoffQueue, rag, integrations,
        clock, b.engineConfig);
    this.inbox = new WebhookInbox(b.webhookEventStore, this::process, clock, b.inboxConfig);
    integrations.attachEventSink(
        s -> inbox.append(s.integration().tenant(), s.integration().id(), s.events()));
    this.httpHandler = new WacandaHttpHandler(integrations, engine, inbox, b.conversationStore,
        b.handoffQueue, b.apiUsageStore, b.adminAuthenticator, b.httpOptions, clock, knowledge);
    httpHandler.attachEvents(events);
    integrations.onStatusChange(i -> events.publish(new WacandaEvent.IntegrationStatusChanged(
        i.tenant(), i.id(), i.status().state().name(), i.status().message(), clock.instant())));
    engine.onHandoff(r -> events.publish(new WacandaEvent.HandoffRequested(r.tenant(), r.id(),
        r.integrationId(), r.sessionId(), r.reason().name(),
        r.urgency().name().toLowerCase(java.util.Locale.ROOT), r.createdAt())));
    engine.onMessage(m -> events.publish(new WacandaEvent.MessageStored(m.tenant(),
        m.integrationId(), m.sessionId(), m.id(), m.role().name(), m.text(), m.createdAt())));
    inbox.onFailure((e, error, dead) -> events.publish(new WacandaEvent.WebhookFailed(
        e.tenant(), e.integrationId(), e.id(), e.attempts(), dead, error, clock.instant())));
    this.retention = b.retention;
    this.housekeepingInterval = b.housekeepingInterval;
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(
        WebhookInbox.namedThreads("wacanda-housekeeping"));
  }

  public static Builder builder() {
    return new Builder();
  }

  private void process(WebhookEvent event) {
    Optional<Integration> integration = integrations.findForWebhook(event.integrationId())
        .filter(i -> i.tenant().equals(event.tenant()));
    if (integration.isEmpty()) {
      log.info("Event {} belongs to deleted integration {}; dropped", event.id(),
          event.integrationId());
      return;
    }
    if (!integration.get().enabled()) {
      throw new WacandaException(ErrorCode.FORBIDDEN,
          "integration " + event.integrationId() + " is disabled; event not processed");
    }
    InboundEvent inbound = WebhookInbox.decode(event);
    engine.process(integration.get(), inbound);
  }

  /** Starts inbox workers, enabled integrations' channels and housekeeping; idempotent. */
  public Wacanda start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return this;
    }
    integrations.startAll();
    inbox.start();
    long every = housekeepingInterval.toMillis();
    housekeeping.scheduleWithFixedDelay(this::housekeep, every, every, TimeUnit.MILLISECONDS);
    knowledge.sources().start();
    log.info("Wacanda started");
    return this;
  }

  private void housekeep() {
    try {
      engine.resumeIdleSessions();
      integrations.cleanupOldData(retention);
    } catch (RuntimeException e) {
      log.warn("Housekeeping failed; will try again", e);
    }
  }

  public WacandaHttpHandler httpHandler() {
    return httpHandler;
  }

  public IntegrationService integrations() {
    return integrations;
  }

  public ConversationEngine conversations() {
    return engine;
  }

  public ConversationStore conversationStore() {
    return conversations;
  }

  public HandoffQueue handoffs() {
    return handoffs;
  }

  public RagEngine rag() {
    return rag;
  }

  /** The knowledge base: documents, sources and their scheduled syncs, searches. */
  public KnowledgeBase knowledge() {
    return knowledge;
  }

  public WebhookInbox inbox() {
    return inbox;
  }

  /** Live events (status changes, messages, handoffs, webhook failures) to subscribe to. */
  public EventBus events() {
    return events;
  }

  /** Stops housekeeping, drains the inbox, closes channels; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    housekeeping.shutdownNow();
    knowledge.sources().close();
    inbox.close();
    integrations.close();
    log.info("Wacanda stopped");
  }

  /**
   * Options. Required: a secret key ({@link #secretCipher} or {@link #secretKey}) and an admin
   * authenticator. Everything else has an embedded default: in-memory stores, the
   * {@link DefaultRagEngine}, providers found on the class path, a strict URL guard.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private IntegrationStore integrationStore = new InMemoryIntegrationStore();
    private IntegrationTestStore integrationTestStore = new InMemoryIntegrationTestStore();
    private ConversationStore conversationStore = new InMemoryConversationStore();
    private WebhookEventStore webhookEventStore = new InMemoryWebhookEventStore();
    private ApiUsageStore apiUsageStore = new InMemoryApiUsageStore();
    private HandoffQueue handoffQueue = new InMemoryHandoffQueue();
    private KnowledgeStore knowledgeStore = new InMemoryKnowledgeStore();
    private RagEngine ragEngine;
    private SecretCipher secretCipher;
    private AdminAuthenticator adminAuthenticator;
    private UrlGuard urlGuard = UrlGuard.strict();
    private HttpClient httpClient;
    private String publicBaseUrl = "http://localhost:8080";
    private EngineConfig engineConfig = EngineConfig.defaults();
    private WebhookInbox.Config inboxConfig = WebhookInbox.Config.defaults();
    private HttpOptions httpOptions = HttpOptions.defaults();
    private Duration retention = Duration.ofDays(30);
    private Duration housekeepingInterval = Duration.ofMinutes(1);
    private boolean discoverProviders = true;
    private KnowledgeSourceStore knowledgeSourceStore = new InMemoryKnowledgeSourceStore();
    private final List<Path> knowledgeFolderRoots = new ArrayList<>();
    private ClassLoader classLoader;
    private final List<IntegrationProvider> providers = new ArrayList<>();

    private Builder() {}

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    public Builder integrationStore(IntegrationStore s) {
      this.integrationStore = Objects.requireNonNull(s, "integrationStore");
      return this;
    }

    public Builder integrationTestStore(IntegrationTestStore s) {
      this.integrationTestStore = Objects.requireNonNull(s, "integrationTestStore");
      return this;
    }

    public Builder conversationStore(ConversationStore s) {
      this.conversationStore = Objects.requireNonNull(s, "conversationStore");
      return this;
    }

    public Builder webhookEventStore(WebhookEventStore s) {
      this.webhookEventStore = Objects.requireNonNull(s, "webhookEventStore");
      return this;
    }

    public Builder apiUsageStore(ApiUsageStore s) {
      this.apiUsageStore = Objects.requireNonNull(s, "apiUsageStore");
      return this;
    }

    public Builder handoffQueue(HandoffQueue q) {
      this.handoffQueue = Objects.requireNonNull(q, "handoffQueue");
      return this;
    }

    /** Store the default RAG engine indexes; ignored when a RAG engine is given. */
    public Builder knowledgeStore(KnowledgeStore s) {
      this.knowledgeStore = Objects.requireNonNull(s, "knowledgeStore");
      return this;
    }

    /** Where knowledge sources (folders, sites, sitemaps) are kept; default in memory. */
    public Builder knowledgeSourceStore(KnowledgeSourceStore s) {
      this.knowledgeSourceStore = Objects.requireNonNull(s, "knowledgeSourceStore");
      return this;
    }

    /**
     * Folders under which admins may register folder knowledge sources; default none (folder
     * sources refused). Each must exist.
     */
    public Builder knowledgeFolderRoots(Path... roots) {
      for (Path r : roots) {
        knowledgeFolderRoots.add(Objects.requireNonNull(r, "root"));
      }
      return this;
    }

    /** The RAG engine; default a {@link DefaultRagEngine} over the knowledge store. */
    public Builder ragEngine(RagEngine r) {
      this.ragEngine = Objects.requireNonNull(r, "ragEngine");
      return this;
    }

    /** Seals integration secrets at rest. Required (or {@link #secretKey}). */
    public Builder secretCipher(SecretCipher c) {
      this.secretCipher = Objects.requireNonNull(c, "secretCipher");
      return this;
    }

    /** Shorthand for one AES-256 key (32 bytes) with an id. */
    public Builder secretKey(String keyId, byte[] key) {
      return secretCipher(SecretCipher.of(keyId, key));
    }

    /** Who may call the admin API. Required. */
    public Builder adminAuthenticator(AdminAuthenticator a) {
      this.adminAuthenticator = Objects.requireNonNull(a, "adminAuthenticator");
      return this;
    }

    /** Checks user-typed URLs; default {@link UrlGuard#strict()}. */
    public Builder urlGuard(UrlGuard g) {
      this.urlGuard = Objects.requireNonNull(g, "urlGuard");
      return this;
    }

    /** Outbound client; default one with a 5 s connect timeout that never follows redirects. */
    public Builder httpClient(HttpClient c) {
      this.httpClient = Objects.requireNonNull(c, "httpClient");
      return this;
    }

    /** Base of webhook URLs, e.g. {@code https://bot.example.com}; default localhost:8080. */
    public Builder publicBaseUrl(String url) {
      if (url == null || !url.matches("https?://\\S+")) {
        throw new IllegalArgumentException("publicBaseUrl must be an http(s) URL, was " + url);
      }
      this.publicBaseUrl = url;
      return this;
    }

    public Builder engineConfig(EngineConfig c) {
      this.engineConfig = Objects.requireNonNull(c, "engineConfig");
      return this;
    }

    public Builder inboxConfig(WebhookInbox.Config c) {
      this.inboxConfig = Objects.requireNonNull(c, "inboxConfig");
      return this;
    }

    public Builder httpOptions(HttpOptions o) {
      this.httpOptions = Objects.requireNonNull(o, "httpOptions");
      return this;
    }

    /** How long processed events and usage logs are kept; at least 7 days; default 30 days. */
    public Builder retention(Duration d) {
      if (d == null || d.compareTo(IntegrationService.MIN_EVENT_RETENTION) < 0) {
        throw new IllegalArgumentException("retention must be at least 7 days");
      }
      this.retention = d;
      return this;
    }

    /** How often idle handoffs and retention are checked; default 1 minute. */
    public Builder housekeepingInterval(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("housekeepingInterval must be positive");
      }
      this.housekeepingInterval = d;
      return this;
    }

    /** Registers a provider by hand (in addition to, or instead of, discovery). */
    public Builder provider(IntegrationProvider p) {
      providers.add(Objects.requireNonNull(p, "provider"));
      return this;
    }

    /** Whether to find providers with ServiceLoader; default true. */
    public Builder discoverProviders(boolean discover) {
      this.discoverProviders = discover;
      return this;
    }

    public Builder classLoader(ClassLoader cl) {
      this.classLoader = cl;
      return this;
    }

    public Wacanda build() {
      if (secretCipher == null) {
        throw new IllegalStateException("a secret key is required: call secretKey(...) or "
            + "secretCipher(...)");
      }
      if (adminAuthenticator == null) {
        throw new IllegalStateException("an admin authenticator is required: call "
            + "adminAuthenticator(...)");
      }
      if (httpClient == null) {
        httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
      }
      return new Wacanda(this);
    }
  }
}
