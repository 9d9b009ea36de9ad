package io.wacanda.security;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks URLs a user typed ({@code webhook_url}, {@code health_url}, pages to scrape) before
 * anything fetches them. Refuses non-HTTP schemes, credentials in the URL, and hosts that are or
 * resolve to loopback, private (RFC 1918, fc00::/7, 100.64.0.0/10), link-local (including the
 * 169.254.169.254 cloud metadata address), wildcard or multicast addresses, unless the host allowed
 * them. Every resolved address is checked, so a public name pointing at a private address is
 * refused too. Callers that follow redirects check every hop. Immutable and thread-safe.
 */
public final class UrlGuard {

  /** Resolves host names; replaceable in tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final boolean allowLoopback;
  private final boolean allowPrivate;
  private final Set<String> allowedHosts;
  private final Resolver resolver;

  private UrlGuard(Builder b) {
    this.allowLoopback = b.allowLoopback;
    this.allowPrivate = b.allowPrivate;
    this.allowedHosts = Set.copyOf(b.allowedHosts);
    this.resolver = b.resolver;
  }

  /** Refuses every internal address; the production default. */
  public static UrlGuard strict() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses and checks a URL.
   *
   * @return the parsed URI
   * @throws WacandaException with {@link ErrorCode#URL_NOT_ALLOWED} (or INVALID_REQUEST when it is
   *     not a URL) saying why; the message names the host, never query parameters
   */
  public URI check(String url) {
    URI uri;
    try {
      uri = new URI(Objects.requireNonNull(url, "url").trim());
    } catch (URISyntaxException e) {
      throw WacandaException.invalid("not a valid URL");
    }
    return check(uri);
  }

  /** Checks an already parsed URI (for example each redirect hop). */
  public URI check(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw WacandaException.invalid("URL must use http or https");
    }
    if (uri.getRawUserInfo() != null) {
      throw new WacandaException(ErrorCode.URL_NOT_ALLOWED, "URL must not contain credentials");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw WacandaException.invalid("URL has no host");
    }
    String bareHost = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (allowedHosts.contains(bareHost.toLowerCase(Locale.ROOT))) {
      return uri;
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(bareHost);
    } catch (UnknownHostException e) {
      throw new WacandaException(ErrorCode.URL_NOT_ALLOWED, "host does not resolve: " + bareHost);
    }
    if (addresses.length == 0) {
      throw new WacandaException(ErrorCode.URL_NOT_ALLOWED, "host does not resolve: " + bareHost);
    }
    for (InetAddress address : addresses) {
      String refusal = refusal(address);
      if (refusal != null) {
        throw new WacandaException(ErrorCode.URL_NOT_ALLOWED,
            "URL host " + bareHost + " is a " + refusal + " address; not allowed here");
      }
    }
    return uri;
  }

  /** Whether a connection to this address would be allowed. */
  public boolean allows(InetAddress address) {
    return refusal(address) == null;
  }

  private String refusal(InetAddress address) {
    InetAddress a = unmapped(address);
    if (a.isLoopbackAddress()) {
      return allowLoopback ? null : "loopback";
    }
    if (a.isAnyLocalAddress()) {
      return "wildcard";
    }
    if (a.isLinkLocalAddress()) {
      return "link-local";
    }
    if (a.isMulticastAddress()) {
      return "multicast";
    }
    if (isPrivate(a)) {
      return allowPrivate ? null : "private";
    }
    return null;
  }

  private static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException impossible) {
          return address;
        }
      }
    }
    return address;
  }

  private static boolean isPrivate(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      return a.isSiteLocalAddress()
          || (b0 == 100 && b1 >= 64 && b1 <= 127) // carrier-grade NAT
          || b0 == 0 // "this network"
          || (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
          || (b0 == 198 && (b1 == 18 || b1 == 19)) // benchmarking
          || b0 >= 240; // reserved, broadcast
    }
    int b0 = b[0] & 0xff;
    return (b0 & 0xfe) == 0xfc || a.isSiteLocalAddress(); // fc00::/7 unique local, fec0::/10
  }

  /** Options; everything refused by default. */
  public static final class Builder {
    private boolean allowLoopback;
    private boolean allowPrivate;
    private Set<String> allowedHosts = Set.of();
    private Resolver resolver = InetAddress::getAllByName;

    /** Allow loopback addresses (local development, the quickstart). Default false. */
    public Builder allowLoopback(boolean allow) {
      this.allowLoopback = allow;
      return this;
    }

    /** Allow private-network addresses (an on-premise deployment). Default false. */
    public Builder allowPrivate(boolean allow) {
      this.allowPrivate = allow;
      return this;
    }

    /** Host names allowed whatever they resolve to. Default none. */
    public Builder allowHosts(Set<String> hosts) {
      this.allowedHosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());
      return this;
    }

    public Builder resolver(Resolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    public UrlGuard build() {
      return new UrlGuard(this);
    }
  }
}
