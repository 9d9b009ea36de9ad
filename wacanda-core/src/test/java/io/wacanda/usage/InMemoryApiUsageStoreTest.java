package io.wacanda.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryApiUsageStoreTest extends ApiUsageStoreContract {

  @Override
  protected ApiUsageStore newStore() {
    return new InMemoryApiUsageStore();
  }

  @Test
  void recordingAnIdTwiceCountsItOnce() {
    InMemoryApiUsageStore store = new InMemoryApiUsageStore();

    store.record(usage("u-1", TENANT_A, INTEGRATION_A, T0));
    store.record(usage("u-1", TENANT_A, INTEGRATION_A, T0));

    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isEqualTo(1);
  }

  @Test
  void rejectsNonPositiveBatchSize() {
    InMemoryApiUsageStore store = new InMemoryApiUsageStore();

    assertThatThrownBy(() -> store.deleteBefore(T0, 0))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
