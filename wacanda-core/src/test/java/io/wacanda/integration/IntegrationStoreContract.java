package io.wacanda.integration;

import io.wacanda.testing.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link IntegrationStore} must have. Extend it and return a new, empty store from
 * {@link #newStore()}; every test uses only the tenants declared here.
 */
public abstract class IntegrationStoreContract {
  protected static final TenantId TENANT_A = TenantId.of("tenant-a");
  protected static final TenantId TENANT_B = TenantId.of("tenant-b");
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private IntegrationStore store;

  /** A new, empty store. */
  protected abstract IntegrationStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  protected static Integration integration(String id, TenantId tenant, Instant createdAt) {
    return new Integration(id, tenant, "telegram", "Support " + id, true,
        IntegrationStatus.of(ConnectionState.DISCONNECTED, "", createdAt),
        Map.of("mode", "polling"),
        Optional.of(new SealedSecrets("k1", "c2VhbGVk")),
        "hash-" + id, "wk_" + id, createdAt, createdAt);
  }

  @Test
  void savedIntegrationRoundTrips() {
    Integration saved = integration("int-1", TENANT_A, T0);

    store.save(saved);

    assertThat(store.find(TENANT_A, "int-1")).contains(saved);
  }

  @Test
  void findOfUnknownIdIsEmpty() {
    assertThat(store.find(TENANT_A, "missing")).isEmpty();
    assertThat(store.findForRouting("missing")).isEmpty();
    assertThat(store.findByApiKeyHash("hash-missing")).isEmpty();
  }

  @Test
  void saveReplacesIntegrationWithSameId() {
    Integration original = integration("int-1", TENANT_A, T0);
    store.save(original);
    Integration updated = original
        .withConfiguration("Renamed", Map.of("mode", "webhook"),
            Optional.of(new SealedSecrets("k2", "bmV3")), T0.plusSeconds(5))
        .withEnabled(false, T0.plusSeconds(6));

    store.save(updated);

    assertThat(store.find(TENANT_A, "int-1")).contains(updated);
    assertThat(store.list(TENANT_A)).containsExactly(updated);
  }

  @Test
  void saveOfAnExistingIntegrationKeepsTheStoredStatus() {
    Integration original = integration("int-1", TENANT_A, T0);
    store.save(original);
    IntegrationStatus reported = IntegrationStatus.of(ConnectionState.ERROR, "token revoked",
        T0.plusSeconds(5));
    store.updateStatus(TENANT_A, "int-1", reported, T0.plusSeconds(5));
    // an admin's change built from the row as read before the report, status included
    Integration staleUpdate = original
        .withStatus(IntegrationStatus.of(ConnectionState.CONNECTED, "", T0.plusSeconds(1)),
            T0.plusSeconds(1))
        .withConfiguration("Renamed", Map.of("mode", "webhook"), original.secrets(),
            T0.plusSeconds(6));

    store.save(staleUpdate);

    Integration expected = staleUpdate.withStatus(reported, T0.plusSeconds(6));
    assertThat(store.find(TENANT_A, "int-1")).contains(expected);
    assertThat(store.findForRouting("int-1")).contains(expected);
    assertThat(store.list(TENANT_A)).containsExactly(expected);
  }

  @Test
  void updateStatusChangesOnlyTheStatusAndUpdatedAt() {
    Integration original = integration("int-1", TENANT_A, T0)
        .withConfiguration("Front desk", Map.of("mode", "webhook", "greeting", "hi"),
            Optional.of(new SealedSecrets("k1", "c2VjcmV0")), T0.plusSeconds(1))
        .withEnabled(false, T0.plusSeconds(2));
    store.save(original);
    IntegrationStatus status = IntegrationStatus.of(ConnectionState.CONNECTED, "logged in",
        T0.plusSeconds(30));

    Optional<Integration> returned = store.updateStatus(TENANT_A, "int-1", status,
        T0.plusSeconds(31));

    Integration expected = original.withStatus(status, T0.plusSeconds(31));
    assertThat(returned).contains(expected);
    assertThat(store.find(TENANT_A, "int-1")).contains(expected);
    assertThat(store.findByApiKeyHash(original.apiKeyHash())).contains(expected);
    assertThat(store.list(TENANT_A)).containsExactly(expected);
    assertThat(store.listEnabled()).isEmpty();
  }

  @Test
  void updateStatusOfUnknownIdOrAnotherTenantsIdIsEmptyAndChangesNothing() {
    Integration saved = integration("int-1", TENANT_A, T0);
    store.save(saved);
    IntegrationStatus status = IntegrationStatus.of(ConnectionState.ERROR, "x", T0.plusSeconds(9));

    assertThat(store.updateStatus(TENANT_A, "missing", status, T0.plusSeconds(9))).isEmpty();
    assertThat(store.updateStatus(TENANT_B, "int-1", status, T0.plusSeconds(9))).isEmpty();

    assertThat(store.find(TENANT_A, "int-1")).contains(saved);
    assertThat(store.findForRouting("missing")).isEmpty();
    assertThat(store.list(TENANT_B)).isEmpty();
  }

  @Test
  void updateStatusAfterDeleteIsEmpty() {
    store.save(integration("int-1", TENANT_A, T0));
    store.delete(TENANT_A, "int-1");

    assertThat(store.updateStatus(TENANT_A, "int-1",
        IntegrationStatus.of(ConnectionState.CONNECTED, "", T0), T0)).isEmpty();
    assertThat(store.findForRouting("int-1")).isEmpty();
  }

  @Test
  void listReturnsTenantsIntegrationsOldestFirst() {
    Integration newest = integration("int-c", TENANT_A, T0.plusSeconds(20));
    Integration oldest = integration("int-a", TENANT_A, T0);
    Integration middle = integration("int-b", TENANT_A, T0.plusSeconds(10));
    store.save(newest);
    store.save(oldest);
    store.save(middle);

    assertThat(store.list(TENANT_A)).containsExactly(oldest, middle, newest);
  }

  @Test
  void listOfTenantWithoutIntegrationsIsEmpty() {
    assertThat(store.list(TENANT_A)).isEmpty();
  }

  @Test
  void deleteRemovesIntegrationAndReportsWhetherItExisted() {
    Integration saved = integration("int-1", TENANT_A, T0);
    store.save(saved);

    assertThat(store.delete(TENANT_A, "int-1")).isTrue();
    assertThat(store.delete(TENANT_A, "int-1")).isFalse();

    assertThat(store.find(TENANT_A, "int-1")).isEmpty();
    assertThat(store.findForRouting("int-1")).isEmpty();
    assertThat(store.findByApiKeyHash(saved.apiKeyHash())).isEmpty();
    assertThat(store.list(TENANT_A)).isEmpty();
  }

  @Test
  void routingLookupFindsIntegrationByIdAlone() {
    Integration saved = integration("int-1", TENANT_B, T0);
    store.save(saved);

    assertThat(store.findForRouting("int-1")).contains(saved);
  }

  @Test
  void routingLookupFindsIntegrationByApiKeyHash() {
    Integration saved = integration("int-1", TENANT_B, T0);
    store.save(saved);

    assertThat(store.findByApiKeyHash("hash-int-1")).contains(saved);
  }

  @Test
  void keyRotationRetiresOldHash() {
    Integration saved = integration("int-1", TENANT_A, T0);
    store.save(saved);
    Integration rotated = saved.withApiKey("hash-rotated", "wk_rot", T0.plusSeconds(60));

    store.save(rotated);

    assertThat(store.findByApiKeyHash("hash-int-1")).isEmpty();
    assertThat(store.findByApiKeyHash("hash-rotated")).contains(rotated);
  }

  @Test
  void listEnabledReturnsEnabledIntegrationsOfEveryTenant() {
    Integration enabledA = integration("int-a", TENANT_A, T0);
    Integration disabledA = integration("int-a2", TENANT_A, T0).withEnabled(false, T0);
    Integration enabledB = integration("int-b", TENANT_B, T0);
    store.save(enabledA);
    store.save(disabledA);
    store.save(enabledB);

    assertThat(store.listEnabled()).containsExactlyInAnyOrder(enabledA, enabledB);
  }

  @Test
  void tenantCannotFindListOrDeleteAnotherTenantsIntegration() {
    Integration saved = integration("int-1", TENANT_A, T0);
    store.save(saved);

    assertThat(store.find(TENANT_B, "int-1")).isEmpty();
    assertThat(store.list(TENANT_B)).isEmpty();
    assertThat(store.delete(TENANT_B, "int-1")).isFalse();

    assertThat(store.find(TENANT_A, "int-1")).contains(saved);
  }

  @Test
  void saveWithAnotherTenantsIdFailsWithConflictAndKeepsTheOriginal() {
    Integration original = integration("int-1", TENANT_A, T0);
    store.save(original);
    Integration hijack = new Integration("int-1", TENANT_B, "custom", "Hijack", true,
        original.status(), Map.of(), Optional.empty(), "hash-hijack", "wk_hij", T0, T0);

    assertThatThrownBy(() -> store.save(hijack))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

    assertThat(store.find(TENANT_A, "int-1")).contains(original);
    assertThat(store.findForRouting("int-1")).contains(original);
    assertThat(store.find(TENANT_B, "int-1")).isEmpty();
    assertThat(store.list(TENANT_B)).isEmpty();
    assertThat(store.findByApiKeyHash("hash-hijack")).isEmpty();
  }

  @Test
  void concurrentSavesOfDistinctIntegrationsAreAllKept() throws Exception {
    AtomicInteger next = new AtomicInteger();

    Concurrently.run(8, () -> {
      for (int i = 0; i < 50; i++) {
        int n = next.getAndIncrement();
        store.save(integration("int-" + n, TENANT_A, T0.plusSeconds(n)));
      }
      return null;
    });

    List<Integration> listed = store.list(TENANT_A);
    assertThat(listed).hasSize(400);
    assertThat(listed).extracting(Integration::createdAt).isSorted();
    assertThat(store.findByApiKeyHash("hash-int-399")).isPresent();
  }

  /**
   * One admin thread saves settings version after version, each built from a fresh read (so with
   * the status as it was then), while reporter threads report statuses. The admin's settings must
   * never be undone by a report and no report by an admin's save: an implementation whose status
   * write is a read-modify-write of the whole row, or whose save writes the status it was given,
   * fails here.
   */
  @Test
  void concurrentStatusReportsAndSettingsUpdatesLoseNeither() throws Exception {
    Integration original = integration("int-1", TENANT_A, T0);
    store.save(original);
    int reporters = 3;
    int rounds = 100;
    AtomicInteger nextThread = new AtomicInteger();
    Set<String> lastReported = ConcurrentHashMap.newKeySet();

    List<List<String>> problems = Concurrently.run(reporters + 1, () -> {
      int thread = nextThread.getAndIncrement();
      List<String> seen = new ArrayList<>();
      if (thread == 0) {
        for (int v = 0; v < rounds; v++) {
          Integration current = store.find(TENANT_A, "int-1").orElseThrow();
          store.save(current.withConfiguration(current.name(), Map.of("mode", "v" + v),
              current.secrets(), T0.plusSeconds(v)));
          // only this thread writes settings, so anything else is a lost update
          String mode = store.find(TENANT_A, "int-1").orElseThrow().settings().get("mode");
          if (!mode.equals("v" + v)) {
            seen.add("after saving v" + v + " the settings say " + mode);
          }
        }
      } else {
        for (int r = 0; r < rounds; r++) {
          String message = "reporter " + thread + " report " + r;
          IntegrationStatus status = IntegrationStatus.of(
              r % 2 == 0 ? ConnectionState.CONNECTED : ConnectionState.ERROR, message,
              T0.plusSeconds(r));
          Integration now = store.updateStatus(TENANT_A, "int-1", status, T0.plusSeconds(r))
              .orElseThrow();
          if (!now.status().equals(status)) {
            seen.add("updateStatus returned " + now.status() + " instead of " + status);
          }
        }
        lastReported.add("reporter " + thread + " report " + (rounds - 1));
      }
      return seen;
    });

    assertThat(problems).allSatisfy(p -> assertThat(p).isEmpty());
    Integration last = store.find(TENANT_A, "int-1").orElseThrow();
    assertThat(last.settings()).isEqualTo(Map.of("mode", "v" + (rounds - 1)));
    assertThat(last.name()).isEqualTo(original.name());
    assertThat(last.apiKeyHash()).isEqualTo(original.apiKeyHash());
    assertThat(last.secrets()).isEqualTo(original.secrets());
    // the last status written by anyone is the one of a thread's final report
    assertThat(last.status().message()).isIn(lastReported);
  }

  @Test
  void concurrentKeyRotationsLeaveOnlyTheStoredHashRoutable() throws Exception {
    Integration original = integration("int-1", TENANT_A, T0);
    store.save(original);
    AtomicInteger next = new AtomicInteger();

    Concurrently.run(8, () -> {
      for (int i = 0; i < 25; i++) {
        int n = next.getAndIncrement();
        store.save(original.withApiKey("hash-" + n, "wk_" + n, T0.plusSeconds(n)));
      }
      return null;
    });

    String storedHash = store.find(TENANT_A, "int-1").orElseThrow().apiKeyHash();
    for (int n = 0; n < 200; n++) {
      String hash = "hash-" + n;
      assertThat(store.findByApiKeyHash(hash).isPresent())
          .as("routable by %s", hash)
          .isEqualTo(hash.equals(storedHash));
    }
    assertThat(store.findByApiKeyHash(original.apiKeyHash())).isEmpty();
  }
}
