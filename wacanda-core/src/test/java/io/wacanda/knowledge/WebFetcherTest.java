package io.wacanda.knowledge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.security.UrlGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fetcher against a real HTTP server on loopback, and the URL guard on every hop. */
class WebFetcherTest {

  private static WireMockServer site;
  private static String base;

  /** "localhost" is the one host allowed; every other name resolves as the test says. */
  private static final UrlGuard GUARD = UrlGuard.builder()
      .allowHosts(Set.of("localhost"))
      .resolver(WebFetcherTest::resolve)
      .build();

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    switch (host) {
      case "public.example":
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184,
            (byte) 215, 14})};
      case "internal.example":
        // a public-looking name that resolves to a private address (DNS points inside)
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})};
      case "mixed.example":
        return new InetAddress[] {
            InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14}),
            InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169,
                (byte) 254})};
      default:
        return InetAddress.getAllByName(host);
    }
  }

  private final WebFetcher fetcher = WebFetcher.builder().urlGuard(GUARD).maxBytes(4096)
      .maxRedirects(2).requestTimeout(Duration.ofSeconds(1)).build();

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

  @BeforeEach
  void reset() {
    site.resetAll();
  }

  private static URI url(String path) {
    return URI.create(base + path);
  }

  @Test
  void fetchesAPageWithItsFinalUrlTypeAndCharset() {
    site.stubFor(get("/help").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html; charset=ISO-8859-1")
        .withBody("<p>Caf\u00e9</p>".getBytes(StandardCharsets.ISO_8859_1))));

    FetchedPage page = fetcher.fetch(url("/help"));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.mediaType()).isEqualTo("text/html");
    assertThat(page.text()).isEqualTo("<p>Caf\u00e9</p>");
    site.verify(getRequestedFor(urlEqualTo("/help"))
        .withHeader("User-Agent", equalTo(WebFetcher.DEFAULT_USER_AGENT)));
  }

  @Test
  void refusesLoopbackPrivateLinkLocalAndMetadataAddressesWithoutConnecting() {
    WebFetcher strict = WebFetcher.builder().urlGuard(UrlGuard.builder()
        .resolver(WebFetcherTest::resolve).build()).build();

    for (String u : new String[] {
        "http://127.0.0.1:" + site.port() + "/help", // loopback (the test server itself)
        "http://[::1]/", "http://10.1.2.3/", "http://192.168.0.10/", "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/", // cloud metadata
        "http://[fd00:ec2::254]/", // IPv6 metadata (unique local)
        "http://internal.example/", // resolves to 10.0.0.7
        "http://mixed.example/"}) { // one of its addresses is link-local
      assertThatThrownBy(() -> strict.fetch(URI.create(u)))
          .as(u)
          .isInstanceOfSatisfying(WacandaException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED));
    }
    assertThat(site.getAllServeEvents()).isEmpty();
  }

  @Test
  void aHostThatAllowsLoopbackReachesIt() {
    site.stubFor(get("/ok").willReturn(aResponse().withHeader("Content-Type", "text/plain")
        .withBody("fine")));
    WebFetcher local = WebFetcher.builder()
        .urlGuard(UrlGuard.builder().allowLoopback(true).build()).build();

    assertThat(local.fetch(URI.create("http://127.0.0.1:" + site.port() + "/ok")).text())
        .isEqualTo("fine");
  }

  @Test
  void checksEveryRedirectTargetAgainstTheGuard() {
    site.stubFor(get("/to-metadata").willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://169.254.169.254/latest/meta-data/iam")));
    site.stubFor(get("/to-loopback").willReturn(aResponse().withStatus(301)
        .withHeader("Location", "http://127.0.0.1:" + site.port() + "/secret")));
    site.stubFor(get("/to-internal-name").willReturn(aResponse().withStatus(307)
        .withHeader("Location", "http://internal.example/admin")));
    site.stubFor(get("/secret").willReturn(aResponse().withBody("secret")));

    for (String path : new String[] {"/to-metadata", "/to-loopback", "/to-internal-name"}) {
      assertThatThrownBy(() -> fetcher.fetch(url(path)))
          .as(path)
          .isInstanceOfSatisfying(WacandaException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED));
    }
    site.verify(0, getRequestedFor(urlEqualTo("/secret")));
  }

  @Test
  void followsRedirectsUpToTheLimit() {
    site.stubFor(get("/a").willReturn(aResponse().withStatus(301).withHeader("Location", "/b")));
    site.stubFor(get("/b").willReturn(aResponse().withStatus(302).withHeader("Location", "/c")));
    site.stubFor(get("/c").willReturn(aResponse().withHeader("Content-Type", "text/plain")
        .withBody("arrived")));
    site.stubFor(get("/loop").willReturn(aResponse().withStatus(302)
        .withHeader("Location", "/loop")));

    FetchedPage page = fetcher.fetch(url("/a"));

    assertThat(page.url()).isEqualTo(url("/c"));
    assertThat(page.requested()).isEqualTo(url("/a"));
    assertThat(page.text()).isEqualTo("arrived");
    assertThatThrownBy(() -> fetcher.fetch(url("/loop")))
        .isInstanceOf(WacandaException.class).hasMessageContaining("more than 2 redirects");
  }

  @Test
  void refusesBodiesOverTheLimitWithOrWithoutContentLength() {
    byte[] big = new byte[5000];
    site.stubFor(get("/declared").willReturn(aResponse().withHeader("Content-Type", "text/plain")
        .withBody(big)));
    site.stubFor(get("/chunked").willReturn(aResponse().withHeader("Content-Type", "text/plain")
        .withChunkedDribbleDelay(2, 1).withBody(big)));

    assertThatThrownBy(() -> fetcher.fetch(url("/declared")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    assertThatThrownBy(() -> fetcher.fetch(url("/chunked")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
  }

  @Test
  void refusesContentTypesItDoesNotRead() {
    site.stubFor(get("/logo").willReturn(aResponse().withHeader("Content-Type", "image/png")
        .withBody(new byte[] {1, 2, 3})));

    assertThatThrownBy(() -> fetcher.fetch(url("/logo")))
        .isInstanceOf(WacandaException.class).hasMessageContaining("image/png");
  }

  @Test
  void tellsGonePagesFromTemporaryFailures() {
    site.stubFor(get("/gone").willReturn(aResponse().withStatus(410)));
    site.stubFor(get("/busy").willReturn(aResponse().withStatus(503)
        .withHeader("Retry-After", "120")));
    site.stubFor(get("/forbidden").willReturn(aResponse().withStatus(403)));

    assertThatThrownBy(() -> fetcher.fetch(url("/gone")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> fetcher.fetch(url("/busy")))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(120)));
    assertThatThrownBy(() -> fetcher.fetch(url("/forbidden")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void timesOutASlowServer() {
    site.stubFor(get("/slow").willReturn(aResponse().withHeader("Content-Type", "text/plain")
        .withFixedDelay(3000).withBody("late")));

    assertThatThrownBy(() -> fetcher.fetch(url("/slow")))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT));
  }

  @Test
  void errorMessagesNeverCarryTheQueryString() {
    site.stubFor(get(urlEqualTo("/p?token=s3cr3t")).willReturn(aResponse().withStatus(404)));

    assertThatThrownBy(() -> fetcher.fetch(url("/p?token=s3cr3t")))
        .isInstanceOf(WacandaException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }

  @Test
  void refusesAClientThatFollowsRedirectsItself() {
    assertThatThrownBy(() -> WebFetcher.builder().httpClient(java.net.http.HttpClient
        .newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build()))
        .isInstanceOf(WacandaException.class).hasMessageContaining("redirects");
  }
}
