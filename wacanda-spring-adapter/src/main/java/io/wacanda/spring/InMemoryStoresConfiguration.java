package io.wacanda.spring;

import io.wacanda.conversation.ConversationStore;
import io.wacanda.conversation.InMemoryConversationStore;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.handoff.InMemoryHandoffQueue;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.inbox.WebhookEventStore;
import io.wacanda.integration.InMemoryIntegrationStore;
import io.wacanda.integration.InMemoryIntegrationTestStore;
import io.wacanda.integration.IntegrationStore;
import io.wacanda.integration.IntegrationTestStore;
import io.wacanda.knowledge.InMemoryKnowledgeSourceStore;
import io.wacanda.knowledge.KnowledgeSourceStore;
import io.wacanda.rag.InMemoryKnowledgeStore;
import io.wacanda.rag.KnowledgeStore;
import io.wacanda.usage.ApiUsageStore;
import io.wacanda.usage.InMemoryApiUsageStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The core's in-memory stores, for every store no host bean and no JDBC configuration supplied.
 * They lose everything on restart.
 */
@Configuration(proxyBeanMethods = false)
class InMemoryStoresConfiguration {

  @Bean
  @ConditionalOnMissingBean
  IntegrationStore wacandaIntegrationStore() {
    return new InMemoryIntegrationStore();
  }

  @Bean
  @ConditionalOnMissingBean
  IntegrationTestStore wacandaIntegrationTestStore() {
    return new InMemoryIntegrationTestStore();
  }

  @Bean
  @ConditionalOnMissingBean
  ConversationStore wacandaConversationStore() {
    return new InMemoryConversationStore();
  }

  @Bean
  @ConditionalOnMissingBean
  WebhookEventStore wacandaWebhookEventStore() {
    return new InMemoryWebhookEventStore();
  }

  @Bean
  @ConditionalOnMissingBean
  ApiUsageStore wacandaApiUsageStore() {
    return new InMemoryApiUsageStore();
  }

  @Bean
  @ConditionalOnMissingBean
  HandoffQueue wacandaHandoffQueue() {
    return new InMemoryHandoffQueue();
  }

  @Bean
  @ConditionalOnMissingBean
  KnowledgeStore wacandaKnowledgeStore() {
    return new InMemoryKnowledgeStore();
  }

  @Bean
  @ConditionalOnMissingBean
  KnowledgeSourceStore wacandaKnowledgeSourceStore() {
    return new InMemoryKnowledgeSourceStore();
  }
}
