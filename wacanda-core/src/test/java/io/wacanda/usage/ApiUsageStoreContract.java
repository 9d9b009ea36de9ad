package io.wacanda.usage;

import io.wacanda.testing.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link ApiUsageStore} must have. Extend it and return a new, empty store from
 * {@link #newStore()}; every test uses only the tenants and integration ids declared here.
 */
public abstract class ApiUsageStoreContract {
  protected static final TenantId TENANT_A = TenantId.of("tenant-a");
  protected static final TenantId TENANT_B = TenantId.of("tenant-b");
  protected static final String INTEGRATION_A = "int-a";
  protected static final String INTEGRATION_A2 = "int-a2";
  protected static final String INTEGRATION_B = "int-b";
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private ApiUsageStore store;

  /** A new, empty store. */
  protected abstract ApiUsageStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  protected static ApiUsage usage(String id, TenantId tenant, String integrationId, Instant at) {
    return new ApiUsage(id, tenant, integrationId, "chat", 200, Duration.ofMillis(120), at);
  }

  @Test
  void countsCallsAtOrAfterSince() {
    store.record(usage("u-1", TENANT_A, INTEGRATION_A, T0.minusSeconds(1)));
    store.record(usage("u-2", TENANT_A, INTEGRATION_A, T0));
    store.record(usage("u-3", TENANT_A, INTEGRATION_A, T0.plusSeconds(60)));

    assertThat(store.count(TENANT_A, INTEGRATION_A, T0)).isEqualTo(2);
    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isEqualTo(3);
    assertThat(store.count(TENANT_A, INTEGRATION_A, T0.plusSeconds(61))).isZero();
  }

  @Test
  void countIsPerIntegration() {
    store.record(usage("u-1", TENANT_A, INTEGRATION_A, T0));
    store.record(usage("u-2", TENANT_A, INTEGRATION_A2, T0));
    store.record(usage("u-3", TENANT_A, INTEGRATION_A2, T0));

    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isEqualTo(1);
    assertThat(store.count(TENANT_A, INTEGRATION_A2, Instant.EPOCH)).isEqualTo(2);
  }

  @Test
  void countOfIntegrationWithoutCallsIsZero() {
    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isZero();
  }

  @Test
  void tenantCannotCountAnotherTenantsCalls() {
    store.record(usage("u-1", TENANT_A, INTEGRATION_A, T0));

    assertThat(store.count(TENANT_B, INTEGRATION_A, Instant.EPOCH)).isZero();
    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isEqualTo(1);
  }

  @Test
  void deleteBeforeDeletesOldEntriesOfEveryTenantInBatches() {
    Instant cutoff = T0;
    store.record(usage("old-1", TENANT_A, INTEGRATION_A, cutoff.minusSeconds(50)));
    store.record(usage("old-2", TENANT_A, INTEGRATION_A, cutoff.minusSeconds(40)));
    store.record(usage("old-3", TENANT_B, INTEGRATION_B, cutoff.minusSeconds(30)));
    store.record(usage("old-4", TENANT_B, INTEGRATION_B, cutoff.minusSeconds(20)));
    store.record(usage("old-5", TENANT_A, INTEGRATION_A, cutoff.minusNanos(1)));
    store.record(usage("new-1", TENANT_A, INTEGRATION_A, cutoff));
    store.record(usage("new-2", TENANT_B, INTEGRATION_B, cutoff.plusSeconds(10)));

    assertThat(store.deleteBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteBefore(cutoff, 2)).isEqualTo(2);
    assertThat(store.deleteBefore(cutoff, 2)).isEqualTo(1);
    assertThat(store.deleteBefore(cutoff, 2)).isZero();

    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isEqualTo(1);
    assertThat(store.count(TENANT_B, INTEGRATION_B, Instant.EPOCH)).isEqualTo(1);
  }

  @Test
  void deleteBeforeOnEmptyStoreDeletesNothing() {
    assertThat(store.deleteBefore(T0, 100)).isZero();
  }

  @Test
  void concurrentRecordsAreAllCounted() throws Exception {
    AtomicInteger next = new AtomicInteger();

    Concurrently.run(8, () -> {
      for (int i = 0; i < 250; i++) {
        int n = next.getAndIncrement();
        store.record(usage("u-" + n, TENANT_A, INTEGRATION_A, T0.plusMillis(n)));
      }
      return null;
    });

    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)).isEqualTo(2000);
    assertThat(store.count(TENANT_A, INTEGRATION_A, T0.plusMillis(1000))).isEqualTo(1000);
  }

  @Test
  void concurrentRetentionRunsDeleteEachEntryOnce() throws Exception {
    for (int n = 0; n < 500; n++) {
      store.record(usage("u-" + n, n % 2 == 0 ? TENANT_A : TENANT_B,
          n % 2 == 0 ? INTEGRATION_A : INTEGRATION_B, T0.plusMillis(n)));
    }

    List<Integer> deletedPerThread = Concurrently.run(8, () -> {
      int deleted = 0;
      int batch;
      do {
        batch = store.deleteBefore(T0.plusMillis(400), 7);
        deleted += batch;
      } while (batch == 7);
      return deleted;
    });

    assertThat(deletedPerThread.stream().mapToInt(Integer::intValue).sum()).isEqualTo(400);
    assertThat(store.count(TENANT_A, INTEGRATION_A, Instant.EPOCH)
        + store.count(TENANT_B, INTEGRATION_B, Instant.EPOCH)).isEqualTo(100);
  }
}
