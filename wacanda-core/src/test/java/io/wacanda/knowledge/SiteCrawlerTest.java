package io.wacanda.knowledge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.security.UrlGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Crawls a small site served on loopback. */
class SiteCrawlerTest {

  private static WireMockServer site;
  private static String base;
  private final List<Duration> pauses = new ArrayList<>();
  private SiteCrawler crawler;

  @BeforeAll
  static void start() {
    site = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    site.start();
    base = "http://localhost:" + site.port();
  }

  @AfterAll
  static void stop() {
    site.stop();
  }

  static void page(String path, String html) {
    site.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse()
        .withHeader("Content-Type", "text/html; charset=utf-8").withBody(html)));
  }

  static String html(String title, String body) {
    return "<html><head><title>" + title + "</title></head><body><main>" + body
        + "</main></body></html>";
  }

  @BeforeEach
  void setUp() {
    site.resetAll();
    pauses.clear();
    crawler = new SiteCrawler(WebFetcher.builder()
        .urlGuard(UrlGuard.builder().allowHosts(Set.of("localhost")).build()).build(),
        pauses::add);
    site.stubFor(get("/robots.txt").willReturn(aResponse().withHeader("Content-Type",
        "text/plain").withBody("User-agent: *\nDisallow: /private/\n")));
    page("/", html("Help centre", """
        <a href="/help/returns">Returns</a>
        <a href="/help/returns#refunds">Refunds</a>
        <a href="/help/returns?utm_source=newsletter">Returns again</a>
        <a href="help/shipping">Shipping</a>
        <a href="/help/shipping-print">Shipping (print)</a>
        <a href="/private/staff">Staff</a>
        <a href="https://other.example/page">Elsewhere</a>
        <a href="/logo.png">Logo</a>
        <a href="/deep/1">Deep</a>
        <a href="/gone">Old page</a>
        <a href="/sponsored" rel="nofollow">Ad</a>
        <a href="/noindex">Draft</a>
        <a href="mailto:help@example.com">Mail</a>"""));
    page("/help/returns", html("Returns", "<p>Return within 30 days.</p>"
        + "<a href='/help/shipping'>Shipping</a>"));
    page("/help/shipping", html("Shipping", "<p>Delivery in 3 to 5 days.</p>"));
    page("/help/shipping-print", "<html><head><title>Shipping</title>"
        + "<link rel='canonical' href='/help/shipping'></head><body><p>Delivery in 3 to 5 days."
        + "</p></body></html>");
    page("/deep/1", html("Deep 1", "<a href='/deep/2'>next</a>"));
    page("/deep/2", html("Deep 2", "<a href='/deep/3'>next</a>"));
    page("/deep/3", html("Deep 3", "<p>too deep</p>"));
    page("/private/staff", html("Staff", "<p>internal</p>"));
    page("/noindex", "<html><head><meta name='robots' content='noindex'></head><body>"
        + "<a href='/from-draft'>from draft</a></body></html>");
    page("/from-draft", html("From draft", "<p>linked from a noindex page</p>"));
    page("/sponsored", html("Ad", "<p>ad</p>"));
    site.stubFor(get("/gone").willReturn(aResponse().withStatus(404)));
  }

  private static Set<URI> urls(String... paths) {
    Set<URI> out = new java.util.LinkedHashSet<>();
    for (String p : paths) {
      out.add(URI.create(base + p));
    }
    return out;
  }

  @Test
  void crawlsTheSiteWithinDepthHonouringRobotsAndDeduplicating() {
    List<SiteCrawler.CrawledPage> pages = new ArrayList<>();

    SiteCrawler.Summary s = crawler.crawl(URI.create(base + "/"), SiteCrawler.Limits.of(2, 50),
        pages::add);

    assertThat(s.delivered()).containsExactlyInAnyOrderElementsOf(urls("/", "/help/returns",
        "/help/shipping", "/deep/1", "/deep/2", "/from-draft"));
    assertThat(pages).extracting(p -> p.title()).contains("Returns", "Shipping");
    assertThat(s.gone()).containsExactly(URI.create(base + "/gone"));
    assertThat(s.skippedByRobots()).isEqualTo(1);
    assertThat(s.duplicates()).isEqualTo(1); // the print version's canonical is /help/shipping
    assertThat(s.budgetReached()).isFalse();
    site.verify(0, getRequestedFor(urlEqualTo("/private/staff")));
    site.verify(0, getRequestedFor(urlEqualTo("/deep/3")));
    site.verify(0, getRequestedFor(urlEqualTo("/logo.png")));
    site.verify(0, getRequestedFor(urlEqualTo("/sponsored")));
    site.verify(1, getRequestedFor(urlPathEqualTo("/help/returns")));
    site.verify(1, getRequestedFor(urlEqualTo("/robots.txt")));
    assertThat(pauses).isEmpty();
  }

  @Test
  void stopsAtThePageBudget() {
    List<SiteCrawler.CrawledPage> pages = new ArrayList<>();

    SiteCrawler.Summary s = crawler.crawl(URI.create(base + "/"), SiteCrawler.Limits.of(3, 3),
        pages::add);

    assertThat(pages).hasSize(3);
    assertThat(s.budgetReached()).isTrue();
  }

  @Test
  void staysUnderThePathPrefix() {
    List<SiteCrawler.CrawledPage> pages = new ArrayList<>();

    crawler.crawl(URI.create(base + "/help/returns"),
        new SiteCrawler.Limits(2, 50, "/help/"), pages::add);

    assertThat(pages).extracting(SiteCrawler.CrawledPage::url)
        .containsExactlyInAnyOrderElementsOf(urls("/help/returns", "/help/shipping"));
  }

  @Test
  void refusesAStartPageRobotsDisallowsOrThatIsGone() {
    assertThatThrownBy(() -> crawler.crawl(URI.create(base + "/private/staff"),
        SiteCrawler.Limits.of(1, 10), p -> { }))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThatThrownBy(() -> crawler.crawl(URI.create(base + "/gone"),
        SiteCrawler.Limits.of(1, 10), p -> { }))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void waitsTheCrawlDelayBetweenRequests() {
    site.stubFor(get("/robots.txt").willReturn(aResponse().withHeader("Content-Type",
        "text/plain").withBody("User-agent: *\nCrawl-delay: 60\n")));

    crawler.crawl(URI.create(base + "/help/returns"), SiteCrawler.Limits.of(1, 2), p -> { });

    assertThat(pauses).hasSize(1);
    assertThat(pauses.get(0)).isLessThanOrEqualTo(SiteCrawler.MAX_CRAWL_DELAY)
        .isGreaterThan(Duration.ofSeconds(4));
  }

  @Test
  void readsASitemapIndexAndItsGzippedSitemaps() throws IOException {
    site.stubFor(get("/sitemap.xml").willReturn(aResponse()
        .withHeader("Content-Type", "application/xml").withBody("""
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>%s/sitemap-help.xml.gz</loc></sitemap>
              <sitemap><loc>https://other.example/sitemap.xml</loc></sitemap>
            </sitemapindex>""".formatted(base))));
    site.stubFor(get("/sitemap-help.xml.gz").willReturn(aResponse()
        .withHeader("Content-Type", "application/xml").withBody(gzip("""
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>%1$s/help/returns</loc><lastmod>2026-01-01</lastmod></url>
              <url><loc>%1$s/help/shipping</loc></url>
              <url><loc>%1$s/private/staff</loc></url>
              <url><loc>%1$s/gone</loc></url>
            </urlset>""".formatted(base)))));
    List<SiteCrawler.CrawledPage> pages = new ArrayList<>();

    SiteCrawler.Summary s = crawler.crawlSitemap(URI.create(base + "/sitemap.xml"),
        SiteCrawler.Limits.of(0, 10), pages::add);

    assertThat(s.delivered()).containsExactlyInAnyOrderElementsOf(urls("/help/returns",
        "/help/shipping"));
    assertThat(s.gone()).containsExactly(URI.create(base + "/gone"));
    assertThat(s.skippedByRobots()).isEqualTo(1);
    site.verify(0, getRequestedFor(urlEqualTo("/")));
  }

  @Test
  void refusesASitemapWithADoctype() {
    site.stubFor(get("/evil.xml").willReturn(aResponse()
        .withHeader("Content-Type", "application/xml").withBody("""
            <?xml version="1.0"?>
            <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <urlset><url><loc>&xxe;</loc></url></urlset>""")));

    assertThatThrownBy(() -> crawler.crawlSitemap(URI.create(base + "/evil.xml"),
        SiteCrawler.Limits.of(0, 10), p -> { }))
        .isInstanceOf(WacandaException.class).hasMessageContaining("DOCTYPE");
  }

  @Test
  void normalizesUrlsForDeduplication() {
    assertThat(WebUrls.normalize("HTTP://Help.Example.COM:80/a/../b/?utm_medium=x&id=3#top"))
        .contains(URI.create("http://help.example.com/b/?id=3"));
    assertThat(WebUrls.normalize("https://help.example.com")).contains(
        URI.create("https://help.example.com/"));
    assertThat(WebUrls.normalize("ftp://help.example.com/file")).isEmpty();
    assertThat(WebUrls.normalize("javascript:alert(1)")).isEmpty();
  }

  private static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
