package io.wacanda.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import org.junit.jupiter.api.Test;

class InMemoryIntegrationStoreTest extends IntegrationStoreContract {

  @Override
  protected IntegrationStore newStore() {
    return new InMemoryIntegrationStore();
  }

  @Test
  void saveWithApiKeyHashOfAnotherIntegrationFailsWithConflict() {
    InMemoryIntegrationStore store = new InMemoryIntegrationStore();
    Integration first = integration("int-1", TENANT_A, T0);
    store.save(first);
    Integration second = integration("int-2", TENANT_A, T0)
        .withApiKey(first.apiKeyHash(), "wk_dup", T0);

    assertThatThrownBy(() -> store.save(second))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

    assertThat(store.findForRouting("int-2")).isEmpty();
    assertThat(store.findByApiKeyHash(first.apiKeyHash())).contains(first);
  }
}
