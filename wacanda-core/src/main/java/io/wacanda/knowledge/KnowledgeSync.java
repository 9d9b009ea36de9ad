package io.wacanda.knowledge;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.internal.Ids;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.DocumentParsers;
import io.wacanda.rag.IngestResult;
import io.wacanda.rag.KnowledgeDocument;
import io.wacanda.rag.KnowledgeStore;
import io.wacanda.rag.RagEngine;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps knowledge sources (folders, sites, sitemaps) and the knowledge base in step.
 *
 * <pre>{@code
 * KnowledgeSync sync = KnowledgeSync.builder(ragEngine, knowledgeStore)
 *     .fetcher(WebFetcher.builder().urlGuard(UrlGuard.strict()).build())
 *     .folderRoots(Path.of("/srv/help-centre"))
 *     .build();
 * KnowledgeSource site = sync.add(tenant, SourceSpec.web("https://help.example.com/")
 *     .refreshEvery(Duration.ofHours(6)));
 * SyncReport first = sync.sync(tenant, site.id());
 * sync.start(); // syncs due sources every minute until close()
 * }</pre>
 *
 * <p><b>A sync</b> lists the source (walks the folder, crawls the site, reads the sitemap) and
 * ingests every document it finds under the id {@code sourceId + ":" + relative path or URL},
 * with the source's tags and the metadata {@value #SOURCE_KEY} = source id. The engine's content
 * hash decides: unchanged documents are skipped, changed ones replace their old passages. Then
 * the source's documents that were not found are deleted from every index; when the listing was
 * incomplete (the page budget ran out) only documents that answered 404 or 410 are deleted, and
 * documents that failed to load this time are always kept. Syncs of one source never overlap
 * (a second one is refused with {@code CONFLICT}).
 *
 * <p><b>Folders</b> must lie under one of the {@link Builder#folderRoots(Path...)} (none by
 * default), so that an admin cannot make the server read arbitrary files. <b>Web and sitemap</b>
 * sources go through the {@link WebFetcher} and its URL guard on every request and redirect.
 *
 * <p><b>Schedule.</b> {@link #start()} checks every {@link Builder#tick(Duration)} (default 1
 * minute) for sources whose {@link SourceSpec#refreshInterval()} has passed since their last sync
 * began, on one thread named {@code wacanda-knowledge-sync}; {@link #close()} stops it. {@link
 * #syncDue()} does one such round, for hosts with their own scheduler. Time comes from the
 * injected clock.
 *
 * <p>Thread-safe.
 */
public final class KnowledgeSync implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeSync.class);

  /** The metadata key naming the source a document came from. */
  public static final String SOURCE_KEY = "knowledge_source";
  /** Default interval of the scheduler's checks: 1 minute. */
  public static final Duration DEFAULT_TICK = Duration.ofMinutes(1);

  private final RagEngine rag;
  private final KnowledgeStore knowledgeStore;
  private final KnowledgeSourceStore sources;
  private final WebFetcher fetcher;
  private final DocumentParsers parsers;
  private final List<Path> folderRoots;
  private final Clock clock;
  private final Duration tick;
  private final SiteCrawler.Pause pause;
  private final ConcurrentHashMap<String, ReentrantLock> running = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScheduledExecutorService scheduler;

  private KnowledgeSync(Builder b) {
    this.rag = b.rag;
    this.knowledgeStore = b.knowledgeStore;
    this.sources = b.sources;
    this.fetcher = b.fetcher;
    this.parsers = b.parsers != null ? b.parsers
        : rag instanceof DefaultRagEngine d ? d.parsers() : DocumentParsers.defaults();
    this.folderRoots = List.copyOf(b.folderRoots);
    this.clock = b.clock;
    this.tick = b.tick;
    this.pause = b.pause;
  }

  /**
   * @param rag the engine documents are ingested into and deleted from
   * @param knowledgeStore the store that engine indexes: where a source's documents are listed
   */
  public static Builder builder(RagEngine rag, KnowledgeStore knowledgeStore) {
    return new Builder(rag, knowledgeStore);
  }

  /** The fetcher web and sitemap sources use. */
  public WebFetcher fetcher() {
    return fetcher;
  }

  // ---------------------------------------------------------------- sources

  /**
   * Registers a source (it is not synced yet).
   *
   * @throws WacandaException {@code INVALID_REQUEST} for a folder outside the folder roots or a
   *     malformed URL; {@code URL_NOT_ALLOWED} for a URL the guard refuses
   */
  public KnowledgeSource add(TenantId tenant, SourceSpec spec) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(spec, "spec");
    validate(spec);
    KnowledgeSource source = new KnowledgeSource(Ids.next("ks"), tenant, spec, clock.instant(),
        Optional.empty());
    sources.save(source);
    LOG.info("Added knowledge source {} ({} {}) for tenant {}", source.id(), spec.kind(),
        describe(spec), tenant);
    return source;
  }

  public Optional<KnowledgeSource> find(TenantId tenant, String id) {
    return sources.find(tenant, id);
  }

  public List<KnowledgeSource> list(TenantId tenant) {
    return sources.list(tenant);
  }

  /**
   * Removes a source.
   *
   * @param deleteDocuments also delete its documents from the knowledge base
   * @return how many documents were deleted
   * @throws WacandaException {@code NOT_FOUND} for an unknown source
   */
  public int remove(TenantId tenant, String id, boolean deleteDocuments) {
    KnowledgeSource source = sources.find(tenant, id)
        .orElseThrow(() -> WacandaException.notFound("knowledge source", id));
    ReentrantLock lock = running.computeIfAbsent(key(tenant, id), k -> new ReentrantLock());
    lock.lock();
    try {
      sources.delete(tenant, id);
      int deleted = 0;
      if (deleteDocuments) {
        for (KnowledgeDocument d : documentsOf(source).values()) {
          if (rag.delete(tenant, d.id())) {
            deleted++;
          }
        }
      }
      LOG.info("Removed knowledge source {} of tenant {}; {} documents deleted", id, tenant,
          deleted);
      return deleted;
    } finally {
      lock.unlock();
      running.remove(key(tenant, id));
    }
  }

  // ---------------------------------------------------------------- syncing

  /**
   * Syncs one source now and records the report on it.
   *
   * @return the report; a sync that failed as a whole (start page refused, folder missing) has
   *     {@link SyncReport#error()} set and deleted nothing
   * @throws WacandaException {@code NOT_FOUND} for an unknown source; {@code CONFLICT} when it is
   *     being synced already
   */
  public SyncReport sync(TenantId tenant, String id) {
    KnowledgeSource source = sources.find(tenant, id)
        .orElseThrow(() -> WacandaException.notFound("knowledge source", id));
    ReentrantLock lock = running.computeIfAbsent(key(tenant, id), k -> new ReentrantLock());
    if (!lock.tryLock()) {
      throw WacandaException.conflict("knowledge source " + id + " is being synced already");
    }
    try {
      SyncReport report = run(source);
      // the source may have been removed meanwhile: then its report goes nowhere
      sources.find(tenant, id).ifPresent(s -> sources.save(s.withLastSync(report)));
      return report;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Syncs every source whose refresh interval has passed, one after the other; failures are
   * logged and recorded in the reports. @return how many sources were synced
   */
  public int syncDue() {
    Instant now = clock.instant();
    int n = 0;
    for (KnowledgeSource s : sources.all()) {
      if (closed.get()) {
        break;
      }
      if (!s.isDue(now)) {
        continue;
      }
      try {
        SyncReport r = sync(s.tenant(), s.id());
        n++;
        LOG.info("Synced knowledge source {} of tenant {}: {} added, {} updated, {} unchanged, "
            + "{} deleted, {} failed", s.id(), s.tenant(), r.added(), r.updated(), r.unchanged(),
            r.deleted(), r.failed());
      } catch (WacandaException e) {
        LOG.warn("Scheduled sync of knowledge source {} skipped: {}", s.id(), e.getMessage());
      }
    }
    return n;
  }

  /** Starts the scheduler; idempotent. */
  public KnowledgeSync start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return this;
    }
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(
        WebhookInbox.namedThreads("wacanda-knowledge-sync"));
    scheduler = s;
    long every = tick.toMillis();
    s.scheduleWithFixedDelay(() -> {
      try {
        syncDue();
      } catch (RuntimeException e) {
        LOG.warn("Knowledge sync round failed; will try again", e);
      }
    }, every, every, TimeUnit.MILLISECONDS);
    LOG.info("Knowledge sync scheduler started (every {})", tick);
    return this;
  }

  /** Stops the scheduler, letting a running sync finish for up to 30 seconds; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      s.shutdown();
      try {
        if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  private SyncReport run(KnowledgeSource source) {
    Instant started = clock.instant();
    Tally tally = new Tally();
    Map<String, KnowledgeDocument> existing = documentsOf(source);
    boolean complete;
    Set<String> goneIds = new HashSet<>();
    try {
      switch (source.spec().kind()) {
        case FOLDER -> complete = syncFolder(source, tally);
        case WEB, SITEMAP -> {
          SiteCrawler crawler = new SiteCrawler(fetcher, pause);
          URI url = URI.create(source.spec().location());
          SiteCrawler.Limits limits = new SiteCrawler.Limits(source.spec().maxDepth(),
              source.spec().maxPages(), source.spec().pathPrefix());
          SiteCrawler.Summary summary = source.spec().kind() == SourceSpec.Kind.WEB
              ? crawler.crawl(url, limits, page -> ingestPage(source, page, tally))
              : crawler.crawlSitemap(url, limits, page -> ingestPage(source, page, tally));
          for (Map.Entry<URI, String> f : summary.failures().entrySet()) {
            tally.failed(documentId(source, f.getKey().toString()),
                WebFetcher.safe(f.getKey()) + ": " + f.getValue());
          }
          for (URI gone : summary.gone()) {
            goneIds.add(documentId(source, gone.toString()));
          }
          complete = !summary.budgetReached();
        }
        default -> throw new IllegalStateException("unknown kind " + source.spec().kind());
      }
    } catch (WacandaException e) {
      LOG.warn("Sync of knowledge source {} failed: {}", source.id(), e.getMessage());
      return new SyncReport(source.id(), started, clock.instant(), tally.added, tally.updated,
          tally.unchanged, 0, tally.failed, false, tally.errors, Optional.of(e.getMessage()));
    }
    int deleted = 0;
    for (KnowledgeDocument d : existing.values()) {
      boolean keep = tally.seen.contains(d.id()) && !goneIds.contains(d.id());
      boolean mayDelete = complete || goneIds.contains(d.id());
      if (!keep && mayDelete && rag.delete(source.tenant(), d.id())) {
        deleted++;
      }
    }
    return new SyncReport(source.id(), started, clock.instant(), tally.added, tally.updated,
        tally.unchanged, deleted, tally.failed, complete, tally.errors, Optional.empty());
  }

  /** Counts of one sync and the ids it saw (ingested, unchanged or failed). */
  private static final class Tally {
    int added;
    int updated;
    int unchanged;
    int failed;
    final Set<String> seen = new LinkedHashSet<>();
    final List<String> errors = new ArrayList<>();

    void result(IngestResult r, boolean existed) {
      seen.add(r.documentId());
      if (r.unchanged()) {
        unchanged++;
      } else if (existed) {
        updated++;
      } else {
        added++;
      }
    }

    void failed(String documentId, String why) {
      seen.add(documentId);
      failed++;
      if (errors.size() < SyncReport.MAX_ERRORS) {
        errors.add(why);
      }
    }
  }

  private boolean syncFolder(KnowledgeSource source, Tally tally) {
    Path folder = checkedFolder(source.spec().location());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> DocumentParsers.mediaTypeFor(p.getFileName().toString())
              .flatMap(parsers::parserFor).isPresent())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INVALID_REQUEST, "could not list folder "
          + source.spec().location(), e);
    }
    for (Path file : files) {
      String relative = folder.relativize(file).toString().replace('\\', '/');
      String id = documentId(source, relative);
      try {
        ingestFile(source, file, id, tally);
      } catch (WacandaException | IOException e) {
        tally.failed(id, relative + ": " + e.getMessage());
      }
    }
    return true;
  }

  private IngestResult ingestFile(KnowledgeSource source, Path file, String id, Tally tally)
      throws IOException {
    String mediaType = DocumentParsers.mediaTypeFor(file.getFileName().toString())
        .orElseThrow();
    byte[] raw = Files.readAllBytes(file);
    Map<String, String> metadata = metadata(source);
    Document doc = mediaType.startsWith("text/")
        ? new Document(id, "", file.toString(), mediaType,
            new String(raw, StandardCharsets.UTF_8), metadata)
        : Document.ofBytes(id, "", file.toString(), mediaType, raw, metadata);
    boolean existed = knowledgeStore.findDocument(source.tenant(), id).isPresent();
    IngestResult r = rag.ingest(source.tenant(), doc);
    if (tally != null) {
      tally.result(r, existed);
    }
    return r;
  }

  private void ingestPage(KnowledgeSource source, SiteCrawler.CrawledPage page, Tally tally) {
    String id = documentId(source, page.url().toString());
    try {
      boolean existed = knowledgeStore.findDocument(source.tenant(), id).isPresent();
      IngestResult r = ingestCrawled(source.tenant(), id, page, metadata(source));
      if (r != null) { // null: no parser for it (a PDF without the PDF module)
        tally.result(r, existed);
      }
    } catch (WacandaException e) {
      tally.failed(id, WebFetcher.safe(page.url()) + ": " + e.getMessage());
    }
  }

  /** @return null when no parser reads the page's media type */
  private IngestResult ingestCrawled(TenantId tenant, String id, SiteCrawler.CrawledPage page,
      Map<String, String> metadata) {
    String mediaType = page.page().mediaType().equals("application/xhtml+xml") ? "text/html"
        : page.page().mediaType();
    if (parsers.parserFor(mediaType).isEmpty()) {
      return null;
    }
    String url = page.url().toString();
    Document doc = mediaType.startsWith("text/")
        ? new Document(id, page.title(), url, mediaType, page.text(), metadata)
        : Document.ofBytes(id, page.title(), url, mediaType, page.page().body(), metadata);
    return rag.ingest(tenant, doc);
  }

  // ---------------------------------------------------------------- one document

  /**
   * Reads one document of the knowledge base again from where it came from and ingests it (the
   * content hash decides whether anything changes): a file of a folder source, a page of a web or
   * sitemap source, or any document whose source is an http(s) URL (fetched through the guard,
   * robots.txt honoured).
   *
   * @throws WacandaException {@code NOT_FOUND} for an unknown document, or when its page or file
   *     is gone; {@code CONFLICT} when the document has no source to read again (it was uploaded:
   *     upload it again)
   */
  public IngestResult reingest(TenantId tenant, String documentId) {
    KnowledgeDocument doc = knowledgeStore.findDocument(tenant, documentId)
        .orElseThrow(() -> WacandaException.notFound("document", documentId));
    Optional<KnowledgeSource> source = Optional.ofNullable(doc.metadata().get(SOURCE_KEY))
        .flatMap(sid -> sources.find(tenant, sid));
    if (source.isPresent() && source.get().spec().kind() == SourceSpec.Kind.FOLDER) {
      Path folder = checkedFolder(source.get().spec().location());
      String prefix = source.get().id() + ":";
      Path file = folder.resolve(documentId.substring(prefix.length())).normalize();
      if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
        throw WacandaException.notFound("file of document", documentId);
      }
      try {
        return ingestFile(source.get(), file, documentId, null);
      } catch (IOException e) {
        throw new WacandaException(ErrorCode.INTERNAL, "could not read " + file, e);
      }
    }
    if (doc.source().startsWith("http://") || doc.source().startsWith("https://")) {
      Map<String, String> metadata = source.map(this::metadata).orElse(doc.metadata());
      IngestResult[] result = new IngestResult[1];
      SiteCrawler.Summary summary = new SiteCrawler(fetcher, pause).crawl(
          URI.create(doc.source()), SiteCrawler.Limits.of(0, 1),
          page -> result[0] = ingestCrawled(tenant, documentId, page, metadata));
      if (result[0] == null) {
        if (!summary.gone().isEmpty()) {
          throw WacandaException.notFound("page of document", documentId);
        }
        throw WacandaException.invalid("page of document " + documentId
            + " could not be ingested (noindex, or a type no parser reads)");
      }
      return result[0];
    }
    throw WacandaException.conflict("document " + documentId + " has no source to read again; "
        + "upload it again");
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, KnowledgeDocument> documentsOf(KnowledgeSource source) {
    Map<String, KnowledgeDocument> out = new HashMap<>();
    for (KnowledgeDocument d : knowledgeStore.listDocuments(source.tenant())) {
      if (source.id().equals(d.metadata().get(SOURCE_KEY))) {
        out.put(d.id(), d);
      }
    }
    return out;
  }

  private Map<String, String> metadata(KnowledgeSource source) {
    Map<String, String> m = new HashMap<>(source.spec().tags());
    m.put(SOURCE_KEY, source.id());
    return m;
  }

  static String documentId(KnowledgeSource source, String location) {
    return source.id() + ":" + location;
  }

  private void validate(SourceSpec spec) {
    switch (spec.kind()) {
      case FOLDER -> checkedFolder(spec.location());
      case WEB, SITEMAP -> {
        URI uri = fetcher.urlGuard().check(spec.location());
        if (WebUrls.normalize(uri).isEmpty()) {
          throw WacandaException.invalid("not an http(s) URL");
        }
      }
      default -> throw new IllegalStateException("unknown kind " + spec.kind());
    }
  }

  /** The folder's real path, when it is a folder under one of the roots. */
  private Path checkedFolder(String location) {
    if (folderRoots.isEmpty()) {
      throw WacandaException.invalid("folder sources are not enabled: the host allows none "
          + "(KnowledgeSync.Builder.folderRoots)");
    }
    Path real;
    try {
      real = Path.of(location).toRealPath();
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw WacandaException.invalid("folder does not exist: " + location);
    }
    if (!Files.isDirectory(real)) {
      throw WacandaException.invalid("not a folder: " + location);
    }
    for (Path root : folderRoots) {
      if (real.startsWith(root)) {
        return real;
      }
    }
    throw WacandaException.invalid("folder " + location + " is outside the allowed folder roots");
  }

  private static String describe(SourceSpec spec) {
    if (spec.kind() == SourceSpec.Kind.FOLDER) {
      return spec.location();
    }
    try {
      return WebFetcher.safe(URI.create(spec.location()));
    } catch (IllegalArgumentException e) {
      return "(bad URL)";
    }
  }

  private static String key(TenantId tenant, String id) {
    return tenant.value() + "\u0000" + id;
  }

  @Override
  public String toString() {
    return "KnowledgeSync[sources=" + sources + ", folderRoots=" + folderRoots.size() + "]";
  }

  /** Settings of a {@link KnowledgeSync}; setters reject bad values at once. */
  public static final class Builder {
    private final RagEngine rag;
    private final KnowledgeStore knowledgeStore;
    private KnowledgeSourceStore sources = new InMemoryKnowledgeSourceStore();
    private WebFetcher fetcher = WebFetcher.builder().build();
    private DocumentParsers parsers;
    private final List<Path> folderRoots = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration tick = DEFAULT_TICK;
    private SiteCrawler.Pause pause = d -> Thread.sleep(d.toMillis());

    private Builder(RagEngine rag, KnowledgeStore knowledgeStore) {
      this.rag = Objects.requireNonNull(rag, "rag");
      this.knowledgeStore = Objects.requireNonNull(knowledgeStore, "knowledgeStore");
    }

    /** Where sources are kept. Default a new {@link InMemoryKnowledgeSourceStore}. */
    public Builder sourceStore(KnowledgeSourceStore store) {
      this.sources = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Fetches web and sitemap sources. Default a {@link WebFetcher} with a strict URL guard. */
    public Builder fetcher(WebFetcher fetcher) {
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
      return this;
    }

    /**
     * The parsers that decide which files and pages are read. Default the {@link
     * DefaultRagEngine}'s, else {@link DocumentParsers#defaults()}.
     */
    public Builder parsers(DocumentParsers parsers) {
      this.parsers = Objects.requireNonNull(parsers, "parsers");
      return this;
    }

    /**
     * Folders under which folder sources may lie (resolved to real paths, symbolic links
     * followed). Default none: folder sources are refused.
     *
     * @throws WacandaException {@code INVALID_REQUEST} when a root is not an existing folder
     */
    public Builder folderRoots(Path... roots) {
      for (Path root : roots) {
        try {
          Path real = root.toRealPath();
          if (!Files.isDirectory(real)) {
            throw WacandaException.invalid("folder root is not a folder: " + root);
          }
          folderRoots.add(real);
        } catch (IOException e) {
          throw WacandaException.invalid("folder root does not exist: " + root);
        }
      }
      return this;
    }

    /** Clock for sync times and schedules. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often the scheduler looks for due sources, 1 second to 1 day. Default 1 minute. */
    public Builder tick(Duration tick) {
      Objects.requireNonNull(tick, "tick");
      if (tick.compareTo(Duration.ofSeconds(1)) < 0 || tick.compareTo(Duration.ofDays(1)) > 0) {
        throw WacandaException.invalid("tick must be 1 s..1 day, was " + tick);
      }
      this.tick = tick;
      return this;
    }

    /** How crawls wait for a robots.txt Crawl-delay. Default {@link Thread#sleep}. */
    public Builder crawlPause(SiteCrawler.Pause pause) {
      this.pause = Objects.requireNonNull(pause, "pause");
      return this;
    }

    public KnowledgeSync build() {
      return new KnowledgeSync(this);
    }
  }
}
