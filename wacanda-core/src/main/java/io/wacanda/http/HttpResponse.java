package io.wacanda.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A framework-agnostic HTTP response that a binding writes out as it is. */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {
  public static final String JSON = "application/json; charset=utf-8";
  public static final String TEXT = "text/plain; charset=utf-8";

  public HttpResponse {
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  public static HttpResponse json(int status, byte[] body) {
    return new HttpResponse(status, Map.of("Content-Type", JSON), body);
  }

  public static HttpResponse text(int status, String body) {
    return new HttpResponse(status, Map.of("Content-Type", TEXT),
        body.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpResponse empty(int status) {
    return new HttpResponse(status, Map.of(), new byte[0]);
  }

  public HttpResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new HttpResponse(status, h, body);
  }

  public HttpResponse withHeaders(Map<String, String> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.putAll(extra);
    return new HttpResponse(status, h, body);
  }

  @Override
  public String toString() {
    return "HttpResponse[" + status + ", " + body.length + " bytes]";
  }
}
