package io.wacanda.knowledge;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** URL normalization for crawling: the one form under which a page is de-duplicated. */
final class WebUrls {

  private WebUrls() {}

  /**
   * The normal form of an http(s) URL: scheme and host lower case, default port dropped, dot
   * segments resolved, empty path as {@code /}, fragment dropped, {@code utm_*}, {@code gclid}
   * and {@code fbclid} query parameters dropped. Empty for anything that is not http(s) or not a
   * URL.
   */
  static Optional<URI> normalize(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      return Optional.empty();
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.empty();
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443) {
      port = -1;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? null : cleanQuery(uri.getRawQuery());
    try {
      URI base = new URI(scheme + "://" + (uri.getRawUserInfo() != null
          ? uri.getRawUserInfo() + "@" : "") + hostForUri(host) + (port >= 0 ? ":" + port : "")
          + path + (query == null || query.isEmpty() ? "" : "?" + query));
      URI n = base.normalize();
      if (n.getRawPath() == null || n.getRawPath().isEmpty()) {
        n = new URI(n.getScheme() + "://" + n.getRawAuthority() + "/"
            + (n.getRawQuery() == null ? "" : "?" + n.getRawQuery()));
      }
      return Optional.of(n);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** Parses and normalizes a URL string; empty when it is not an http(s) URL. */
  static Optional<URI> normalize(String url) {
    try {
      return normalize(new URI(url.strip()));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** Resolves a link against a page and normalizes it. */
  static Optional<URI> resolve(URI page, String href) {
    if (href == null || href.isBlank()) {
      return Optional.empty();
    }
    try {
      return normalize(page.resolve(new URI(href.strip().replace(" ", "%20"))));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String hostForUri(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String cleanQuery(String query) {
    List<String> kept = new ArrayList<>();
    for (String part : query.split("&")) {
      String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
      String lower = name.toLowerCase(Locale.ROOT);
      if (part.isEmpty() || lower.startsWith("utm_") || lower.equals("gclid")
          || lower.equals("fbclid")) {
        continue;
      }
      kept.add(part);
    }
    return String.join("&", kept);
  }

  /** Same scheme, host and port. */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  static int effectivePort(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /** The raw path with its query, for robots.txt. */
  static String pathAndQuery(URI u) {
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
  }

  /** {@code scheme://host[:port]}. */
  static String origin(URI u) {
    return u.getScheme() + "://" + u.getRawAuthority();
  }
}
