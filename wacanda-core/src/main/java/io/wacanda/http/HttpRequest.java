package io.wacanda.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A framework-agnostic HTTP request, as a binding (JDK server, Spring MVC, a servlet) hands it to
 * Wacanda. The body is the raw bytes as received: signatures are verified over exactly these bytes.
 *
 * @param path the path relative to where the handler is mounted, starting with {@code /}
 * @param query decoded query parameters
 * @param headers header values by name; lookups through {@link #header(String)} ignore case
 * @param remoteAddress the client address, used for logging and rate limits; may be empty
 */
public record HttpRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    byte[] body,
    String remoteAddress) {

  public HttpRequest {
    method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
    Objects.requireNonNull(path, "path");
    query = Map.copyOf(query);
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.merge(k, List.copyOf(v), (a, b) -> {
      var merged = new java.util.ArrayList<>(a);
      merged.addAll(b);
      return List.copyOf(merged);
    }));
    headers = java.util.Collections.unmodifiableMap(h);
    Objects.requireNonNull(body, "body");
    remoteAddress = remoteAddress == null ? "" : remoteAddress;
  }

  /** Builds a request with no query, no headers and an empty body; handy in tests. */
  public static HttpRequest of(String method, String path) {
    return new HttpRequest(method, path, Map.of(), Map.of(), new byte[0], "");
  }

  /**
   * Decodes a raw query string ({@code a=1&b=x%20y}) for bindings. A pair with a malformed escape is
   * skipped rather than failing the whole request.
   */
  public static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> q = new java.util.LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      String key;
      String value;
      try {
        key = java.net.URLDecoder.decode(k, StandardCharsets.UTF_8);
        value = java.net.URLDecoder.decode(v, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        continue; // skip the pair
      }
      q.computeIfAbsent(key, x -> new java.util.ArrayList<>()).add(value);
    }
    return q;
  }

  /** The first value of a header, ignoring case. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public HttpRequest withPath(String newPath) {
    return new HttpRequest(method, newPath, query, headers, body, remoteAddress);
  }

  @Override
  public String toString() {
    // Never print headers (auth, signatures) or the body (customer messages).
    return "HttpRequest[" + method + " " + path + ", " + body.length + " bytes]";
  }
}
