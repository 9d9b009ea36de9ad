package io.wacanda.knowledge;

class InMemoryKnowledgeSourceStoreTest extends KnowledgeSourceStoreContract {
  @Override
  protected KnowledgeSourceStore newStore() {
    return new InMemoryKnowledgeSourceStore();
  }
}
