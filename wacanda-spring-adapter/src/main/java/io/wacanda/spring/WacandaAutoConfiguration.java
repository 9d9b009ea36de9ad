package io.wacanda.spring;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.conversation.EngineConfig;
import io.wacanda.event.EventBus;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.http.HttpOptions;
import io.wacanda.http.WacandaHttpHandler;
import io.wacanda.inbox.RetryPolicy;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.InMemoryIntegrationStore;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.integration.IntegrationTestStore;
import io.wacanda.knowledge.KnowledgeSourceStore;
import io.wacanda.rag.ChatModel;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.EmbeddingModel;
import io.wacanda.rag.KnowledgeStore;
import io.wacanda.rag.RagEngine;
import io.wacanda.security.AdminAuthenticator;
import io.wacanda.security.AdminPrincipal;
import io.wacanda.security.ApiKeys;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import io.wacanda.usage.ApiUsageStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Wacanda for Spring Boot 3: one {@link Wacanda} runtime built from the
 * {@code wacanda.*} keys ({@link WacandaProperties}) and from whatever beans the host declares
 * (stores, RAG engine, chat or embedding model, admin authenticator, integration providers,
 * {@link WacandaBuilderCustomizer}s), started and drained with the context, its HTTP handler
 * mounted on Spring MVC under {@code wacanda.http.base-path}, with a health indicator and
 * metrics when Actuator and Micrometer are present. Every bean backs off when the host declares
 * one of the same type. No component scan.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
    "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.security.servlet."
        + "ManagementWebSecurityAutoConfiguration"})
@ConditionalOnProperty(prefix = "wacanda", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WacandaProperties.class)
@Import({JdbcStoresImportSelector.class, InMemoryStoresConfiguration.class,
    WacandaSecurityConfiguration.class, WacandaWebConfiguration.class})
