package io.wacanda.spring;

import io.wacanda.Wacanda;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.integration.IntegrationTestStore;
import io.wacanda.jdbc.JdbcStores;
import io.wacanda.jdbc.KnowledgeFollower;
import io.wacanda.knowledge.KnowledgeSourceStore;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.KnowledgeStore;
import io.wacanda.usage.ApiUsageStore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * wacanda-jdbc on the class path and one {@link DataSource} in the context: every store is the
 * JDBC one on that data source (schema migrated at startup unless {@code wacanda.jdbc.migrate} is
 * false), and a {@link KnowledgeFollower} keeps this instance's knowledge indexes current with
 * what other instances ingest. Each store bean still backs off to a host bean of its type.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcStores.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "wacanda.jdbc", name = "enabled", matchIfMissing = true)
class JdbcStoresConfiguration {
  private static final Logger log = LoggerFactory.getLogger(JdbcStoresConfiguration.class);

  /**
   * Migrates after Spring Boot's own database initializers (the host's Flyway or Liquibase), so
   * the host's migrations find the schema as they expect.
   */
  @Bean
  @ConditionalOnMissingBean
  @DependsOnDatabaseInitialization
  JdbcStores wacandaJdbcStores(DataSource dataSource, WacandaProperties properties) {
    JdbcStores stores = JdbcStores.builder(dataSource)
        .migrate(properties.getJdbc().isMigrate()).build();
    log.info("Wacanda stores on {}", stores.database());
    return stores;
  }

  @Bean
  @ConditionalOnMissingBean
  IntegrationStore wacandaIntegrationStore(JdbcStores stores) {
    return stores.integrationStore();
  }

  @Bean
  @ConditionalOnMissingBean
  IntegrationTestStore wacandaIntegrationTestStore(JdbcStores stores) {
    return stores.integrationTestStore();
  }

  @Bean
  @ConditionalOnMissingBean
  ConversationStore wacandaConversationStore(JdbcStores stores) {
    return stores.conversationStore();
  }

  @Bean
  @ConditionalOnMissingBean
  WebhookEventStore wacandaWebhookEventStore(JdbcStores stores) {
    return stores.webhookEventStore();
  }

  @Bean
  @ConditionalOnMissingBean
  ApiUsageStore wacandaApiUsageStore(JdbcStores stores) {
    return stores.apiUsageStore();
  }

  @Bean
  @ConditionalOnMissingBean
  HandoffQueue wacandaHandoffQueue(JdbcStores stores) {
    return stores.handoffQueue();
  }

  @Bean
  @ConditionalOnMissingBean
  KnowledgeSourceStore wacandaKnowledgeSourceStore(JdbcStores stores) {
    return stores.knowledgeSourceStore();
  }

  /** Takes the follower so that its baseline is read before any RAG engine loads the table. */
  @Bean
  @ConditionalOnMissingBean
  KnowledgeStore wacandaKnowledgeStore(JdbcStores stores, KnowledgeFollower follower) {
    return stores.knowledgeStore();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KnowledgeFollower wacandaKnowledgeFollower(JdbcStores stores, WacandaProperties properties) {
    return stores.knowledgeFollower()
        .pollInterval(properties.getJdbc().getKnowledgePollInterval()).build();
  }

  /** Starts the follower once Wacanda runs; stops it before Wacanda drains. */
  @Bean
  SmartLifecycle wacandaKnowledgeFollowerLifecycle(KnowledgeFollower follower, Wacanda wacanda) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        if (wacanda.rag() instanceof DefaultRagEngine engine) {
          follower.start(engine);
        } else {
          log.info("RAG engine {} is not the DefaultRagEngine; knowledge follower not started",
              wacanda.rag().getClass().getName());
        }
        running = true;
      }

      @Override
      public void stop() {
        running = false;
        follower.close();
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        return WacandaLifecycle.PHASE + 1;
      }
    };
  }
}
