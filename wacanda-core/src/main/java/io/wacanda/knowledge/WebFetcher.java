package io.wacanda.knowledge;

import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one web page for ingestion, carefully: every URL (the first and every redirect target)
 * passes the {@link UrlGuard} before it is requested, which resolves the host and refuses
 * loopback, private, link-local and metadata addresses unless the host allowed them; redirects are
 * followed by hand, at most {@link Builder#maxRedirects(int)}; the response must be 2xx with an
 * accepted content type; the body is read up to {@link Builder#maxBytes(long)} and refused beyond.
 * Every request has a timeout.
 *
 * <pre>{@code
 * WebFetcher fetcher = WebFetcher.builder().urlGuard(UrlGuard.strict()).build();
 * FetchedPage page = fetcher.fetch(URI.create("https://help.example.com/returns"));
 * }</pre>
 *
 * <p>DNS rebinding: {@code java.net.http} cannot pin the address that was checked, so a hostile
 * DNS server could answer differently between the check and the connection; route outbound
 * traffic through an egress proxy where that matters. Immutable and thread-safe.
 */
public final class WebFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(WebFetcher.class);

  /** Default time for one request, headers and body: 15 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /** Default connect timeout of the fetcher's own client: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default largest body: 5 MiB. */
  public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024;
  /** Default most redirects followed: 5. */
  public static final int DEFAULT_MAX_REDIRECTS = 5;
  /** Default User-Agent, also the name looked up in robots.txt ({@code wacanda}). */
  public static final String DEFAULT_USER_AGENT = "WacandaBot/0.1 (+https://wacanda.io/bot)";
  /** Default accepted media types. */
  public static final Set<String> DEFAULT_MEDIA_TYPES = Set.of("text/html",
      "application/xhtml+xml", "text/plain", "text/markdown", "application/pdf",
      "application/xml", "text/xml");

  private final UrlGuard guard;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final long maxBytes;
  private final int maxRedirects;
  private final String userAgent;
  private final Set<String> mediaTypes;

  private WebFetcher(Builder b) {
    this.guard = b.guard;
    this.client = b.client != null ? b.client : HttpClient.newBuilder()
        .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.requestTimeout = b.requestTimeout;
    this.maxBytes = b.maxBytes;
    this.maxRedirects = b.maxRedirects;
    this.userAgent = b.userAgent;
    this.mediaTypes = Set.copyOf(b.mediaTypes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The User-Agent sent with every request. */
  public String userAgent() {
    return userAgent;
  }

  /** The guard every URL passes. */
  public UrlGuard urlGuard() {
    return guard;
  }

  /**
   * Fetches a page, following redirects.
   *
   * @throws WacandaException {@code URL_NOT_ALLOWED} when the URL or a redirect target is refused
   *     by the guard; {@code INVALID_REQUEST} for a bad URL, too many redirects, a 4xx answer, an
   *     unaccepted content type or a body over the limit ({@code NOT_FOUND} for 404 and 410);
   *     {@link RetryableException} for 429, 5xx, timeouts and connection failures
   */
  public FetchedPage fetch(URI url) {
    Objects.requireNonNull(url, "url");
    URI current = url;
    for (int hop = 0; ; hop++) {
      guard.check(current);
      HttpRequest request = HttpRequest.newBuilder(current)
          .timeout(requestTimeout)
          .header("User-Agent", userAgent)
          .header("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,"
              + "application/pdf;q=0.8,*/*;q=0.5")
          .GET()
          .build();
      HttpResponse<InputStream> response = send(request, current);
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        close(response);
        String location = response.headers().firstValue("Location").orElseThrow(() ->
            WacandaException.invalid("redirect without Location from " + safe(url)));
        if (hop >= maxRedirects) {
          throw WacandaException.invalid("more than " + maxRedirects + " redirects from "
              + safe(url));
        }
        URI next;
        try {
          next = current.resolve(location.strip());
        } catch (IllegalArgumentException e) {
          throw WacandaException.invalid("bad redirect target from " + safe(current));
        }
        LOG.debug("Redirect {} -> {}", safe(current), safe(next));
        current = next;
        continue;
      }
      if (status == 404 || status == 410) {
        close(response);
        throw new WacandaException(ErrorCode.NOT_FOUND, "page " + safe(current) + " answered "
            + status);
      }
      if (status == 429 || status >= 500) {
        close(response);
        Duration after = response.headers().firstValue("Retry-After")
            .flatMap(WebFetcher::seconds).orElse(Duration.ofSeconds(30));
        throw new RetryableException(ErrorCode.UNAVAILABLE, "page " + safe(current)
            + " answered " + status, after, null);
      }
      if (status < 200 || status >= 300) {
        close(response);
        throw WacandaException.invalid("page " + safe(current) + " answered " + status);
      }
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      String mediaType = mediaType(contentType);
      if (!mediaTypes.contains(mediaType)) {
        close(response);
        throw WacandaException.invalid("page " + safe(current) + " is "
            + (mediaType.isEmpty() ? "of no content type" : mediaType)
            + "; accepted: " + new TreeSet<>(mediaTypes));
      }
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > maxBytes) {
        close(response);
        throw tooLarge(current);
      }
      byte[] body = read(response.body(), current);
      return new FetchedPage(url, current, status, mediaType, charset(contentType), body);
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request, URI url) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "timed out fetching "
          + safe(url), Duration.ofSeconds(30), null);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.UNAVAILABLE, "could not fetch " + safe(url)
          + ": " + e.getClass().getSimpleName(), Duration.ofSeconds(30), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WacandaException(ErrorCode.UNAVAILABLE, "interrupted fetching " + safe(url));
    }
  }

  private byte[] read(InputStream in, URI url) {
    try (InputStream body = in) {
      byte[] data = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (data.length > maxBytes) {
        throw tooLarge(url);
      }
      return data;
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "timed out reading "
          + safe(url), Duration.ofSeconds(30), null);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.UNAVAILABLE, "could not read " + safe(url) + ": "
          + e.getClass().getSimpleName(), Duration.ofSeconds(30), null);
    }
  }

  private WacandaException tooLarge(URI url) {
    return new WacandaException(ErrorCode.PAYLOAD_TOO_LARGE, "page " + safe(url)
        + " is larger than " + maxBytes + " bytes");
  }

  private static void close(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // nothing to do: the connection is dropped
    }
  }

  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi >= 0 ? contentType.substring(0, semi) : contentType).strip()
        .toLowerCase(Locale.ROOT);
  }

  static String charset(String contentType) {
    for (String part : contentType.split(";")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        return p.substring(8).replace("\"", "").strip();
      }
    }
    return "";
  }

  private static java.util.Optional<Duration> seconds(String value) {
    try {
      long s = Long.parseLong(value.strip());
      return java.util.Optional.of(Duration.ofSeconds(Math.max(1, Math.min(s, 3600))));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  /** A URL for messages and logs: scheme, host, port and path, never the query. */
  static String safe(URI url) {
    StringBuilder sb = new StringBuilder();
    if (url.getScheme() != null) {
      sb.append(url.getScheme()).append("://");
    }
    if (url.getHost() != null) {
      sb.append(url.getHost());
    }
    if (url.getPort() >= 0) {
      sb.append(':').append(url.getPort());
    }
    if (url.getRawPath() != null) {
      sb.append(url.getRawPath());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "WebFetcher[timeout=" + requestTimeout + ", maxBytes=" + maxBytes + ", maxRedirects="
        + maxRedirects + "]";
  }

  /** Settings of a {@link WebFetcher}; setters reject bad values at once. */
  public static final class Builder {
    private UrlGuard guard = UrlGuard.strict();
    private HttpClient client;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;
    private String userAgent = DEFAULT_USER_AGENT;
    private Set<String> mediaTypes = DEFAULT_MEDIA_TYPES;

    private Builder() {}

    /** The guard every URL and redirect target passes. Default {@link UrlGuard#strict()}. */
    public Builder urlGuard(UrlGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /**
     * The client. It must not follow redirects itself (the fetcher checks every hop). Default a
     * client of its own with a 5-second connect timeout.
     */
    public Builder httpClient(HttpClient client) {
      Objects.requireNonNull(client, "client");
      if (client.followRedirects() != HttpClient.Redirect.NEVER) {
        throw WacandaException.invalid("the fetcher's HttpClient must not follow redirects "
            + "(Redirect.NEVER): every hop has to pass the URL guard");
      }
      this.client = client;
      return this;
    }

    /** Time for one request, 1 second to 5 minutes. Default 15 seconds. */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0
          || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw WacandaException.invalid("requestTimeout must be 1 s..5 min, was " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** Largest body in bytes, 1 KiB to 1 GiB. Default 5 MiB. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1024 || maxBytes > (1L << 30)) {
        throw WacandaException.invalid("maxBytes must be 1024..1073741824, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Most redirects followed, 0 to 20. Default 5. */
    public Builder maxRedirects(int maxRedirects) {
      if (maxRedirects < 0 || maxRedirects > 20) {
        throw WacandaException.invalid("maxRedirects must be 0..20, was " + maxRedirects);
      }
      this.maxRedirects = maxRedirects;
      return this;
    }

    /** The User-Agent header. Default {@link #DEFAULT_USER_AGENT}. */
    public Builder userAgent(String userAgent) {
      if (userAgent == null || userAgent.isBlank()) {
        throw WacandaException.invalid("userAgent must not be blank");
      }
      this.userAgent = userAgent.strip();
      return this;
    }

    /** Accepted media types (lower case, no parameters). Default {@link #DEFAULT_MEDIA_TYPES}. */
    public Builder mediaTypes(Set<String> mediaTypes) {
      if (mediaTypes.isEmpty()) {
        throw WacandaException.invalid("mediaTypes must not be empty");
      }
      Set<String> lower = new TreeSet<>();
      for (String t : mediaTypes) {
        lower.add(t.strip().toLowerCase(Locale.ROOT));
      }
      this.mediaTypes = lower;
      return this;
    }

    public WebFetcher build() {
      return new WebFetcher(this);
    }
  }
}
