package io.wacanda.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.integration.InMemoryIntegrationStore;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.jdbc.JdbcIntegrationStore;
import io.wacanda.jdbc.JdbcStores;
import io.wacanda.jdbc.JdbcWebhookEventStore;
import io.wacanda.jdbc.JdbcKnowledgeSourceStore;
import io.wacanda.jdbc.KnowledgeFollower;
import io.wacanda.knowledge.KnowledgeSource;
import io.wacanda.knowledge.KnowledgeSourceStore;
import io.wacanda.knowledge.SourceSpec;
import io.wacanda.rag.Document;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** wacanda-jdbc present: a DataSource switches every store to JDBC (here H2 in memory). */
class JdbcStoresConfigurationTests {
  static final String SECRET = "a-host-secret-that-is-at-least-32-characters";

  private static ApplicationContextRunner runner(String db) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            WacandaAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1",
            "spring.datasource.generate-unique-name=false", "wacanda.secret-key=" + SECRET,
            "wacanda.jdbc.knowledge-poll-interval=100ms");
  }

  @Test
  void dataSourceSwitchesEveryStoreToJdbcAndMigratesTheSchema() {
    runner("jdbc_" + UUID.randomUUID()).run(ctx -> {
      assertThat(ctx).hasSingleBean(JdbcStores.class).hasSingleBean(KnowledgeFollower.class);
      assertThat(ctx.getBean(IntegrationStore.class)).isInstanceOf(JdbcIntegrationStore.class);
      assertThat(ctx.getBean(WebhookEventStore.class)).isInstanceOf(JdbcWebhookEventStore.class);
      Integer migrations = new JdbcTemplate(ctx.getBean(DataSource.class)).queryForObject(
          "SELECT COUNT(*) FROM \"" + JdbcStores.SCHEMA_HISTORY_TABLE + "\"", Integer.class);
      assertThat(migrations).isPositive();
    });
  }

  @Test
  void integrationsAndKnowledgeSurviveARestartOnTheSameDatabase() {
    String db = "restart_" + UUID.randomUUID();
    TenantId tenant = TenantId.of("acme");
    AtomicReference<String> id = new AtomicReference<>();
    runner(db).run(ctx -> {
      Wacanda w = ctx.getBean(Wacanda.class);
      id.set(w.integrations().create(tenant, "custom", "Durable",
          Map.of("webhook_secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).integration().id());
      w.rag().ingest(tenant, Document.of("returns", "Returns", "kb/returns.md", "text/markdown",
          "# Returns\n\nYou can return any item within 30 days of delivery for a full refund."));
    });
    runner(db).run(ctx -> {
      Wacanda w = ctx.getBean(Wacanda.class);
      assertThat(w.integrations().get(tenant, id.get()).name()).isEqualTo("Durable");
      // Secrets sealed by the first run open with the same key.
      assertThat(w.integrations().context(w.integrations().get(tenant, id.get())).settings()
          .get("webhook_secret")).contains("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
      assertThat(w.rag().answer(tenant, "How many days do I have to return an item?",
          java.util.List.of()).sources()).isNotEmpty();
    });
  }

  @Test
  void knowledgeSourcesAreDurableAndWacandaUsesTheJdbcStore() {
    String db = "sources_" + UUID.randomUUID();
    TenantId tenant = TenantId.of("acme");
    KnowledgeSource source = new KnowledgeSource("ks_help", tenant,
        SourceSpec.sitemap("https://help.example.com/sitemap.xml")
            .refreshEvery(java.time.Duration.ofHours(6)),
        java.time.Instant.parse("2026-03-01T08:00:00Z"), java.util.Optional.empty());
    runner(db).run(ctx -> {
      assertThat(ctx.getBean(KnowledgeSourceStore.class))
          .isInstanceOf(JdbcKnowledgeSourceStore.class);
      ctx.getBean(KnowledgeSourceStore.class).save(source);
      // Wacanda's knowledge base reads the same store
      assertThat(ctx.getBean(Wacanda.class).knowledge().sources().list(tenant))
          .containsExactly(source);
    });
    runner(db).run(ctx -> assertThat(ctx.getBean(Wacanda.class).knowledge().sources().list(tenant))
        .containsExactly(source));
  }

  @Test
  void jdbcEnabledKeyKeepsTheInMemoryStores() {
    runner("off_" + UUID.randomUUID()).withPropertyValues("wacanda.jdbc.enabled=false")
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(JdbcStores.class);
          assertThat(ctx.getBean(IntegrationStore.class))
              .isInstanceOf(InMemoryIntegrationStore.class);
        });
  }

  @Test
  void migrateKeyOffUsesTheSchemaItsOwnerMigrated() {
    String db = "owner_" + UUID.randomUUID();
    runner(db).run(ctx -> assertThat(ctx).hasNotFailed());
    runner(db).withPropertyValues("wacanda.jdbc.migrate=false").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      Wacanda w = ctx.getBean(Wacanda.class);
      w.integrations().create(TenantId.of("t"), "custom", "No migration", Map.of());
      assertThat(w.integrations().list(TenantId.of("t"))).hasSize(1);
    });
  }

  @Test
  void durableStoresRequireTheSecretKey() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            WacandaAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:nokey;DB_CLOSE_DELAY=-1")
        .run(ctx -> assertThat(ctx).getFailure()
            .hasStackTraceContaining("wacanda.secret-key is required"));
  }

  @Test
  void withoutWacandaJdbcADataSourceChangesNothing() {
    runner("absent_" + UUID.randomUUID())
        .withClassLoader(new FilteredClassLoader("io.wacanda.jdbc"))
        .run(ctx -> assertThat(ctx.getBean(IntegrationStore.class))
            .isInstanceOf(InMemoryIntegrationStore.class));
  }
}
