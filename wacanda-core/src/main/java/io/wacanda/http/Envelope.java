package io.wacanda.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The one JSON envelope, and the one mapping from {@link ErrorCode} to HTTP status. */
final class Envelope {
  private Envelope() {}

  /** The success envelope, serialised as {@code {"success":true,"data":...}}. */
  @com.fasterxml.jackson.annotation.JsonPropertyOrder({"success", "data"})
  private record Success(Object data) {
    @com.fasterxml.jackson.annotation.JsonProperty("success")
    public boolean success() {
      return true;
    }
  }

  static HttpResponse ok(Object data) {
    return ok(200, data);
  }

  static HttpResponse ok(int status, Object data) {
    if (data instanceof Map<?, ?> map && isFlat(map)) {
      return HttpResponse.json(status, flat(map));
    }
    // One pass: no intermediate tree.
    return HttpResponse.json(status, Json.write(new Success(data)));
  }

  /** Whether every key is a string and every value a string, boolean or whole number. */
  private static boolean isFlat(Map<?, ?> map) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String) || !(v instanceof String || v instanceof Boolean
          || v instanceof Integer || v instanceof Long)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The envelope of a flat map written straight out (the same bytes as the general path, which a
   * test holds it to): the webhook acknowledgement answers one on every call, and the general
   * path's serializer lookups and generator set-up cost more than the writing.
   */
  private static byte[] flat(Map<?, ?> map) {
    StringBuilder out = new StringBuilder(128).append("{\"success\":true,\"data\":{");
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      quote(out, (String) e.getKey()).append(':');
      Object v = e.getValue();
      if (v instanceof String text) {
        quote(out, text);
      } else {
        out.append(v); // Boolean, Integer or Long
      }
    }
    return out.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON string, escaped as Jackson escapes it. Callers pass valid text (see Requests). */
  private static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) { // Jackson escapes surrogates, paired too
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  static HttpResponse error(ErrorCode code, String message) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("success", false);
    ObjectNode error = root.putObject("error");
    error.put("code", code.name());
    error.put("message", message);
    return HttpResponse.json(status(code), Json.write(root));
  }

  static HttpResponse error(WacandaException e) {
    HttpResponse r = error(e.code(), e.getMessage());
    if (e instanceof io.wacanda.RetryableException re && e.code() == ErrorCode.RATE_LIMITED) {
      long s = Math.max(1, (re.retryAfter().orElse(Duration.ofSeconds(1)).toMillis() + 999) / 1000);
      return r.withHeaders(Map.of("Retry-After", Long.toString(s)));
    }
    return r;
  }

  static int status(ErrorCode code) {
    switch (code) {
      case INVALID_REQUEST:
      case MALFORMED_JSON:
      case UNKNOWN_ACTION:
      case URL_NOT_ALLOWED:
        return 400;
      case UNAUTHORIZED:
      case BAD_SIGNATURE:
        return 401;
      case FORBIDDEN:
        return 403;
      case NOT_FOUND:
        return 404;
      case METHOD_NOT_ALLOWED:
        return 405;
      case CONFLICT:
      case HANDED_OFF:
        return 409;
      case PAYLOAD_TOO_LARGE:
        return 413;
      case RATE_LIMITED:
        return 429;
      case CHANNEL_ERROR:
      case RECIPIENT_UNREACHABLE:
        return 502;
      case UNAVAILABLE:
        return 503;
      case UPSTREAM_TIMEOUT:
        return 504;
      case INTERNAL:
      default:
        return 500;
    }
  }
}
