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
  void countsAndDeletesAtMillisecondResolution() {
    InMemoryApiUsageStore store = new InMemoryApiUsageStore();
    Instant midMillisecond = T0.plusNanos(500_000);

    store.record(usage("u-1", TENANT_A, INTEGRATION_A, T0));
    store.record(usage("u-2", TENANT_A, INTEGRATION_A, midMillisecond.plusNanos(1)));

    assertThat(store.count(TENANT_A, INTEGRATION_A, midMillisecond)).isEqualTo(2);
    assertThat(store.deleteBefore(midMillisecond, 10)).isZero();
    assertThat(store.deleteBefore(T0.plusMillis(1), 10)).isEqualTo(2);
    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isZero();
  }

  @Test
  void rejectsNonPositiveBatchSize() {
    InMemoryApiUsageStore store = new InMemoryApiUsageStore();

    assertThatThrownBy(() -> store.deleteBefore(T0, 0))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
