package io.wacanda.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.WacandaHttpHandler;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.InMemoryIntegrationStore;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.rag.RagEngine;
import io.wacanda.security.AdminAuthenticator;
import io.wacanda.security.AdminPrincipal;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

class WacandaAutoConfigurationTests {
  static final String TOKEN = "adm_test_token_0123456789";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(WacandaAutoConfiguration.class,
          WacandaHealthAutoConfiguration.class));

  /** Without Spring Security on the class path: the admin token decides. */
  private final ApplicationContextRunner plain = runner
      .withClassLoader(new FilteredClassLoader("org.springframework.security"));

  @AfterEach
  void clearSecurityContext() {
    SecurityContextHolder.clearContext();
  }

  private static HttpRequest bearer(String token) {
    return new HttpRequest("GET", "/admin/templates", Map.of(),
        Map.of("Authorization", List.of("Bearer " + token)), new byte[0], "");
  }

  @Test
  void defaultsGiveAStartedRuntimeOnInMemoryStores() {
    runner.run(ctx -> {
      assertThat(ctx).hasSingleBean(Wacanda.class).hasSingleBean(WacandaHttpHandler.class)
          .hasSingleBean(WacandaLifecycle.class).hasSingleBean(SecretCipher.class)
          .hasSingleBean(UrlGuard.class).hasSingleBean(RagEngine.class);
      assertThat(ctx.getBean(IntegrationStore.class)).isInstanceOf(InMemoryIntegrationStore.class);
      assertThat(ctx.getBean(WebhookEventStore.class))
          .isInstanceOf(InMemoryWebhookEventStore.class);
      assertThat(ctx.getBean(WacandaLifecycle.class).isRunning()).isTrue();
      Wacanda w = ctx.getBean(Wacanda.class);
      assertThat(w.httpHandler().options().maxBodyBytes()).isEqualTo(1 << 20);
      assertThat(w.httpHandler().options().allowedOrigins()).isEmpty();
      assertThat(w.integrations().webhookUrl("int_1"))
          .isEqualTo("http://localhost:8080/wacanda/webhooks/int_1");
      assertThat(w.conversations().config().historySize()).isEqualTo(10);
      assertThat(w.integrations().registry().find("custom")).isPresent();
      assertThat(ctx.getBean(UrlGuard.class).allows(java.net.InetAddress.getLoopbackAddress()))
          .isFalse();
    });
  }

  @Test
  void withoutSecurityOrTokenTheAdminApiRefusesEveryCall() {
    plain.run(ctx -> {
      AdminAuthenticator auth = ctx.getBean(AdminAuthenticator.class);
      assertThat(auth).isNotInstanceOf(SpringSecurityAdminAuthenticator.class);
      assertThat(auth.authenticate(bearer(TOKEN))).isEmpty();
      assertThat(ctx.getBean(WacandaHttpHandler.class).handle(bearer(TOKEN)).status())
          .isEqualTo(401);
    });
  }

  @Test
  void adminTokenTenantAndAgentKeysAuthenticateBearerCalls() {
    plain.withPropertyValues("wacanda.admin.token=" + TOKEN, "wacanda.admin.tenant=acme",
        "wacanda.admin.agent-id=alice").run(ctx -> {
          Optional<AdminPrincipal> p = ctx.getBean(AdminAuthenticator.class)
              .authenticate(bearer(TOKEN));
          assertThat(p).contains(new AdminPrincipal(TenantId.of("acme"), "alice"));
          assertThat(ctx.getBean(AdminAuthenticator.class).authenticate(bearer(TOKEN + "x")))
              .isEmpty();
          assertThat(ctx.getBean(WacandaHttpHandler.class).handle(bearer(TOKEN)).status())
              .isEqualTo(200);
        });
  }

  @Test
  void tooShortAdminTokenFailsStartupNamingTheKey() {
    plain.withPropertyValues("wacanda.admin.token=short").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("wacanda.admin.token"));
  }

  @Test
  void withSpringSecurityTheAuthenticatedUserActsForTheResolvedTenant() {
    runner.withPropertyValues("wacanda.admin.tenant=shop").run(ctx -> {
      AdminAuthenticator auth = ctx.getBean(AdminAuthenticator.class);
      assertThat(auth).isInstanceOf(SpringSecurityAdminAuthenticator.class);
      assertThat(auth.authenticate(HttpRequest.of("GET", "/admin/templates"))).isEmpty();
      SecurityContextHolder.getContext().setAuthentication(
          UsernamePasswordAuthenticationToken.authenticated("bob", "n/a", List.of()));
      assertThat(auth.authenticate(HttpRequest.of("GET", "/admin/templates")))
          .contains(new AdminPrincipal(TenantId.of("shop"), "bob"));
    });
  }

  @Test
  void hostTenantResolverMapsUsersAndRefusesOthers() {
    runner.withBean(AdminTenantResolver.class, () -> a -> a.getName().startsWith("acme-")
        ? Optional.of(TenantId.of("acme")) : Optional.empty()).run(ctx -> {
          AdminAuthenticator auth = ctx.getBean(AdminAuthenticator.class);
          SecurityContextHolder.getContext().setAuthentication(
              new TestingAuthenticationToken("acme-carol", "n/a", "ROLE_AGENT"));
          assertThat(auth.authenticate(HttpRequest.of("GET", "/admin")).map(p -> p.tenant()))
              .contains(TenantId.of("acme"));
          SecurityContextHolder.getContext().setAuthentication(
              new TestingAuthenticationToken("mallory", "n/a", "ROLE_AGENT"));
          assertThat(auth.authenticate(HttpRequest.of("GET", "/admin"))).isEmpty();
        });
  }

  @Test
  void withSpringSecurityTheAdminTokenStillWorksWithoutAUser() {
    runner.withPropertyValues("wacanda.admin.token=" + TOKEN).run(ctx ->
        assertThat(ctx.getBean(AdminAuthenticator.class).authenticate(bearer(TOKEN)))
            .contains(new AdminPrincipal(TenantId.of("default"), "admin")));
  }

  @Test
  void httpKeysReachTheHandlerOptions() {
    runner.withPropertyValues("wacanda.http.max-body-size=2MB",
        "wacanda.http.allowed-origins=https://console.example.com",
        "wacanda.http.rate-per-second=5", "wacanda.http.rate-burst=7").run(ctx -> {
          var options = ctx.getBean(WacandaHttpHandler.class).options();
          assertThat(options.maxBodyBytes()).isEqualTo(2 << 20);
          assertThat(options.allowedOrigins()).containsExactly("https://console.example.com");
          assertThat(options.ratePerSecond()).isEqualTo(5.0);
          assertThat(options.rateBurst()).isEqualTo(7);
        });
  }

  @Test
  void basePathAndServerPortShapeTheDefaultWebhookUrl() {
    runner.withPropertyValues("wacanda.http.base-path=/bots/support", "server.port=9090")
        .run(ctx -> assertThat(ctx.getBean(Wacanda.class).integrations().webhookUrl("i"))
            .isEqualTo("http://localhost:9090/bots/support/webhooks/i"));
  }

  @Test
  void publicBaseUrlKeyWins() {
    runner.withPropertyValues("wacanda.public-base-url=https://bot.example.com/hooks")
        .run(ctx -> assertThat(ctx.getBean(Wacanda.class).integrations().webhookUrl("i"))
            .isEqualTo("https://bot.example.com/hooks/webhooks/i"));
  }

  @Test
  void malformedBasePathFailsStartupNamingTheKey() {
    runner.withPropertyValues("wacanda.http.base-path=wacanda/").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("wacanda.http.base-path"));
  }

  @Test
  void engineKeysReachTheConversationEngine() {
    runner.withPropertyValues("wacanda.engine.history-size=4", "wacanda.engine.min-confidence=0.5",
        "wacanda.engine.handoff-confidence=0.1", "wacanda.engine.max-unanswered=3",
        "wacanda.engine.handoff-idle-timeout=10m").run(ctx -> {
          var config = ctx.getBean(Wacanda.class).conversations().config();
          assertThat(config.historySize()).isEqualTo(4);
          assertThat(config.minConfidence()).isEqualTo(0.5);
          assertThat(config.handoffConfidence()).isEqualTo(0.1);
          assertThat(config.maxUnanswered()).isEqualTo(3);
          assertThat(config.handoffIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
        });
  }

  @Test
  void inboxKeysMapOntoTheInboxConfig() {
    WacandaProperties p = new WacandaProperties();
    p.getInbox().setWorkers(2);
    p.getInbox().setBatchSize(3);
    p.getInbox().setPollInterval(Duration.ofMillis(50));
    p.getInbox().setLease(Duration.ofMinutes(2));
    p.getInbox().setDrainTimeout(Duration.ofSeconds(4));
    p.getInbox().setMaxAttempts(9);
    p.getInbox().setInitialRetryDelay(Duration.ofSeconds(1));
    p.getInbox().setMaxRetryDelay(Duration.ofMinutes(7));
    p.getInbox().setRetryMultiplier(2.0);
    assertThat(WacandaAutoConfiguration.inboxConfig(p.getInbox()).ackPriority())
        .isEqualTo(Duration.ofSeconds(30));
    p.getInbox().setAckPriority(Duration.ZERO);
    WebhookInbox.Config c = WacandaAutoConfiguration.inboxConfig(p.getInbox());
    assertThat(c.workers()).isEqualTo(2);
    assertThat(c.batchSize()).isEqualTo(3);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.lease()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.retryPolicy().maxAttempts()).isEqualTo(9);
    assertThat(c.retryPolicy().initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.retryPolicy().maxDelay()).isEqualTo(Duration.ofMinutes(7));
    assertThat(c.retryPolicy().multiplier()).isEqualTo(2.0);
    assertThat(c.ackPriority()).isZero();
  }

  @Test
  void inboxKeysAreAppliedAndBadOnesFailStartup() {
    runner.withPropertyValues("wacanda.inbox.workers=1", "wacanda.inbox.poll-interval=20ms")
        .run(ctx -> assertThat(ctx).hasNotFailed());
    runner.withPropertyValues("wacanda.inbox.workers=0").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("workers must be 1..256"));
  }

  @Test
  void retentionBelowSevenDaysFailsStartup() {
    runner.withPropertyValues("wacanda.retention=3d").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("retention must be at least 7 days"));
  }

  @Test
  void urlGuardKeysAllowLoopbackAndNamedHosts() {
    runner.withPropertyValues("wacanda.url-guard.allow-loopback=true",
        "wacanda.url-guard.allowed-hosts=intranet.local").run(ctx -> {
          UrlGuard g = ctx.getBean(UrlGuard.class);
          assertThat(g.allows(java.net.InetAddress.getLoopbackAddress())).isTrue();
          assertThat(g.check("http://intranet.local/health").getHost())
              .isEqualTo("intranet.local");
        });
  }

  @Test
  void secretKeyKeysSealAndOpenWithRotation() {
    String oldSecret = "an-old-host-secret-of-32-characters-or-more";
    SecretCipher old = SecretCipher.of("k0", SecretCipher.deriveKey(oldSecret));
    var sealedWithOld = old.seal(Map.of("bot_token", "123:abc"), "int_1");
    runner.withPropertyValues("wacanda.secret-key=a-new-host-secret-of-at-least-32-chars",
        "wacanda.secret-key-id=k1", "wacanda.old-secret-keys.k0=" + oldSecret).run(ctx -> {
          SecretCipher cipher = ctx.getBean(SecretCipher.class);
          assertThat(cipher.primaryKeyId()).isEqualTo("k1");
          assertThat(cipher.open(sealedWithOld, "int_1")).containsEntry("bot_token", "123:abc");
        });
  }

  @Test
  void shortSecretKeyFailsStartupNamingTheKey() {
    runner.withPropertyValues("wacanda.secret-key=too-short").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("wacanda.secret-key"));
  }

  @Test
  void durableStoresWithoutSecretKeyFailStartup() {
    runner.withUserConfiguration(DurableStoreConfig.class).run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("wacanda.secret-key is required"));
  }

  @Test
  void discoveryKeyTurnsServiceLoaderOff() {
    runner.withPropertyValues("wacanda.discover-providers=false")
        .withBean(EchoProvider.class, EchoProvider::new).run(ctx -> {
          var registry = ctx.getBean(Wacanda.class).integrations().registry();
          assertThat(registry.find("custom")).isEmpty();
          assertThat(registry.find("echo")).isPresent();
        });
  }

  @Test
  void providerBeansAreRegisteredBesideDiscoveredOnesWithoutDuplicates() {
    runner.withBean(EchoProvider.class, EchoProvider::new)
        .withBean(CustomIntegrationProvider.class, CustomIntegrationProvider::new).run(ctx -> {
          var registry = ctx.getBean(Wacanda.class).integrations().registry();
          assertThat(registry.find("echo")).isPresent();
          assertThat(registry.find("custom")).isPresent();
        });
  }

  @Test
  void twoClassesWithOneTypeIdFailNamingBoth() {
    runner.withBean("other", io.wacanda.integration.IntegrationProvider.class,
        () -> new EchoProvider() {
          @Override
          public String type() {
            return "custom";
          }
        }).run(ctx -> assertThat(ctx).getFailure()
            .hasStackTraceContaining("integration type 'custom' is provided twice")
            .hasStackTraceContaining(CustomIntegrationProvider.class.getName()));
  }

  @Test
  void backsOffToHostBeans() {
    InMemoryIntegrationStore hostStore = new InMemoryIntegrationStore();
    AdminAuthenticator hostAuth = StaticTokenAdminAuthenticator.of(TOKEN, TenantId.of("host"));
    runner.withBean(IntegrationStore.class, () -> hostStore)
        .withBean(AdminAuthenticator.class, () -> hostAuth).run(ctx -> {
          assertThat(ctx.getBean(IntegrationStore.class)).isSameAs(hostStore);
          assertThat(ctx.getBean(AdminAuthenticator.class)).isSameAs(hostAuth);
          Wacanda w = ctx.getBean(Wacanda.class);
          var created = w.integrations().create(TenantId.of("host"), "custom", "Mine", Map.of());
          assertThat(hostStore.find(TenantId.of("host"), created.integration().id()))
              .isPresent();
          assertThat(w.httpHandler().handle(bearer(TOKEN)).status()).isEqualTo(200);
        });
  }

  @Test
  void backsOffToAHostWacanda() {
    Wacanda host = Wacanda.builder().secretKey("h", new byte[32])
        .adminAuthenticator(r -> Optional.empty()).build();
    runner.withBean(Wacanda.class, () -> host).run(ctx -> {
      assertThat(ctx.getBean(Wacanda.class)).isSameAs(host);
      assertThat(ctx.getBean(WacandaHttpHandler.class)).isSameAs(host.httpHandler());
    });
  }

  @Test
  void customizersHaveTheLastWord() {
    Clock fixed = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
    runner.withBean(WacandaBuilderCustomizer.class, () -> b -> b.clock(fixed)).run(ctx -> {
      var created = ctx.getBean(Wacanda.class).integrations()
          .create(TenantId.of("t"), "custom", "Clocked", Map.of());
      assertThat(created.integration().createdAt()).isEqualTo(fixed.instant());
    });
  }

  @Test
  void lifecycleStartsWithTheContextAndClosesWacandaOnShutdown() {
    AtomicBoolean channelClosed = new AtomicBoolean();
    EchoProvider closing = new EchoProvider() {
      @Override
      public io.wacanda.channel.Channel createChannel(
          io.wacanda.integration.ChannelContext context) {
        io.wacanda.channel.Channel inner = super.createChannel(context);
        return new io.wacanda.channel.Channel() {
          @Override
          public io.wacanda.channel.WebhookResult handleWebhook(HttpRequest request) {
            return inner.handleWebhook(request);
          }

          @Override
          public io.wacanda.channel.SendResult send(io.wacanda.channel.OutboundMessage m) {
            return inner.send(m);
          }

          @Override
          public io.wacanda.channel.ChannelLimits limits() {
            return inner.limits();
          }

          @Override
          public void close() {
            channelClosed.set(true);
          }
        };
      }
    };
    runner.withBean(EchoProvider.class, () -> closing).run(ctx -> {
      WacandaLifecycle lifecycle = ctx.getBean(WacandaLifecycle.class);
      assertThat(lifecycle.isRunning()).isTrue();
      assertThat(lifecycle.getPhase()).isLessThan(Integer.MAX_VALUE - 2048);
      ctx.getBean(Wacanda.class).integrations().create(TenantId.of("t"), "echo", "E", Map.of());
      assertThat(channelClosed).isFalse();
      ctx.close();
      assertThat(lifecycle.isRunning()).isFalse();
      assertThat(channelClosed).as("Wacanda.close() closed the channels").isTrue();
    });
  }

  @Test
  void disabledKeyTurnsEverythingOff() {
    runner.withPropertyValues("wacanda.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(Wacanda.class));
  }

  @Test
  void healthAndMetricsAppearWithActuatorAndMicrometer() {
    runner.run(ctx -> {
      assertThat(ctx).hasBean("wacandaHealthIndicator").hasSingleBean(WacandaMetrics.class);
      assertThat(ctx.getBean("wacandaHealthIndicator", HealthIndicator.class).health()
          .getStatus().getCode()).isEqualTo("UP");
      // The metrics observe the stores Wacanda writes to.
      assertThat(ctx.getBean(Wacanda.class).inbox()).isNotNull();
    });
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WacandaAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader("io.micrometer", "org.springframework.boot.actuate"))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(WacandaMetrics.class)
            .doesNotHaveBean("wacandaHealthIndicator"));
    runner.withPropertyValues("management.health.wacanda.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean("wacandaHealthIndicator"));
  }

  @Test
  void webEnvironmentMountsTheEndpointUnlessTurnedOff() {
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WacandaAutoConfiguration.class));
    web.run(ctx -> assertThat(ctx).hasSingleBean(WacandaEndpoint.class)
        .hasSingleBean(EventStreams.class));
    web.withPropertyValues("wacanda.http.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(WacandaEndpoint.class));
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(WacandaEndpoint.class));
  }

  /** A store that is not in-memory, as wacanda-jdbc's would be. */
  @Configuration(proxyBeanMethods = false)
  static class DurableStoreConfig {
    @Bean
    IntegrationStore durableIntegrationStore() {
      InMemoryIntegrationStore inner = new InMemoryIntegrationStore();
      return new IntegrationStore() {
        @Override
        public void save(io.wacanda.integration.Integration integration) {
          inner.save(integration);
        }

        @Override
        public Optional<io.wacanda.integration.Integration> updateStatus(TenantId tenant,
            String id, io.wacanda.integration.IntegrationStatus status,
            Instant updatedAt) {
          return inner.updateStatus(tenant, id, status, updatedAt);
        }

        @Override
        public Optional<io.wacanda.integration.Integration> find(TenantId tenant, String id) {
          return inner.find(tenant, id);
        }

        @Override
        public List<io.wacanda.integration.Integration> list(TenantId tenant) {
          return inner.list(tenant);
        }

        @Override
        public boolean delete(TenantId tenant, String id) {
          return inner.delete(tenant, id);
        }

        @Override
        public Optional<io.wacanda.integration.Integration> findForRouting(String id) {
          return inner.findForRouting(id);
        }

        @Override
        public Optional<io.wacanda.integration.Integration> findByApiKeyHash(String hash) {
          return inner.findByApiKeyHash(hash);
        }

        @Override
        public List<io.wacanda.integration.Integration> listEnabled() {
          return inner.listEnabled();
        }
      };
    }
  }
}
