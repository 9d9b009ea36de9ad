package io.wacanda.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
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
   * The envelope of a flat map written straight through a generator, so escaping stays Jackson's
   * (the same bytes as the general path, which a test holds it to): the webhook acknowledgement
   * answers one on every call, and the general path's serializer lookups for the record and the
   * map cost more than the writing.
   */
  private static byte[] flat(Map<?, ?> map) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(160);
        JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeBooleanField("success", true);
      g.writeObjectFieldStart("data");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName((String) e.getKey());
        Object v = e.getValue();
        if (v instanceof String text) {
          g.writeString(text);
        } else if (v instanceof Boolean b) {
          g.writeBoolean(b);
        } else {
          g.writeNumber(((Number) v).longValue());
        }
      }
      g.writeEndObject();
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
