package io.wacanda.knowledge;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crawls one site for ingestion, politely: one request at a time, robots.txt honoured (for the
 * token {@value #ROBOTS_TOKEN}, else {@code *}; a robots.txt that answers 5xx or cannot be
 * fetched stops the crawl of that site; a Crawl-delay is waited, up to {@link
 * #MAX_CRAWL_DELAY}), within a depth and a page budget, staying on the start page's origin
 * (scheme, host, port) and under an optional path prefix.
 *
 * <p>Pages are de-duplicated under their normal URL (lower-case host, no default port, no
 * fragment, no {@code utm_*} parameters) and their {@code <link rel="canonical">} when it points
 * into the site: a page whose canonical URL was already delivered is not delivered again. Pages
 * with {@code <meta name="robots" content="noindex">} are not delivered, {@code nofollow} ones
 * not followed, and {@code rel="nofollow"} links are skipped. Every request goes through the
 * {@link WebFetcher}, so every URL and redirect passes its URL guard.
 *
 * <p>Not thread-safe: one crawl at a time per instance (it is cheap to make).
 */
public final class SiteCrawler {

  private static final Logger LOG = LoggerFactory.getLogger(SiteCrawler.class);

  /** The robots.txt product token looked up: {@code wacandabot}. */
  public static final String ROBOTS_TOKEN = "wacandabot";
  /** Longest Crawl-delay honoured: 5 seconds; longer ones are cut to it. */
  public static final Duration MAX_CRAWL_DELAY = Duration.ofSeconds(5);
  /** Most sitemaps read from one sitemap index: 50. */
  public static final int MAX_SITEMAPS = 50;

  private static final Set<String> SKIPPED_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif",
      "webp", "svg", "ico", "css", "js", "mjs", "json", "zip", "gz", "tgz", "rar", "7z", "mp3",
      "mp4", "webm", "avi", "mov", "woff", "woff2", "ttf", "eot", "exe", "dmg", "apk", "iso");

  private final WebFetcher fetcher;
  private final Pause pause;
  private final Map<String, RobotsTxt> robots = new HashMap<>();

  /** Waits between requests; replaceable in tests. */
  @FunctionalInterface
  public interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  public SiteCrawler(WebFetcher fetcher) {
    this(fetcher, d -> Thread.sleep(d.toMillis()));
  }

  public SiteCrawler(WebFetcher fetcher, Pause pause) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.pause = Objects.requireNonNull(pause, "pause");
  }

  /**
   * Limits of one crawl.
   *
   * @param maxDepth links followed from the start page: 0 is the start page only
   * @param maxPages most pages fetched (robots.txt and sitemaps not counted)
   * @param pathPrefix only URLs whose path starts with it are crawled ({@code /} for the whole
   *     site)
   */
  public record Limits(int maxDepth, int maxPages, String pathPrefix) {
    public Limits {
      if (maxDepth < 0 || maxDepth > 20) {
        throw WacandaException.invalid("maxDepth must be 0..20, was " + maxDepth);
      }
      if (maxPages < 1 || maxPages > 100_000) {
        throw WacandaException.invalid("maxPages must be 1..100000, was " + maxPages);
      }
      pathPrefix = pathPrefix == null || pathPrefix.isBlank() ? "/" : pathPrefix.strip();
      if (!pathPrefix.startsWith("/")) {
        throw WacandaException.invalid("pathPrefix must start with '/'");
      }
    }

    public static Limits of(int maxDepth, int maxPages) {
      return new Limits(maxDepth, maxPages, "/");
    }
  }

  /**
   * A page delivered by a crawl.
   *
   * @param url its canonical URL: the document id and source to use
   * @param page what was fetched
   * @param text the decoded text of a text page (charset from the header, the HTML meta tag, else
   *     UTF-8); empty for binary pages such as PDF
   * @param title the HTML title; empty when none
   */
  public record CrawledPage(URI url, FetchedPage page, String text, String title) {}

  /**
   * What a crawl did.
   *
   * @param delivered pages handed to the consumer, by canonical URL
   * @param gone URLs that answered 404 or 410
   * @param failures URLs that failed otherwise, with the reason
   * @param skippedByRobots URLs robots.txt refused
   * @param duplicates pages not delivered because their canonical URL was already delivered
   * @param budgetReached the page budget stopped the crawl with URLs left to visit
   */
  public record Summary(Set<URI> delivered, Set<URI> gone, Map<URI, String> failures,
      int skippedByRobots, int duplicates, boolean budgetReached) {
    public Summary {
      delivered = Set.copyOf(delivered);
      gone = Set.copyOf(gone);
      failures = Map.copyOf(failures);
    }
  }

  /**
   * Crawls from a start page, breadth first.
   *
   * @throws WacandaException when the start page itself cannot be fetched (refused by the guard
   *     or robots.txt, not found, failing): then nothing is known about the site
   */
  public Summary crawl(URI start, Limits limits, Consumer<CrawledPage> sink) {
    URI first = WebUrls.normalize(Objects.requireNonNull(start, "start")).orElseThrow(() ->
        WacandaException.invalid("not an http(s) URL: " + WebFetcher.safe(start)));
    State state = new State(sink);
    ArrayDeque<Queued> queue = new ArrayDeque<>();
    queue.add(new Queued(first, 0));
    state.seen.add(first);
    URI site = null;
    while (!queue.isEmpty()) {
      if (state.fetched >= limits.maxPages()) {
        state.budgetReached = true;
        break;
      }
      Queued q = queue.poll();
      Optional<Fetched> fetched = visit(q.url, state, site == null);
      if (fetched.isEmpty()) {
        continue;
      }
      Fetched f = fetched.get();
      if (site == null) {
        site = f.finalUrl; // the site is where the start page really is (after redirects)
      } else if (!WebUrls.sameOrigin(site, f.finalUrl)) {
        continue; // redirected off the site
      }
      if (f.html == null || f.noFollow || q.depth >= limits.maxDepth()) {
        continue;
      }
      for (Element a : f.html.select("a[href]")) {
        if (a.attr("rel").toLowerCase(Locale.ROOT).contains("nofollow")) {
          continue;
        }
        Optional<URI> link = WebUrls.resolve(f.finalUrl, a.attr("href"));
        if (link.isEmpty() || !WebUrls.sameOrigin(site, link.get())
            || !pathOf(link.get()).startsWith(limits.pathPrefix())
            || skippedExtension(link.get()) || !state.seen.add(link.get())) {
          continue;
        }
        queue.add(new Queued(link.get(), q.depth + 1));
      }
    }
    return state.summary();
  }

  /**
   * Fetches the pages a sitemap (or sitemap index) lists on its own origin, up to the page
   * budget; links are not followed.
   *
   * @throws WacandaException when the sitemap cannot be fetched or read
   */
  public Summary crawlSitemap(URI sitemap, Limits limits, Consumer<CrawledPage> sink) {
    URI root = WebUrls.normalize(Objects.requireNonNull(sitemap, "sitemap")).orElseThrow(() ->
        WacandaException.invalid("not an http(s) URL: " + WebFetcher.safe(sitemap)));
    LinkedHashSet<URI> pages = new LinkedHashSet<>();
    ArrayDeque<URI> sitemaps = new ArrayDeque<>();
    sitemaps.add(root);
    Set<URI> read = new HashSet<>();
    boolean first = true;
    while (!sitemaps.isEmpty() && read.size() < MAX_SITEMAPS) {
      URI s = sitemaps.poll();
      if (!read.add(s)) {
        continue;
      }
      List<String> pageLocs = new ArrayList<>();
      List<String> sitemapLocs = new ArrayList<>();
      try {
        FetchedPage page = fetcher.fetch(s);
        Sitemaps.parse(page.body(), pageLocs, sitemapLocs);
      } catch (WacandaException e) {
        if (first) {
          throw e;
        }
        LOG.warn("Skipped sitemap {}: {}", WebFetcher.safe(s), e.getMessage());
        continue;
      }
      first = false;
      for (String loc : sitemapLocs) {
        WebUrls.normalize(loc).filter(u -> WebUrls.sameOrigin(root, u)).ifPresent(sitemaps::add);
      }
      for (String loc : pageLocs) {
        WebUrls.normalize(loc)
            .filter(u -> WebUrls.sameOrigin(root, u))
            .filter(u -> pathOf(u).startsWith(limits.pathPrefix()))
            .ifPresent(pages::add);
      }
    }
    State state = new State(sink);
    for (URI page : pages) {
      if (state.fetched >= limits.maxPages()) {
        state.budgetReached = true;
        break;
      }
      if (state.seen.add(page)) {
        visit(page, state, false);
      }
    }
    return state.summary();
  }

  private record Queued(URI url, int depth) {}

  /** A fetched page and, for HTML, its parsed form. */
  private record Fetched(URI finalUrl, org.jsoup.nodes.Document html, boolean noFollow) {}

  private final class State {
    final Consumer<CrawledPage> sink;
    final Set<URI> seen = new HashSet<>();
    final Set<URI> delivered = new LinkedHashSet<>();
    final Set<URI> gone = new LinkedHashSet<>();
    final Map<URI, String> failures = new java.util.LinkedHashMap<>();
    int fetched;
    int skippedByRobots;
    int duplicates;
    boolean budgetReached;
    final Map<String, Long> lastRequest = new HashMap<>();

    State(Consumer<CrawledPage> sink) {
      this.sink = sink;
    }

    Summary summary() {
      return new Summary(delivered, gone, failures, skippedByRobots, duplicates, budgetReached);
    }
  }

  /** Fetches one URL and delivers it; empty when it was refused, failed or is not HTML-parsable. */
  private Optional<Fetched> visit(URI url, State state, boolean isStart) {
    RobotsTxt rules = robotsFor(url, isStart);
    if (!rules.allows(WebUrls.pathAndQuery(url))) {
      state.skippedByRobots++;
      if (isStart) {
        throw new WacandaException(ErrorCode.FORBIDDEN, "robots.txt of "
            + WebUrls.origin(url) + " does not allow " + WebFetcher.safe(url));
      }
      return Optional.empty();
    }
    politeWait(url, rules, state);
    state.fetched++;
    FetchedPage page;
    try {
      page = fetcher.fetch(url);
    } catch (WacandaException e) {
      if (isStart) {
        throw e;
      }
      if (e.code() == ErrorCode.NOT_FOUND) {
        state.gone.add(url);
      } else {
        state.failures.put(url, e.getMessage());
      }
      LOG.debug("Crawl skipped {}: {}", WebFetcher.safe(url), e.getMessage());
      return Optional.empty();
    }
    URI finalUrl = WebUrls.normalize(page.url()).orElse(url);
    state.seen.add(finalUrl);
    boolean isHtml = page.mediaType().equals("text/html")
        || page.mediaType().equals("application/xhtml+xml");
    if (!isHtml) {
      if (page.mediaType().equals("application/xml") || page.mediaType().equals("text/xml")) {
        return Optional.empty(); // a feed or sitemap reached by a link: nothing to read
      }
      deliver(state, finalUrl, new CrawledPage(finalUrl, page,
          page.mediaType().startsWith("text/") ? page.text() : "", ""));
      return Optional.of(new Fetched(finalUrl, null, true));
    }
    org.jsoup.nodes.Document html;
    String text;
    try {
      html = Jsoup.parse(new ByteArrayInputStream(page.body()),
          page.charset().isEmpty() ? null : page.charset(), finalUrl.toString());
      Charset cs = html.charset();
      text = new String(page.body(), cs);
    } catch (IOException | IllegalArgumentException e) {
      state.failures.put(url, "unreadable HTML");
      return Optional.empty();
    }
    String robotsMeta = html.select("meta[name=robots]").eachAttr("content").toString()
        .toLowerCase(Locale.ROOT);
    boolean noIndex = robotsMeta.contains("noindex") || robotsMeta.contains("none");
    boolean noFollow = robotsMeta.contains("nofollow") || robotsMeta.contains("none");
    URI canonical = finalUrl;
    Element link = html.selectFirst("link[rel=canonical][href]");
    if (link != null) {
      Optional<URI> c = WebUrls.resolve(finalUrl, link.attr("href"));
      if (c.isPresent() && WebUrls.sameOrigin(c.get(), finalUrl)) {
        canonical = c.get();
      }
    }
    state.seen.add(canonical);
    if (!noIndex) {
      deliver(state, canonical, new CrawledPage(canonical, page, text, html.title().strip()));
    }
    return Optional.of(new Fetched(finalUrl, html, noFollow));
  }

  private void deliver(State state, URI canonical, CrawledPage page) {
    if (!state.delivered.add(canonical)) {
      state.duplicates++;
      return;
    }
    state.sink.accept(page);
  }

  private RobotsTxt robotsFor(URI url, boolean isStart) {
    String origin = WebUrls.origin(url);
    RobotsTxt rules = robots.get(origin);
    if (rules != null) {
      return rules;
    }
    URI robotsUrl = URI.create(origin + "/robots.txt");
    try {
      FetchedPage page = fetcher.fetch(robotsUrl);
      rules = page.mediaType().startsWith("text/")
          ? RobotsTxt.parse(page.text(), ROBOTS_TOKEN) : RobotsTxt.allowAll();
    } catch (WacandaException e) {
      if (e.code() == ErrorCode.URL_NOT_ALLOWED) {
        throw e;
      }
      if (e instanceof io.wacanda.RetryableException) {
        // RFC 9309: an unreachable robots.txt means the whole site is disallowed for now
        LOG.warn("robots.txt of {} could not be read ({}); not crawling it", origin,
            e.getMessage());
        if (isStart) {
          throw new io.wacanda.RetryableException(ErrorCode.UNAVAILABLE, "robots.txt of "
              + origin + " could not be read; try again later", Duration.ofMinutes(5), e);
        }
        rules = RobotsTxt.parse("User-agent: *\nDisallow: /", ROBOTS_TOKEN);
      } else {
        rules = RobotsTxt.allowAll(); // 4xx: no robots.txt, everything allowed
      }
    }
    robots.put(origin, rules);
    return rules;
  }

  private void politeWait(URI url, RobotsTxt rules, State state) {
    double delay = Math.min(rules.crawlDelaySeconds(), MAX_CRAWL_DELAY.toSeconds());
    String origin = WebUrls.origin(url);
    Long last = state.lastRequest.get(origin);
    long now = System.nanoTime();
    if (delay > 0 && last != null) {
      long waitNanos = (long) (delay * 1e9) - (now - last);
      if (waitNanos > 0) {
        try {
          pause.pause(Duration.ofNanos(waitNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WacandaException(ErrorCode.UNAVAILABLE, "crawl interrupted");
        }
      }
    }
    state.lastRequest.put(origin, System.nanoTime());
  }

  private static String pathOf(URI u) {
    return u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
  }

  private static boolean skippedExtension(URI u) {
    String path = pathOf(u);
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot <= slash) {
      return false;
    }
    return SKIPPED_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return "SiteCrawler[" + fetcher + "]";
  }
}
