package io.wacanda.knowledge;

import io.wacanda.WacandaException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a knowledge source reads and how often.
 *
 * @param kind a folder, a site crawled from a start page, or a sitemap
 * @param location the folder path, the start URL or the sitemap URL
 * @param maxDepth links followed from the start page ({@link Kind#WEB} only), 0 to 20
 * @param maxPages most pages fetched per sync (web and sitemap), 1 to 100,000
 * @param pathPrefix only URLs whose path starts with it (web and sitemap); {@code /} for all
 * @param refreshInterval how often the scheduler syncs it, at least 1 minute; {@link
 *     Duration#ZERO} for manual syncs only
 * @param tags metadata put on every document of the source (filterable at retrieval); the key
 *     {@value io.wacanda.rag.Document#TAGS} holds comma-separated tags
 */
public record SourceSpec(Kind kind, String location, int maxDepth, int maxPages,
    String pathPrefix, Duration refreshInterval, Map<String, String> tags) {

  /** Default depth of a web crawl: 2. */
  public static final int DEFAULT_MAX_DEPTH = 2;
  /** Default page budget of a web or sitemap sync: 200. */
  public static final int DEFAULT_MAX_PAGES = 200;

  /** What a source reads. */
  public enum Kind {
    /** Every readable file under a folder, recursively. */
    FOLDER,
    /** The pages of one site, crawled from a start page. */
    WEB,
    /** The pages a sitemap.xml (or sitemap index) lists. */
    SITEMAP
  }

  public SourceSpec {
    Objects.requireNonNull(kind, "kind");
    if (location == null || location.isBlank()) {
      throw WacandaException.invalid("location must not be blank");
    }
    location = location.strip();
    if (maxDepth < 0 || maxDepth > 20) {
      throw WacandaException.invalid("max_depth must be 0..20, was " + maxDepth);
    }
    if (maxPages < 1 || maxPages > 100_000) {
      throw WacandaException.invalid("max_pages must be 1..100000, was " + maxPages);
    }
    pathPrefix = pathPrefix == null || pathPrefix.isBlank() ? "/" : pathPrefix.strip();
    if (!pathPrefix.startsWith("/")) {
      throw WacandaException.invalid("path_prefix must start with '/'");
    }
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (refreshInterval.isNegative()
        || !refreshInterval.isZero() && refreshInterval.compareTo(Duration.ofMinutes(1)) < 0) {
      throw WacandaException.invalid("refresh interval must be 0 (manual) or at least 1 minute, "
          + "was " + refreshInterval);
    }
    tags = Map.copyOf(tags);
    if (tags.containsKey(KnowledgeSync.SOURCE_KEY)) {
      throw WacandaException.invalid("tag key " + KnowledgeSync.SOURCE_KEY + " is reserved");
    }
  }

  /** A folder, synced by hand. */
  public static SourceSpec folder(String path) {
    return new SourceSpec(Kind.FOLDER, path, 0, DEFAULT_MAX_PAGES, "/", Duration.ZERO,
        Map.of());
  }

  /** A site crawled from a start page to depth 2 and 200 pages, synced by hand. */
  public static SourceSpec web(String startUrl) {
    return new SourceSpec(Kind.WEB, startUrl, DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAGES, "/",
        Duration.ZERO, Map.of());
  }

  /** The pages of a sitemap, up to 200, synced by hand. */
  public static SourceSpec sitemap(String sitemapUrl) {
    return new SourceSpec(Kind.SITEMAP, sitemapUrl, 0, DEFAULT_MAX_PAGES, "/", Duration.ZERO,
        Map.of());
  }

  /** A copy synced every {@code interval} by the scheduler. */
  public SourceSpec refreshEvery(Duration interval) {
    return new SourceSpec(kind, location, maxDepth, maxPages, pathPrefix, interval, tags);
  }

  /** A copy with other limits. */
  public SourceSpec limits(int maxDepth, int maxPages) {
    return new SourceSpec(kind, location, maxDepth, maxPages, pathPrefix, refreshInterval, tags);
  }

  /** A copy whose documents carry these tags. */
  public SourceSpec withTags(Map<String, String> tags) {
    return new SourceSpec(kind, location, maxDepth, maxPages, pathPrefix, refreshInterval, tags);
  }
}
