package io.wacanda.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.conversation.InMemoryConversationStore;
import io.wacanda.inbox.InMemoryWebhookEventStore;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.UrlGuard;
import io.wacanda.testing.MutableClock;
import io.wacanda.testing.RecordingProvider;
import io.wacanda.usage.InMemoryApiUsageStore;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel's status report and an admin's change of the same integration, interleaved
 * deterministically: the store runs the other party's whole call right after the first party read
 * the integration, which is where a read-modify-write of the whole row would write a stale copy
 * back. Neither party's change may be lost.
 */
class IntegrationServiceStatusRaceTest {
  private static final TenantId TENANT = TenantId.of("acme");

  private final MutableClock clock = MutableClock.at("2025-03-01T10:00:00Z");
  private final InterleavingStore store = new InterleavingStore();
  private final IntegrationService service = new IntegrationService(
      IntegrationRegistry.builder().register(new RecordingProvider()).build(), store,
      new InMemoryIntegrationTestStore(), new InMemoryConversationStore(),
      new InMemoryWebhookEventStore(), new InMemoryApiUsageStore(),
      SecretCipher.of("k1", SecretCipher.deriveKey("status-race-test-secret-long-enough")),
      UrlGuard.strict(), HttpClient.newHttpClient(), "https://wacanda.example", clock);
  private final List<Integration> told = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    service.close();
  }

  private Integration created() {
    service.onStatusChange(told::add);
    Integration created = service.create(TENANT, "recording", "Support",
        Map.of("max_text", "100", "token", "secret-token-1")).integration();
    assertThat(created.status().state()).isEqualTo(ConnectionState.CONNECTED);
    told.clear();
    clock.advance(Duration.ofSeconds(10));
    return created;
  }

  @Test
  void statusReportRacingWithSettingsUpdateKeepsTheNewSettings() {
    Integration created = created();
    store.afterNextFind(() -> service.update(TENANT, created.id(), Optional.of("Renamed"),
        Map.of("max_text", "200")));
    IntegrationStatus failed = IntegrationStatus.of(ConnectionState.ERROR, "poll failed",
        clock.instant());

    Integration reported = service.updateStatus(TENANT, created.id(), failed).orElseThrow();

    Integration stored = service.get(TENANT, created.id());
    assertThat(stored.settings()).containsEntry("max_text", "200");
    assertThat(stored.name()).isEqualTo("Renamed");
    assertThat(stored.status()).isEqualTo(failed);
    assertThat(reported).isEqualTo(stored);
    assertThat(told).last().isEqualTo(stored);
    assertThat(service.context(stored).settings().get("token")).contains("secret-token-1");
  }

  @Test
  void statusReportRacingWithKeyRotationKeepsTheNewKey() {
    Integration created = created();
    AtomicReference<CreatedIntegration> rotated = new AtomicReference<>();
    store.afterNextFind(() -> rotated.set(service.rotateKey(TENANT, created.id())));
    IntegrationStatus failed = IntegrationStatus.of(ConnectionState.ERROR, "poll failed",
        clock.instant());

    service.updateStatus(TENANT, created.id(), failed);

    Integration stored = service.get(TENANT, created.id());
    assertThat(stored.apiKeyHash()).isNotEqualTo(created.apiKeyHash());
    assertThat(service.findByApiKey(rotated.get().apiKey())).contains(stored);
    assertThat(store.findByApiKeyHash(created.apiKeyHash())).isEmpty();
    assertThat(stored.status()).isEqualTo(failed);
  }

  @Test
  void keyRotationRacingWithStatusReportKeepsTheReportedStatus() {
    Integration created = created();
    IntegrationStatus revoked = IntegrationStatus.of(ConnectionState.ERROR, "token revoked",
        clock.instant());
    store.afterNextFind(() -> service.updateStatus(TENANT, created.id(), revoked));

    CreatedIntegration rotated = service.rotateKey(TENANT, created.id());

    Integration stored = service.get(TENANT, created.id());
    assertThat(stored.status()).isEqualTo(revoked);
    assertThat(rotated.integration()).isEqualTo(stored);
    assertThat(service.findByApiKey(rotated.apiKey())).contains(stored);
  }

  @Test
  void disabledSettingsUpdateRacingWithStatusReportKeepsBoth() {
    Integration created = created();
    service.disable(TENANT, created.id());
    IntegrationStatus reported = IntegrationStatus.of(ConnectionState.ERROR, "late report",
        clock.instant());
    store.afterNextFind(() -> service.updateStatus(TENANT, created.id(), reported));

    Integration updated = service.update(TENANT, created.id(), Optional.empty(),
        Map.of("max_text", "300"));

    Integration stored = service.get(TENANT, created.id());
    assertThat(stored.settings()).containsEntry("max_text", "300");
    assertThat(stored.status()).isEqualTo(reported);
    assertThat(updated).isEqualTo(stored);
  }

  @Test
  void disableRecordsDisconnectedAndEnableConnectsAgain() {
    Integration created = created();

    Integration disabled = service.disable(TENANT, created.id());

    assertThat(disabled.enabled()).isFalse();
    assertThat(disabled.status())
        .isEqualTo(IntegrationStatus.of(ConnectionState.DISCONNECTED, "disabled",
            clock.instant()));
    assertThat(disabled.updatedAt()).isEqualTo(clock.instant());
    assertThat(service.get(TENANT, created.id())).isEqualTo(disabled);
    assertThat(told).containsExactly(disabled);

    clock.advance(Duration.ofSeconds(5));
    Integration enabled = service.enable(TENANT, created.id());

    assertThat(enabled.enabled()).isTrue();
    assertThat(enabled.status().state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(service.get(TENANT, created.id())).isEqualTo(enabled);
    assertThat(told).last().isEqualTo(enabled);
  }

  @Test
  void statusOfUnknownIntegrationIsEmptyAndTellsNobody() {
    created();

    assertThat(service.updateStatus(TENANT, "int_missing",
        IntegrationStatus.of(ConnectionState.ERROR, "x", clock.instant()))).isEmpty();
    assertThat(service.updateStatus(TenantId.of("other"), store.list(TENANT).get(0).id(),
        IntegrationStatus.of(ConnectionState.ERROR, "x", clock.instant()))).isEmpty();
    assertThat(told).isEmpty();
  }

  /**
   * An in-memory store that runs an action, once, right after the next {@link #find} read the
   * row and before it returns: the caller then goes on with what is by now a stale copy.
   */
  private static final class InterleavingStore implements IntegrationStore {
    private final InMemoryIntegrationStore inner = new InMemoryIntegrationStore();
    private final AtomicReference<Runnable> afterNextFind = new AtomicReference<>();

    void afterNextFind(Runnable action) {
      afterNextFind.set(action);
    }

    @Override
    public Optional<Integration> find(TenantId tenant, String id) {
      Optional<Integration> read = inner.find(tenant, id);
      Runnable action = afterNextFind.getAndSet(null);
      if (action != null) {
        action.run();
      }
      return read;
    }

    @Override
    public void save(Integration integration) {
      inner.save(integration);
    }

    @Override
    public Optional<Integration> updateStatus(TenantId tenant, String id,
        IntegrationStatus status, Instant updatedAt) {
      return inner.updateStatus(tenant, id, status, updatedAt);
    }

    @Override
    public List<Integration> list(TenantId tenant) {
      return inner.list(tenant);
    }

    @Override
    public boolean delete(TenantId tenant, String id) {
      return inner.delete(tenant, id);
    }

    @Override
    public Optional<Integration> findForRouting(String id) {
      return inner.findForRouting(id);
    }

    @Override
    public Optional<Integration> findByApiKeyHash(String apiKeyHash) {
      return inner.findByApiKeyHash(apiKeyHash);
    }

    @Override
    public List<Integration> listEnabled() {
      return inner.listEnabled();
    }
  }
}
