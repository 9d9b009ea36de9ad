package io.wacanda.integration;

class InMemoryIntegrationTestStoreTest extends IntegrationTestStoreContract {

  @Override
  protected IntegrationTestStore newStore() {
    return new InMemoryIntegrationTestStore();
  }
}
