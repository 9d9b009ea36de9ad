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
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * wacanda-jdbc on the class path and one {@link DataSource} in the context: every store is the
 * JDBC one on that data source, and a {@link KnowledgeFollower} keeps this instance's knowledge
 * indexes current with what other instances ingest. Each store bean still backs off to a host
 * bean of its type. Wacanda's schema is migrated by {@link WacandaFlywayConfiguration} through
 * Spring Boot's {@link FlywayMigrationInitializer} (unless {@code wacanda.jdbc.migrate} is false),
 * never by {@link JdbcStores} itself.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcStores.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "wacanda.jdbc", name = "enabled", matchIfMissing = true)
@Import(DatabaseInitializationDependencyConfigurer.class)
class JdbcStoresConfiguration {
  private static final Logger log = LoggerFactory.getLogger(JdbcStoresConfiguration.class);

  /**
   * Created after every database initializer Spring Boot knows (the host's Flyway or Liquibase,
   * and Wacanda's own {@link FlywayMigrationInitializer}), so the schema is there; it does not
   * migrate itself.
   */
  @Bean
  @ConditionalOnMissingBean
  @DependsOnDatabaseInitialization
  JdbcStores wacandaJdbcStores(DataSource dataSource) {
    JdbcStores stores = JdbcStores.builder(dataSource).migrate(false).build();
    log.info("Wacanda stores on {}", stores.database());
    return stores;
  }

  /**
   * Wacanda's migration through Spring Boot's Flyway support: a {@link Flyway} of its own
   * ({@link JdbcStores#flywayConfiguration}: history table {@code wacanda_schema_history},
   * scripts under {@code classpath:db/wacanda}) on the same data source, run by Boot's
   * {@link FlywayMigrationInitializer} with the host's {@link FlywayMigrationStrategy} bean when
   * there is one. Boot's database-initialization ordering makes the stores, JdbcTemplate and JPA
   * users wait for it. The host's {@code FlywayConfigurationCustomizer}s and
   * {@code spring.flyway.*} keys are not applied: they configure the host's Flyway (locations,
   * history table, baseline) and would break Wacanda's.
   *
   * <p>The Flyway bean is not an autowire candidate: the host's {@code @Autowired Flyway} stays
   * Boot's own, and Boot's {@code FlywayAutoConfiguration}, processed first (this runs after it),
   * still creates that one. Actuator's {@code flyway} endpoint lists both.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.flywaydb.core.Flyway",
      "org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer"})
  @ConditionalOnProperty(prefix = "wacanda.jdbc", name = "migrate", matchIfMissing = true)
  static class WacandaFlywayConfiguration {
    /** Bean name of Wacanda's {@link Flyway}. */
    static final String FLYWAY = "wacandaFlyway";
    /** Bean name of the initializer that runs it. */
    static final String INITIALIZER = "wacandaFlywayInitializer";

    @Bean(name = FLYWAY, autowireCandidate = false)
    @ConditionalOnMissingBean(name = FLYWAY)
    Flyway wacandaFlyway(DataSource dataSource) {
      return JdbcStores.flywayConfiguration(dataSource).load();
    }

    @Bean(name = INITIALIZER)
    @ConditionalOnMissingBean(name = INITIALIZER)
    FlywayMigrationInitializer wacandaFlywayInitializer(BeanFactory beanFactory,
        ObjectProvider<FlywayMigrationStrategy> strategy) {
      // by name: the bean is no autowire candidate
      return new FlywayMigrationInitializer(beanFactory.getBean(FLYWAY, Flyway.class),
          strategy.getIfAvailable());
    }

    /**
     * Runs Wacanda's initializer after every other {@link FlywayMigrationInitializer} (Boot's for
     * the host): Wacanda's Flyway migrates a schema that already holds other tables (baseline at
     * 0), but the host's Flyway, unless configured to baseline, refuses a non-empty schema without
     * its history. Boot puts all of them in one batch, with no order among them.
     */
    @Bean
    static BeanFactoryPostProcessor wacandaFlywayAfterOtherFlywayInitializers() {
      return beanFactory -> {
        if (!beanFactory.containsBeanDefinition(INITIALIZER)) {
          return;
        }
        BeanDefinition ours = beanFactory.getBeanDefinition(INITIALIZER);
        Set<String> dependsOn = new LinkedHashSet<>();
        if (ours.getDependsOn() != null) {
          dependsOn.addAll(Arrays.asList(ours.getDependsOn()));
        }
        for (String name : beanFactory.getBeanNamesForType(FlywayMigrationInitializer.class,
            true, false)) {
          if (!name.equals(INITIALIZER)) {
            dependsOn.add(name);
          }
        }
        ours.setDependsOn(dependsOn.toArray(new String[0]));
      };
    }
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
