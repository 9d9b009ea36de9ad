package io.wacanda.knowledge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.InMemoryKnowledgeStore;
import io.wacanda.rag.KnowledgeDocument;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import io.wacanda.security.UrlGuard;
import io.wacanda.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources kept in step with the knowledge base: adds, changes, deletions, schedules. */
class KnowledgeSyncTest {

  private static final TenantId T = TenantId.of("acme");
  private static WireMockServer site;
  private static String base;

  @TempDir
  Path root;

  private InMemoryKnowledgeStore store;
  private DefaultRagEngine rag;
  private MutableClock clock;
  private KnowledgeSync sync;
  private InMemoryKnowledgeSourceStore sources;

  @BeforeAll
  static void startSite() {
    site = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    site.start();
    base = "http://localhost:" + site.port();
  }

  @AfterAll
  static void stopSite() {
    site.stop();
  }

  @BeforeEach
  void setUp() {
    site.resetAll();
    site.stubFor(get("/robots.txt").willReturn(aResponse().withStatus(404)));
    store = InMemoryKnowledgeStore.create();
    rag = DefaultRagEngine.builder().knowledgeStore(store).build();
    clock = MutableClock.at("2026-03-01T08:00:00Z");
    sources = new InMemoryKnowledgeSourceStore();
    sync = KnowledgeSync.builder(rag, store)
        .sourceStore(sources)
        .fetcher(WebFetcher.builder()
            .urlGuard(UrlGuard.builder().allowHosts(Set.of("localhost")).build()).build())
        .folderRoots(root)
        .clock(clock)
        .crawlPause(d -> { })
        .build();
  }

  @AfterEach
  void tearDown() {
    sync.close();
  }