public class WacandaAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(WacandaAutoConfiguration.class);

  /** The validated base path: empty or {@code /segment[/segment]} without a trailing slash. */
  static String basePath(WacandaProperties properties) {
    String p = properties.getHttp().getBasePath() == null ? "" : properties.getHttp().getBasePath();
    if (!p.isEmpty() && (!p.matches("(/[A-Za-z0-9._~-]+)+"))) {
      throw new IllegalArgumentException("wacanda.http.base-path must be empty or /segment"
          + "[/segment] without a trailing slash, was '" + p + "'");
    }
    return p;
  }

  /**
   * The admin token authenticator, or one that refuses everything when no token is configured.
   *
   * @param quiet whether a missing token goes unmentioned (another mechanism authenticates)
   */
  static AdminAuthenticator tokenAuthenticator(WacandaProperties properties, boolean quiet) {
    WacandaProperties.Admin admin = properties.getAdmin();
    TenantId tenant = TenantId.of(admin.getTenant());
    if (admin.getToken() == null || admin.getToken().isBlank()) {
      if (!quiet) {
        log.warn("No wacanda.admin.token and no AdminAuthenticator bean: the admin API refuses "
            + "every call");
      }
      return request -> Optional.empty();
    }
    if (admin.getToken().length() < 16) {
      throw new IllegalArgumentException("wacanda.admin.token must be at least 16 characters");
    }
    return StaticTokenAdminAuthenticator.builder()
        .token(admin.getToken(), new AdminPrincipal(tenant, admin.getAgentId())).build();
  }

  /** Admin calls by bearer token; used when Spring Security is absent. */
  @Bean
  @ConditionalOnMissingBean
  AdminAuthenticator wacandaAdminAuthenticator(WacandaProperties properties) {
    return tokenAuthenticator(properties, false);
  }

  @Bean
  @ConditionalOnMissingBean
  SecretCipher wacandaSecretCipher(WacandaProperties properties, IntegrationStore store) {
    String secret = properties.getSecretKey();
    SecretCipher.Builder cipher = SecretCipher.builder();
    if (secret == null || secret.isBlank()) {
      if (!(store instanceof InMemoryIntegrationStore)) {
        throw new IllegalStateException("wacanda.secret-key is required with durable stores ("
            + store.getClass().getSimpleName() + "): set it to a secret of at least 32 "
            + "characters, the same on every instance and across restarts");
      }
      log.warn("No wacanda.secret-key: integration secrets are sealed with a random key that "
          + "lives as long as this process (fine for in-memory stores only)");
      cipher.primaryKey(properties.getSecretKeyId(),
          SecretCipher.deriveKey(ApiKeys.randomToken(32)));
    } else {
      cipher.primaryKey(properties.getSecretKeyId(), derive("wacanda.secret-key", secret));
    }
    properties.getOldSecretKeys().forEach((id, old) ->
        cipher.oldKey(id, derive("wacanda.old-secret-keys." + id, old)));
    return cipher.build();
  }

  private static byte[] derive(String key, String secret) {
    if (secret.length() < 32) {
      throw new IllegalArgumentException(key + " must be at least 32 characters");
    }
    return SecretCipher.deriveKey(secret);
  }

  @Bean
  @ConditionalOnMissingBean
  UrlGuard wacandaUrlGuard(WacandaProperties properties) {
    WacandaProperties.UrlGuard g = properties.getUrlGuard();
    return UrlGuard.builder().allowLoopback(g.isAllowLoopback()).allowPrivate(g.isAllowPrivate())
        .allowHosts(Set.copyOf(g.getAllowedHosts())).build();
  }

  @Bean
  @ConditionalOnMissingBean
  RagEngine wacandaRagEngine(KnowledgeStore knowledgeStore, ObjectProvider<ChatModel> chatModel,
      ObjectProvider<EmbeddingModel> embeddingModel) {
    DefaultRagEngine.Builder rag = DefaultRagEngine.builder().knowledgeStore(knowledgeStore);
    chatModel.ifUnique(rag::chatModel);
    embeddingModel.ifUnique(rag::embeddingModel);
    return rag.build();
  }

  @Bean
  @ConditionalOnMissingBean
  Wacanda wacanda(WacandaProperties properties, Environment environment,
      IntegrationStore integrationStore, IntegrationTestStore integrationTestStore,
      ConversationStore conversationStore, WebhookEventStore webhookEventStore,
      ApiUsageStore apiUsageStore, HandoffQueue handoffQueue, RagEngine ragEngine,
      KnowledgeSourceStore knowledgeSourceStore, SecretCipher secretCipher,
      AdminAuthenticator adminAuthenticator, UrlGuard urlGuard,
      ObjectProvider<IntegrationProvider> providers,
      ObjectProvider<WacandaBuilderCustomizer> customizers,
      ObjectProvider<StoreObserver> observers) {
    StoreObserver observer = observers.getIfUnique();
    Wacanda.Builder b = Wacanda.builder()
        .integrationStore(integrationStore)
        .integrationTestStore(integrationTestStore)
        .conversationStore(observer == null ? conversationStore
            : new ObservedConversationStore(conversationStore, observer))
        .webhookEventStore(observer == null ? webhookEventStore
            : new ObservedWebhookEventStore(webhookEventStore, observer))
        .apiUsageStore(apiUsageStore)
        .handoffQueue(handoffQueue)
        .ragEngine(ragEngine)
        .knowledgeSourceStore(knowledgeSourceStore)
        .secretCipher(secretCipher)
        .adminAuthenticator(adminAuthenticator)
        .urlGuard(urlGuard)
        .publicBaseUrl(publicBaseUrl(properties, environment))
        .engineConfig(engineConfig(properties.getEngine()))
        .inboxConfig(inboxConfig(properties.getInbox()))
        .httpOptions(httpOptions(properties.getHttp()))
        .retention(properties.getRetention())
        .housekeepingInterval(properties.getHousekeepingInterval())
        .discoverProviders(false);
    for (IntegrationProvider p : providers(providers.orderedStream().toList(),
        properties.isDiscoverProviders())) {
      b.provider(p);
    }
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * Provider beans first, then (when discovery is on) those {@link ServiceLoader} finds, skipping
   * a discovered provider whose class a bean already is. Two different classes with one type id
   * still fail in the registry, naming both.
   */
  static List<IntegrationProvider> providers(List<IntegrationProvider> beans, boolean discover) {
    List<IntegrationProvider> all = new ArrayList<>(beans);
    if (discover) {
      Set<Class<?>> seen = new HashSet<>();
      beans.forEach(p -> seen.add(p.getClass()));
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      for (IntegrationProvider p : ServiceLoader.load(IntegrationProvider.class, cl)) {
        if (seen.add(p.getClass())) {
          all.add(p);
        }
      }
    }
    return all;
  }

  static String publicBaseUrl(WacandaProperties properties, Environment environment) {
    String configured = properties.getPublicBaseUrl();
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String port = environment.getProperty("server.port", "8080");
    if (port.equals("0") || port.startsWith("-")) {
      port = "8080";
    }
    return "http://localhost:" + port + basePath(properties);
  }

  static EngineConfig engineConfig(WacandaProperties.Engine e) {
    return EngineConfig.builder().historySize(e.getHistorySize())
        .minConfidence(e.getMinConfidence()).handoffConfidence(e.getHandoffConfidence())
        .maxUnanswered(e.getMaxUnanswered()).handoffIdleTimeout(e.getHandoffIdleTimeout())
        .build();
  }

  static WebhookInbox.Config inboxConfig(WacandaProperties.Inbox i) {
    RetryPolicy retry = new RetryPolicy(i.getMaxAttempts(), i.getInitialRetryDelay(),
        i.getMaxRetryDelay(), i.getRetryMultiplier());
    return new WebhookInbox.Config(i.getWorkers(), i.getBatchSize(), i.getPollInterval(),
        i.getLease(), i.getDrainTimeout(), retry, WebhookInbox.namedThreads("wacanda-inbox"),
        i.getAckPriority());
  }

  static HttpOptions httpOptions(WacandaProperties.Http h) {
    long bytes = h.getMaxBodySize().toBytes();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("wacanda.http.max-body-size must be at most 64MB");
    }
    return HttpOptions.builder().maxBodyBytes((int) bytes)
        .allowedOrigins(Set.copyOf(h.getAllowedOrigins()))
        .rateLimit(h.getRatePerSecond(), h.getRateBurst()).build();
  }

  @Bean
  @ConditionalOnMissingBean
  WacandaHttpHandler wacandaHttpHandler(Wacanda wacanda) {
    return wacanda.httpHandler();
  }

  @Bean
  @ConditionalOnMissingBean
  EventBus wacandaEventBus(Wacanda wacanda) {
    return wacanda.events();
  }

  @Bean
  @ConditionalOnMissingBean(name = "wacandaLifecycle")
  WacandaLifecycle wacandaLifecycle(Wacanda wacanda) {
    return new WacandaLifecycle(wacanda);
  }

  /** Micrometer present: webhook counters and the reply latency timer. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    WacandaMetrics wacandaMetrics(ObjectProvider<Wacanda> wacanda) {
      return new WacandaMetrics(wacanda);
    }
  }
}
