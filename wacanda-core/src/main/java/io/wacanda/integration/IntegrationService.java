package io.wacanda.integration;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.InboundEvent;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.internal.Ids;
import io.wacanda.security.ApiKeys;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.UrlGuard;
import io.wacanda.usage.ApiUsageStore;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manages integrations for tenants: create, update, enable, disable, delete, rotate keys, run
 * connectivity tests, compute statistics, clean up old data; and owns the live {@link Channel} of
 * each integration. Validates settings against the type's template, encrypts secret fields, never
 * returns or logs them. Thread-safe.
 */
public final class IntegrationService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IntegrationService.class);
  /** Idempotency keys of webhook events are kept at least this long (platforms retry for days). */
  public static final Duration MIN_EVENT_RETENTION = Duration.ofDays(7);
  /** Sessions with a message within this window count as active. */
  public static final Duration ACTIVE_WINDOW = Duration.ofHours(24);
  private static final int CLEANUP_BATCH = 1000;

  private final IntegrationRegistry registry;
  private final IntegrationStore store;
  private final IntegrationTestStore testStore;
  private final ConversationStore conversations;
  private final WebhookEventStore events;
  private final ApiUsageStore usage;
  private final SecretCipher cipher;
  private final UrlGuard urlGuard;
  private final HttpClient httpClient;
  private final String publicBaseUrl;
  private final Clock clock;
  private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
  private volatile Consumer<StoredEvents> eventSink = e -> {
    throw new WacandaException(ErrorCode.UNAVAILABLE, "no inbox attached");
  };
  private volatile Consumer<Integration> statusListener = i -> {};

  /** Events a polling channel hands over for storage. */
  public record StoredEvents(Integration integration, List<InboundEvent> events) {}

  @jakarta.inject.Inject
  public IntegrationService(IntegrationRegistry registry, IntegrationStore store,
      IntegrationTestStore testStore, ConversationStore conversations, WebhookEventStore events,
      ApiUsageStore usage, SecretCipher cipher, UrlGuard urlGuard, HttpClient httpClient,
      String publicBaseUrl, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.store = Objects.requireNonNull(store, "store");
    this.testStore = Objects.requireNonNull(testStore, "testStore");
    this.conversations = Objects.requireNonNull(conversations, "conversations");
    this.events = Objects.requireNonNull(events, "events");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.urlGuard = Objects.requireNonNull(urlGuard, "urlGuard");
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    String base = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
    this.publicBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Where polling channels store their events (the inbox); set once at wiring time. */
  public void attachEventSink(Consumer<StoredEvents> sink) {
    this.eventSink = Objects.requireNonNull(sink, "sink");
  }

  /** Called after an integration's status changed (for event streams). */
  public void onStatusChange(Consumer<Integration> listener) {
    this.statusListener = Objects.requireNonNull(listener, "listener");
  }

  public IntegrationRegistry registry() {
    return registry;
  }

  public String webhookUrl(String integrationId) {
    return publicBaseUrl + "/webhooks/" + integrationId;
  }

  // ---------------------------------------------------------------- CRUD

  /**
   * Creates an integration, enabled, and starts its channel.
   *
   * @param settings template fields by name, secrets included
   * @throws WacandaException INVALID_REQUEST for an unknown type, a bad name or bad settings
   */
  public CreatedIntegration create(TenantId tenant, String type, String name,
      Map<String, String> settings) {
    return create(tenant, type, name, settings, ApiKeys.generate());
  }

  /**
   * Creates an integration with a key the host chose (a demo key from the environment, a key
   * migrated from another system).
   *
   * @param apiKey 24-200 characters of {@code A-Za-z0-9_-}
   */
  public CreatedIntegration create(TenantId tenant, String type, String name,
      Map<String, String> settings, String apiKey) {
    if (apiKey == null || !apiKey.matches("[A-Za-z0-9_-]{24,200}")) {
      throw WacandaException.invalid("an API key must be 24-200 characters of A-Za-z0-9_-");
    }
    IntegrationProvider provider = provider(type);
    String cleanName = validName(name);
    Map<String, String> given = new LinkedHashMap<>(nullSafe(settings));
    rejectUnknown(provider.template(), given);
    Map<String, String> generated = provider.generatedSettings(given);
    generated.forEach((k, v) -> {
      if (given.getOrDefault(k, "").isBlank()) {
        given.put(k, v);
      }
    });
    Map<String, String> all = resolve(provider, given);
    String id = Ids.unguessable("int");
    Instant now = clock.instant();
    Integration integration = new Integration(id, tenant, type, cleanName, true,
        IntegrationStatus.of(ConnectionState.DISCONNECTED, "", now),
        plainPart(provider.template(), all), seal(provider.template(), all, id),
        ApiKeys.hash(apiKey), ApiKeys.prefix(apiKey), now, now);
    store.save(integration);
    log.info("Created integration {} of type {} for tenant {}", id, type, tenant);
    Integration started = startChannel(integration);
    return new CreatedIntegration(started, webhookUrl(id), apiKey);
  }

  /**
   * Updates name and settings. Settings are merged: a key given replaces the stored value, a secret
   * given as an empty string or omitted keeps the stored secret. The channel restarts.
   */
  public Integration update(TenantId tenant, String id, Optional<String> name,
      Map<String, String> settings) {
    Integration current = get(tenant, id);
    IntegrationProvider provider = provider(current.type());
    rejectUnknown(provider.template(), nullSafe(settings));
    Map<String, String> merged = new LinkedHashMap<>(current.settings());
    merged.putAll(openSecrets(current));
    nullSafe(settings).forEach((k, v) -> {
      boolean secret = provider.template().field(k).map(FieldSpec::secret).orElse(false);
      if (!(secret && (v == null || v.isEmpty()))) {
        merged.put(k, v == null ? "" : v);
      }
    });
    Map<String, String> all = resolve(provider, merged);
    Integration updated = current.withConfiguration(name.map(IntegrationService::validName)
            .orElse(current.name()), plainPart(provider.template(), all),
        seal(provider.template(), all, id), clock.instant());
    store.save(updated);
    stopChannel(id);
    log.info("Updated integration {}", id);
    return updated.enabled() ? startChannel(updated) : stored(updated);
  }

  public Integration get(TenantId tenant, String id) {
    return store.find(tenant, id).orElseThrow(() -> WacandaException.notFound("integration", id));
  }

  public List<Integration> list(TenantId tenant) {
    return store.list(tenant);
  }

  public Integration enable(TenantId tenant, String id) {
    Integration current = get(tenant, id);
    if (current.enabled()) {
      return current;
    }
    Integration enabled = current.withEnabled(true, clock.instant());
    store.save(enabled);
    log.info("Enabled integration {}", id);
    return startChannel(enabled);
  }

  public Integration disable(TenantId tenant, String id) {
    Integration current = get(tenant, id);
    stopChannel(id);
    Instant now = clock.instant();
    // save keeps the stored status, so the status change is a write of its own
    store.save(current.withEnabled(false, now));
    Integration disabled = store.updateStatus(tenant, id,
            IntegrationStatus.of(ConnectionState.DISCONNECTED, "disabled", now), now)
        .orElseThrow(() -> WacandaException.notFound("integration", id));
    statusListener.accept(disabled);
    log.info("Disabled integration {}", id);
    return disabled;
  }

  /** Deletes the integration with its sessions, messages and test history. */
  public void delete(TenantId tenant, String id) {
    get(tenant, id);
    stopChannel(id);
    store.delete(tenant, id);
    conversations.deleteAll(tenant, id);
    testStore.deleteAll(tenant, id);
    log.info("Deleted integration {}", id);
  }

  /** Issues a new API key; the old one stops working at once. */
  public CreatedIntegration rotateKey(TenantId tenant, String id) {
    Integration current = get(tenant, id);
    String apiKey = ApiKeys.generate();
    Integration rotated = current.withApiKey(ApiKeys.hash(apiKey), ApiKeys.prefix(apiKey),
        clock.instant());
    store.save(rotated);
    log.info("Rotated the API key of integration {}", id);
    return new CreatedIntegration(stored(rotated), webhookUrl(id), apiKey);
  }

  /** The integration an API key belongs to. */
  public Optional<Integration> findByApiKey(String apiKey) {
    if (apiKey == null || apiKey.isBlank() || apiKey.length() > 200) {
      return Optional.empty();
    }
    return store.findByApiKeyHash(ApiKeys.hash(apiKey));
  }

  /** Routing lookup for {@code /webhooks/{id}}. */
  public Optional<Integration> findForWebhook(String id) {
    return store.findForRouting(id);
  }

  // ------------------------------------------------------------ channels

  /** The live channel of an enabled integration, created on first use. */
  public Channel channel(Integration integration) {
    if (!integration.enabled()) {
      throw new WacandaException(ErrorCode.FORBIDDEN,
          "integration " + integration.id() + " is disabled");
    }
    return channels.computeIfAbsent(integration.id(), k -> createChannel(integration));
  }

  /** Starts the channels of every enabled integration (at process start). */
  public void startAll() {
    for (Integration i : store.listEnabled()) {
      startChannel(i);
    }
  }

  /**
   * Records a status change and tells listeners. Only the status is written, so a report racing
   * with an admin's change of settings, name, key or enabled flag undoes none of it (and the
   * admin's change none of this).
   *
   * @return the integration as stored with the new status; empty for an unknown id
   */
  public Optional<Integration> updateStatus(TenantId tenant, String id,
      IntegrationStatus status) {
    // The state before is read only for the log line: a report racing with this one can make it
    // stale, which at worst logs a transition twice or misses one; the write does not depend on it.
    Optional<ConnectionState> before = store.find(tenant, id).map(i -> i.status().state());
    if (before.isEmpty()) {
      return Optional.empty();
    }
    Optional<Integration> changed = store.updateStatus(tenant, id, status, clock.instant());
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    if (before.get() != status.state()) {
      log.info("Integration {} is now {}", id, status.state());
    }
    statusListener.accept(changed.get());
    return changed;
  }

  /** The integration as stored after a save (whose status the store kept), else as written. */
  private Integration stored(Integration written) {
    return store.find(written.tenant(), written.id()).orElse(written);
  }

  private Integration startChannel(Integration integration) {
    Instant now = clock.instant();
    try {
      Channel channel = channel(integration);
      channel.start();
      Integration current = store.find(integration.tenant(), integration.id()).orElse(integration);
      if (current.status().state() == ConnectionState.DISCONNECTED
          || current.status().state() == ConnectionState.ERROR) {
        // Channels with a login lifecycle report their own status; the rest are ready now.
        if (channel.connectionControl().isEmpty()) {
          return updateStatus(integration.tenant(), integration.id(),
              IntegrationStatus.of(ConnectionState.CONNECTED, "", now)).orElse(current);
        }
      }
      return current;
    } catch (WacandaException e) {
      log.warn("Integration {} could not start: {}", integration.id(), e.getMessage());
      stopChannel(integration.id());
      return updateStatus(integration.tenant(), integration.id(),
          IntegrationStatus.of(ConnectionState.ERROR, e.getMessage(), now)).orElse(integration);
    } catch (RuntimeException e) {
      log.warn("Integration {} could not start", integration.id(), e);
      stopChannel(integration.id());
      return updateStatus(integration.tenant(), integration.id(),
          IntegrationStatus.of(ConnectionState.ERROR, "channel failed to start", now))
          .orElse(integration);
    }
  }

  private void stopChannel(String id) {
    Channel channel = channels.remove(id);
    if (channel != null) {
      try {
        channel.close();
      } catch (RuntimeException e) {
        log.warn("Channel of integration {} failed to close", id, e);
      }
    }
  }

  private Channel createChannel(Integration integration) {
    return provider(integration.type()).createChannel(context(integration));
  }

  /** The context a provider builds channels and runs tests with. */
  public ChannelContext context(Integration integration) {
    IntegrationProvider provider = provider(integration.type());
    Map<String, String> all = new HashMap<>(integration.settings());
    all.putAll(openSecrets(integration));
    Set<String> secretNames = provider.template().fields().stream().filter(FieldSpec::secret)
        .map(FieldSpec::name).collect(Collectors.toSet());
    return new ChannelContext(integration, new IntegrationSettings(all, secretNames),
        webhookUrl(integration.id()), httpClient, clock, urlGuard, new ChannelContext.Events() {
          @Override
          public void store(List<InboundEvent> inbound) {
            eventSink.accept(new StoredEvents(integration, inbound));
          }

          @Override
          public void statusChanged(IntegrationStatus status) {
            updateStatus(integration.tenant(), integration.id(), status);
          }
        });
  }

  // ------------------------------------------------- connection lifecycle

  /** The connection control of a channel with a login lifecycle (WhatsApp Web). */
  public io.wacanda.channel.ConnectionControl connectionControl(TenantId tenant, String id) {
    Integration integration = get(tenant, id);
    return channel(integration).connectionControl().orElseThrow(() ->
        WacandaException.conflict("integration type " + integration.type()
            + " has no connection lifecycle"));
  }

  /** Starts a login (connect) and records the resulting status. */
  public Integration connect(TenantId tenant, String id) {
    IntegrationStatus status = connectionControl(tenant, id).connect();
    return updateStatus(tenant, id, status).orElseThrow();
  }

  /** Logs out and records the resulting status. */
  public Integration disconnect(TenantId tenant, String id) {
    IntegrationStatus status = connectionControl(tenant, id).disconnect();
    return updateStatus(tenant, id, status).orElseThrow();
  }

  // --------------------------------------------------------------- tests

  /** Runs the type's connectivity test, stores and returns the result. */
  public IntegrationTestResult test(TenantId tenant, String id) {
    Integration integration = get(tenant, id);
    IntegrationProvider provider = provider(integration.type());
    long start = System.nanoTime();
    List<TestCheck> checks;
    try {
      checks = provider.connectivityTest().run(context(integration));
    } catch (WacandaException e) {
      checks = List.of(TestCheck.fail("test", Duration.ofNanos(System.nanoTime() - start),
          e.getMessage()));
    } catch (RuntimeException e) {
      log.warn("Connectivity test of integration {} failed unexpectedly", id, e);
      checks = List.of(TestCheck.fail("test", Duration.ofNanos(System.nanoTime() - start),
          "the test failed unexpectedly: " + e.getClass().getSimpleName()));
    }
    boolean passed = !checks.isEmpty() && checks.stream().allMatch(TestCheck::passed);
    IntegrationTestResult result = new IntegrationTestResult(Ids.next("tst"), tenant, id, passed,
        checks, Duration.ofNanos(System.nanoTime() - start), clock.instant());
    testStore.save(result);
    log.info("Connectivity test of integration {}: {}", id, passed ? "passed" : "failed");
    return result;
  }

  public List<IntegrationTestResult> testHistory(TenantId tenant, String id, int limit) {
    get(tenant, id);
    return testStore.list(tenant, id, limit);
  }

  // --------------------------------------------------------------- stats

  public IntegrationStats stats(TenantId tenant, String id) {
    get(tenant, id);
    Instant now = clock.instant();
    Instant todayStart = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay()
        .toInstant(ZoneOffset.UTC);
    ConversationStore.Counts c = conversations.counts(tenant, id, now.minus(ACTIVE_WINDOW),
        todayStart);
    IntegrationTestStore.Tally tally = testStore.tally(tenant, id);
    Map<EventStatus, Long> byStatus = events.countByStatus(tenant, id);
    return new IntegrationStats(c.totalSessions(), c.activeSessions(), c.totalMessages(),
        c.messagesToday(), c.averageResponseTime(), usage.count(tenant, id, Instant.EPOCH),
        tally.runs(), tally.successRate(),
        byStatus.getOrDefault(EventStatus.PENDING, 0L)
            + byStatus.getOrDefault(EventStatus.PROCESSING, 0L),
        byStatus.getOrDefault(EventStatus.DEAD, 0L));
  }

  /**
   * Deletes processed and dead webhook events and API usage logs older than {@code retention}, in
   * batches. Retention below 7 days is raised to 7 days, so a platform's late redelivery is still
   * recognised as a duplicate.
   *
   * @return how many rows were deleted
   */
  public long cleanupOldData(Duration retention) {
    Duration kept = retention.compareTo(MIN_EVENT_RETENTION) < 0 ? MIN_EVENT_RETENTION : retention;
    Instant cutoff = clock.instant().minus(kept);
    long deleted = 0;
    int n;
    do {
      n = events.deleteTerminalBefore(cutoff, CLEANUP_BATCH);
      deleted += n;
    } while (n == CLEANUP_BATCH);
    do {
      n = usage.deleteBefore(cutoff, CLEANUP_BATCH);
      deleted += n;
    } while (n == CLEANUP_BATCH);
    if (deleted > 0) {
      log.info("Retention cleanup deleted {} rows older than {}", deleted, cutoff);
    }
    return deleted;
  }

  @Override
  public void close() {
    for (String id : List.copyOf(channels.keySet())) {
      stopChannel(id);
    }
  }

  // ---------------------------------------------------------- validation

  private IntegrationProvider provider(String type) {
    return registry.find(type == null ? "" : type).orElseThrow(() -> WacandaException.invalid(
        "unknown integration type '" + type + "'; known: " + registry.templates().stream()
            .map(IntegrationTemplate::type).collect(Collectors.joining(", "))));
  }

  private static String validName(String name) {
    if (name == null || name.isBlank()) {
      throw WacandaException.invalid("name is required");
    }
    String trimmed = name.strip();
    if (trimmed.length() > 100) {
      throw WacandaException.invalid("name must be at most 100 characters");
    }
    return trimmed;
  }

  private static Map<String, String> nullSafe(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  private static void rejectUnknown(IntegrationTemplate template, Map<String, String> settings) {
    for (String key : settings.keySet()) {
      if (template.field(key).isEmpty()) {
        throw WacandaException.invalid("unknown setting '" + key + "' for type " + template.type());
      }
    }
  }

  /** Applies defaults and the template's rules, then the provider's own validation. */
  private Map<String, String> resolve(IntegrationProvider provider, Map<String, String> given) {
    Map<String, String> all = new LinkedHashMap<>();
    for (FieldSpec f : provider.template().fields()) {
      String v = given.get(f.name());
      if (v == null || v.isBlank()) {
        v = f.defaultValue().orElse("");
      }
      v = v.strip();
      if (v.isEmpty()) {
        if (f.required()) {
          throw WacandaException.invalid("setting '" + f.name() + "' is required");
        }
        continue;
      }
      if (v.length() > 4096) {
        throw WacandaException.invalid("setting '" + f.name() + "' is too long");
      }
      switch (f.kind()) {
        case URL -> urlGuard.check(v);
        case NUMBER -> {
          try {
            new BigDecimal(v);
          } catch (NumberFormatException e) {
            throw WacandaException.invalid("setting '" + f.name() + "' must be a number");
          }
        }
        case BOOLEAN -> {
          String b = v.toLowerCase(Locale.ROOT);
          if (!b.equals("true") && !b.equals("false")) {
            throw WacandaException.invalid("setting '" + f.name() + "' must be true or false");
          }
          v = b;
        }
        case SELECT -> {
          if (!f.options().contains(v)) {
            throw WacandaException.invalid("setting '" + f.name() + "' must be one of "
                + f.options());
          }
        }
        default -> { }
      }
      all.put(f.name(), v);
    }
    provider.validate(Map.copyOf(all));
    return all;
  }

  private static Map<String, String> plainPart(IntegrationTemplate template,
      Map<String, String> all) {
    Map<String, String> plain = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (!template.field(k).map(FieldSpec::secret).orElse(false)) {
        plain.put(k, v);
      }
    });
    return plain;
  }

  private Optional<SealedSecrets> seal(IntegrationTemplate template, Map<String, String> all,
      String id) {
    Map<String, String> secrets = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (template.field(k).map(FieldSpec::secret).orElse(false)) {
        secrets.put(k, v);
      }
    });
    return secrets.isEmpty() ? Optional.empty() : Optional.of(cipher.seal(secrets, id));
  }

  private Map<String, String> openSecrets(Integration integration) {
    return integration.secrets().map(s -> cipher.open(s, integration.id())).orElse(Map.of());
  }
}