  private static void page(String path, String title, String body) {
    site.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse()
        .withHeader("Content-Type", "text/html; charset=utf-8")
        .withBody("<html><head><title>" + title + "</title></head><body><main><h1>" + title
            + "</h1>" + body + "</main></body></html>")));
  }

  private static void gone(String path) {
    site.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(404)));
  }

  private void helpCentre() {
    page("/help/", "Help centre", "<p>Find answers about orders.</p>"
        + "<a href='/help/returns'>Returns</a> <a href='/help/shipping'>Shipping</a>");
    page("/help/returns", "Returns", "<p>You can return any item within 30 days for a full "
        + "refund.</p>");
    page("/help/shipping", "Shipping", "<p>Standard delivery takes 3 to 5 working days.</p>");
  }

  private List<String> searchIds(String query, RetrievalMode mode) {
    return rag.search(T, query, 10, mode, RetrievalFilter.none()).stream()
        .map(Source::documentId).distinct().toList();
  }

  @Test
  void aWebSourceIsIngestedThenKeptInStep() {
    helpCentre();
    KnowledgeSource source = sync.add(T, SourceSpec.web(base + "/help/")
        .withTags(Map.of(Document.TAGS, "help")));
    String returnsId = source.id() + ":" + base + "/help/returns";
    String shippingId = source.id() + ":" + base + "/help/shipping";

    SyncReport first = sync.sync(T, source.id());

    assertThat(first.added()).isEqualTo(3);
    assertThat(first.complete()).isTrue();
    assertThat(store.findDocument(T, returnsId)).get()
        .satisfies(d -> assertThat(d.source()).isEqualTo(base + "/help/returns"))
        .satisfies(d -> assertThat(d.metadata()).containsEntry(KnowledgeSync.SOURCE_KEY,
            source.id()).containsEntry(Document.TAGS, "help"));

    // unchanged pages are skipped
    SyncReport second = sync.sync(T, source.id());
    assertThat(second.unchanged()).isEqualTo(3);
    assertThat(second.added() + second.updated() + second.deleted()).isZero();

    // a changed page replaces its old passages; a page gone from the site leaves every index
    page("/help/returns", "Returns", "<p>You can return any item within 60 days for store "
        + "credit.</p>");
    page("/help/", "Help centre", "<p>Find answers about orders.</p>"
        + "<a href='/help/returns'>Returns</a>");
    gone("/help/shipping");

    SyncReport third = sync.sync(T, source.id());

    assertThat(third.updated()).isEqualTo(2); // the returns page, and the index lost a link
    assertThat(third.unchanged()).isZero();
    assertThat(third.deleted()).isEqualTo(1);
    assertThat(store.findDocument(T, shippingId)).isEmpty();
    assertThat(store.chunks(T)).noneMatch(c -> c.documentId().equals(shippingId));
    assertThat(searchIds("standard delivery working days", RetrievalMode.LEXICAL))
        .doesNotContain(shippingId);
    assertThat(searchIds("standard delivery working days", RetrievalMode.VECTOR))
        .doesNotContain(shippingId);
    assertThat(store.chunks(T)).filteredOn(c -> c.documentId().equals(returnsId))
        .extracting(c -> c.text()).allMatch(t -> !t.contains("30 days"))
        .anyMatch(t -> t.contains("60 days"));
    assertThat(rag.answer(T, "How many days do I have to return an item?", List.of())
        .text()).contains("60 days").doesNotContain("30 days");
    assertThat(sync.find(T, source.id()).flatMap(KnowledgeSource::lastSync))
        .contains(third);
  }

  @Test
  void anIncompleteCrawlDeletesOnlyPagesKnownToBeGone() {
    helpCentre();
    KnowledgeSource source = sync.add(T, SourceSpec.web(base + "/help/"));
    sync.sync(T, source.id());
    String shippingId = source.id() + ":" + base + "/help/shipping";
    String returnsId = source.id() + ":" + base + "/help/returns";
    KnowledgeSource budget = new KnowledgeSource(source.id(), T,
        source.spec().limits(2, 1), source.createdAt(), source.lastSync());
    // the same source, now with a budget of one page: the other two are not reached
    sources.save(budget);

    SyncReport r = sync.sync(T, source.id());

    assertThat(r.complete()).isFalse();
    assertThat(r.deleted()).isZero();
    assertThat(store.findDocument(T, shippingId)).isPresent();
    assertThat(store.findDocument(T, returnsId)).isPresent();
  }

  @Test
  void pagesThatFailThisTimeAreKept() {
    helpCentre();
    KnowledgeSource source = sync.add(T, SourceSpec.web(base + "/help/"));
    sync.sync(T, source.id());
    site.stubFor(get(urlPathEqualTo("/help/shipping")).willReturn(aResponse().withStatus(503)));

    SyncReport r = sync.sync(T, source.id());

    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("/help/shipping");
    assertThat(r.deleted()).isZero();
    assertThat(store.findDocument(T, source.id() + ":" + base + "/help/shipping")).isPresent();
  }

  @Test
  void aSyncWhoseStartPageFailsDeletesNothing() {
    helpCentre();
    KnowledgeSource source = sync.add(T, SourceSpec.web(base + "/help/"));
    sync.sync(T, source.id());
    gone("/help/");

    SyncReport r = sync.sync(T, source.id());

    assertThat(r.succeeded()).isFalse();
    assertThat(r.error()).get().asString().contains("404");
    assertThat(store.listDocuments(T)).hasSize(3);
  }

  @Test
  void aFolderSourceFollowsItsFiles() throws IOException {
    Path kb = Files.createDirectories(root.resolve("kb"));
    Files.writeString(kb.resolve("returns.md"), "# Returns\n\nReturn items within 30 days.");
    Files.writeString(kb.resolve("shipping.txt"), "Delivery takes 3 to 5 working days.");
    Files.writeString(kb.resolve("photo.png"), "not text");
    KnowledgeSource source = sync.add(T, SourceSpec.folder(kb.toString()));

    SyncReport first = sync.sync(T, source.id());

    assertThat(first.added()).isEqualTo(2);
    assertThat(store.findDocument(T, source.id() + ":returns.md")).get()
        .extracting(KnowledgeDocument::title).isEqualTo("Returns");

    Files.writeString(kb.resolve("returns.md"), "# Returns\n\nReturn items within 45 days.");
    Files.delete(kb.resolve("shipping.txt"));

    SyncReport second = sync.sync(T, source.id());

    assertThat(second.updated()).isEqualTo(1);
    assertThat(second.deleted()).isEqualTo(1);
    assertThat(store.listDocuments(T)).extracting(KnowledgeDocument::id)
        .containsExactly(source.id() + ":returns.md");
  }

  @Test
  void refusesFoldersOutsideTheRootsAndUrlsTheGuardRefuses() throws IOException {
    Path outside = Files.createTempDirectory("outside");
    try {
      assertThatThrownBy(() -> sync.add(T, SourceSpec.folder(outside.toString())))
          .isInstanceOf(WacandaException.class).hasMessageContaining("outside");
      assertThatThrownBy(() -> sync.add(T, SourceSpec.folder(root.resolve("..").toString())))
          .isInstanceOf(WacandaException.class).hasMessageContaining("outside");
      assertThatThrownBy(() -> sync.add(T, SourceSpec.web("http://169.254.169.254/latest/")))
          .isInstanceOfSatisfying(WacandaException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED));
      assertThatThrownBy(() -> sync.add(T, SourceSpec.sitemap("file:///etc/passwd")))
          .isInstanceOf(WacandaException.class);
      KnowledgeSync noFolders = KnowledgeSync.builder(rag, store).build();
      assertThatThrownBy(() -> noFolders.add(T, SourceSpec.folder(root.toString())))
          .isInstanceOf(WacandaException.class).hasMessageContaining("not enabled");
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void theSchedulerSyncsSourcesWhoseIntervalHasPassed() {
    helpCentre();
    KnowledgeSource hourly = sync.add(T, SourceSpec.web(base + "/help/")
        .refreshEvery(Duration.ofHours(1)));
    KnowledgeSource manual = sync.add(T, SourceSpec.web(base + "/help/returns"));

    assertThat(sync.syncDue()).isEqualTo(1); // never synced: due at once
    assertThat(sync.syncDue()).isZero();
    clock.advance(Duration.ofMinutes(59));
    assertThat(sync.syncDue()).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(sync.syncDue()).isEqualTo(1);

    assertThat(sync.find(T, hourly.id()).flatMap(KnowledgeSource::lastSync)).get()
        .extracting(SyncReport::startedAt).isEqualTo(clock.instant());
    assertThat(sync.find(T, manual.id()).flatMap(KnowledgeSource::lastSync)).isEmpty();
  }

  @Test
  void reingestReadsAPageAgainAndRefusesUploadedDocuments() {
    helpCentre();
    KnowledgeSource source = sync.add(T, SourceSpec.web(base + "/help/"));
    sync.sync(T, source.id());
    String returnsId = source.id() + ":" + base + "/help/returns";
    page("/help/returns", "Returns", "<p>Returns are free for 90 days.</p>");
    rag.ingest(T, Document.of("faq", "FAQ", "upload", "text/plain", "Some answers."));

    assertThat(sync.reingest(T, returnsId).unchanged()).isFalse();
    assertThat(sync.reingest(T, returnsId).unchanged()).isTrue();
    assertThat(store.chunks(T)).filteredOn(c -> c.documentId().equals(returnsId))
        .anyMatch(c -> c.text().contains("90 days"));
    assertThatThrownBy(() -> sync.reingest(T, "faq"))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThatThrownBy(() -> sync.reingest(T, "nope"))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void removingASourceCanDeleteItsDocuments() {
    helpCentre();
    KnowledgeSource source = sync.add(T, SourceSpec.web(base + "/help/"));
    sync.sync(T, source.id());
    rag.ingest(T, Document.of("faq", "FAQ", "upload", "text/plain", "Some answers."));

    int deleted = sync.remove(T, source.id(), true);

    assertThat(deleted).isEqualTo(3);
    assertThat(store.listDocuments(T)).extracting(KnowledgeDocument::id).containsExactly("faq");
    assertThat(sync.list(T)).isEmpty();
    assertThat(rag.search(T, "return refund days", 10, RetrievalMode.HYBRID,
        RetrievalFilter.none())).extracting(Source::documentId).containsOnly("faq");
  }

  @Test
  void aSitemapSourceIngestsItsPages() {
    helpCentre();
    site.stubFor(get("/sitemap.xml").willReturn(aResponse().withHeader("Content-Type",
        "text/xml").withBody("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        + "<url><loc>" + base + "/help/returns</loc></url>"
        + "<url><loc>" + base + "/help/shipping</loc></url></urlset>")));
    KnowledgeSource source = sync.add(T, SourceSpec.sitemap(base + "/sitemap.xml"));

    SyncReport r = sync.sync(T, source.id());

    assertThat(r.added()).isEqualTo(2);
    assertThat(rag.search(T, "delivery", 5, RetrievalMode.HYBRID, RetrievalFilter.builder()
        .metadata(KnowledgeSync.SOURCE_KEY, source.id()).build()))
        .extracting(Source::source).contains(base + "/help/shipping");
    assertThat(Optional.of(r)).get().extracting(SyncReport::complete).isEqualTo(true);
  }
}
