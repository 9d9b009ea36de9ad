package io.wacanda.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KnowledgeSourceStore} must do; a durable implementation extends this (from
 * core's test-jar) and supplies a fresh, empty store.
 */
public abstract class KnowledgeSourceStoreContract {

  protected static final TenantId A = TenantId.of("tenant-a");
  protected static final TenantId B = TenantId.of("tenant-b");
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

  private KnowledgeSourceStore store;

  /** A new, empty store. */
  protected abstract KnowledgeSourceStore newStore();

  @BeforeEach
  void setUpStore() {
    store = newStore();
  }

  private static KnowledgeSource source(String id, TenantId tenant, Instant created) {
    return new KnowledgeSource(id, tenant, SourceSpec.web("https://help.example.com/")
        .refreshEvery(Duration.ofHours(6)).withTags(Map.of("tags", "help,faq")), created,
        Optional.empty());
  }

  @Test
  void savesFindsAndListsSourcesByCreationTime() {
    store.save(source("ks_2", A, T0.plusSeconds(10)));
    store.save(source("ks_1", A, T0));

    assertThat(store.find(A, "ks_1")).contains(source("ks_1", A, T0));
    assertThat(store.list(A)).extracting(KnowledgeSource::id).containsExactly("ks_1", "ks_2");
    assertThat(store.find(A, "nope")).isEmpty();
  }

  @Test
  void keepsEveryFieldOfTheSpecAndTheLastSync() {
    KnowledgeSource s = new KnowledgeSource("ks_1", A, new SourceSpec(SourceSpec.Kind.SITEMAP,
        "https://help.example.com/sitemap.xml", 0, 50, "/help/", Duration.ofMinutes(90),
        Map.of("tags", "help")), T0, Optional.empty());
    SyncReport report = new SyncReport("ks_1", T0.plusSeconds(60), T0.plusSeconds(75), 3, 1, 7,
        2, 1, false, List.of("https://help.example.com/x: answered 503"),
        Optional.empty());

    store.save(s);
    store.save(s.withLastSync(report));

    assertThat(store.find(A, "ks_1")).contains(s.withLastSync(report));
    assertThat(store.list(A)).hasSize(1);
  }

  @Test
  void keepsTenantsApart() {
    store.save(source("ks_1", A, T0));
    store.save(source("ks_1", B, T0.plusSeconds(1)));

    assertThat(store.find(B, "ks_1")).get().extracting(KnowledgeSource::tenant).isEqualTo(B);
    assertThat(store.delete(A, "ks_1")).isTrue();
    assertThat(store.find(A, "ks_1")).isEmpty();
    assertThat(store.find(B, "ks_1")).isPresent();
    assertThat(store.list(A)).isEmpty();
    assertThat(store.all()).extracting(KnowledgeSource::tenant).containsExactly(B);
  }

  @Test
  void deletingAnUnknownSourceSaysSo() {
    assertThat(store.delete(A, "ks_missing")).isFalse();
  }

  @Test
  void allListsEveryTenantsSourcesByCreationTime() {
    store.save(source("ks_b", B, T0.plusSeconds(5)));
    store.save(source("ks_a", A, T0));

    assertThat(store.all()).extracting(KnowledgeSource::id).containsExactly("ks_a", "ks_b");
  }
}
