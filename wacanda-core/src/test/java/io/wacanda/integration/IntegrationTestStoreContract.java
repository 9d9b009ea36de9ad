package io.wacanda.integration;

import io.wacanda.testing.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.integration.IntegrationTestStore.Tally;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link IntegrationTestStore} must have. Extend it and return a new, empty store
 * from {@link #newStore()}; every test uses only the tenants and integration ids declared here.
 */
public abstract class IntegrationTestStoreContract {
  protected static final TenantId TENANT_A = TenantId.of("tenant-a");
  protected static final TenantId TENANT_B = TenantId.of("tenant-b");
  protected static final String INTEGRATION_A = "int-a";
  protected static final String INTEGRATION_A2 = "int-a2";
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private IntegrationTestStore store;

  /** A new, empty store. */
  protected abstract IntegrationTestStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  protected static IntegrationTestResult run(String id, TenantId tenant, String integrationId,
      boolean passed, Instant ranAt) {
    TestCheck check = passed
        ? TestCheck.pass("getMe", Duration.ofMillis(40), "bot @support_bot")
        : TestCheck.fail("getMe", Duration.ofMillis(40), "401 Unauthorized");
    return new IntegrationTestResult(id, tenant, integrationId, passed,
        List.of(TestCheck.pass("dns", Duration.ofMillis(2), ""), check), Duration.ofMillis(42),
        ranAt);
  }

  @Test
  void savedRunRoundTrips() {
    IntegrationTestResult saved = run("run-1", TENANT_A, INTEGRATION_A, false, T0);

    store.save(saved);

    assertThat(store.list(TENANT_A, INTEGRATION_A, 10)).containsExactly(saved);
  }

  @Test
  void listReturnsRunsNewestFirstUpToLimit() {
    IntegrationTestResult oldest = run("run-1", TENANT_A, INTEGRATION_A, true, T0);
    IntegrationTestResult newest = run("run-3", TENANT_A, INTEGRATION_A, true, T0.plusSeconds(20));
    IntegrationTestResult middle = run("run-2", TENANT_A, INTEGRATION_A, true, T0.plusSeconds(10));
    store.save(oldest);
    store.save(newest);
    store.save(middle);

    assertThat(store.list(TENANT_A, INTEGRATION_A, 10)).containsExactly(newest, middle, oldest);
    assertThat(store.list(TENANT_A, INTEGRATION_A, 2)).containsExactly(newest, middle);
  }

  @Test
  void listIsPerIntegration() {
    IntegrationTestResult a = run("run-1", TENANT_A, INTEGRATION_A, true, T0);
    IntegrationTestResult a2 = run("run-2", TENANT_A, INTEGRATION_A2, true, T0);
    store.save(a);
    store.save(a2);

    assertThat(store.list(TENANT_A, INTEGRATION_A, 10)).containsExactly(a);
  }

  @Test
  void tallyCountsRunsAndPassedRuns() {
    store.save(run("run-1", TENANT_A, INTEGRATION_A, true, T0));
    store.save(run("run-2", TENANT_A, INTEGRATION_A, false, T0.plusSeconds(1)));
    store.save(run("run-3", TENANT_A, INTEGRATION_A, true, T0.plusSeconds(2)));
    store.save(run("run-4", TENANT_A, INTEGRATION_A, true, T0.plusSeconds(3)));
    store.save(run("run-5", TENANT_A, INTEGRATION_A2, false, T0));

    Tally tally = store.tally(TENANT_A, INTEGRATION_A);

    assertThat(tally).isEqualTo(new Tally(4, 3));
    assertThat(tally.successRate()).isEqualTo(0.75);
  }

  @Test
  void tallyOfUntestedIntegrationIsZero() {
    Tally tally = store.tally(TENANT_A, INTEGRATION_A);

    assertThat(tally).isEqualTo(new Tally(0, 0));
    assertThat(tally.successRate()).isZero();
  }

  @Test
  void deleteAllRemovesOnlyThatIntegrationsHistory() {
    store.save(run("run-1", TENANT_A, INTEGRATION_A, true, T0));
    store.save(run("run-2", TENANT_A, INTEGRATION_A, false, T0.plusSeconds(1)));
    IntegrationTestResult kept = run("run-3", TENANT_A, INTEGRATION_A2, true, T0);
    store.save(kept);

    store.deleteAll(TENANT_A, INTEGRATION_A);

    assertThat(store.list(TENANT_A, INTEGRATION_A, 10)).isEmpty();
    assertThat(store.tally(TENANT_A, INTEGRATION_A)).isEqualTo(new Tally(0, 0));
    assertThat(store.list(TENANT_A, INTEGRATION_A2, 10)).containsExactly(kept);
  }

  @Test
  void tenantCannotListTallyOrDeleteAnotherTenantsRuns() {
    IntegrationTestResult saved = run("run-1", TENANT_A, INTEGRATION_A, true, T0);
    store.save(saved);

    assertThat(store.list(TENANT_B, INTEGRATION_A, 10)).isEmpty();
    assertThat(store.tally(TENANT_B, INTEGRATION_A)).isEqualTo(new Tally(0, 0));
    store.deleteAll(TENANT_B, INTEGRATION_A);

    assertThat(store.list(TENANT_A, INTEGRATION_A, 10)).containsExactly(saved);
  }

  @Test
  void saveWithAnotherTenantsIdFailsWithConflictAndKeepsTheOriginal() {
    IntegrationTestResult original = run("run-1", TENANT_A, INTEGRATION_A, true, T0);
    store.save(original);

    assertThatThrownBy(() -> store.save(run("run-1", TENANT_B, INTEGRATION_A, false, T0)))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

    assertThat(store.list(TENANT_A, INTEGRATION_A, 10)).containsExactly(original);
    assertThat(store.list(TENANT_B, INTEGRATION_A, 10)).isEmpty();
  }

  @Test
  void concurrentSavesAreAllCounted() throws Exception {
    AtomicInteger next = new AtomicInteger();

    Concurrently.run(8, () -> {
      for (int i = 0; i < 50; i++) {
        int n = next.getAndIncrement();
        store.save(run("run-" + n, TENANT_A, INTEGRATION_A, n % 2 == 0, T0.plusSeconds(n)));
      }
      return null;
    });

    assertThat(store.tally(TENANT_A, INTEGRATION_A))
        .isEqualTo(new Tally(400, 200));
    assertThat(store.list(TENANT_A, INTEGRATION_A, 1))
        .extracting(IntegrationTestResult::id).containsExactly("run-399");
  }
}
