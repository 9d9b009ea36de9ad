package io.wacanda.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reading JSON request bodies with clear errors. */
final class Requests {
  /**
   * Strict reading of request bodies: a field given twice or anything after the JSON value is an
   * error, not silently resolved (a validator and a consumer must never see different values).
   */
  private static final ObjectReader STRICT = Json.mapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private Requests() {}

  static JsonNode jsonObject(HttpRequest request) {
    if (request.body().length == 0) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "request body is empty; send a JSON object");
    }
    JsonNode node;
    try {
      node = STRICT.readTree(request.body());
    } catch (JsonProcessingException e) {
      String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      String why = original.startsWith("Duplicate field")
          ? "a field appears twice"
          : original.startsWith("Trailing token") ? "there is more after the JSON value"
          : e instanceof StreamConstraintsException ? limitExceeded(original) : "";
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "request body is not valid JSON"
          + (why.isEmpty() ? "" : ": " + why)
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")" : ""));
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "request body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "request body must be a JSON object");
    }
    return node;
  }

  /** Jackson's read limits, said without naming its classes. */
  private static String limitExceeded(String original) {
    if (original.startsWith("Document nesting depth")) {
      return "it nests deeper than " + Json.mapper().getFactory().streamReadConstraints()
          .getMaxNestingDepth() + " levels";
    }
    if (original.startsWith("Number value length")) {
      return "a number is longer than " + Json.mapper().getFactory().streamReadConstraints()
          .getMaxNumberLength() + " digits";
    }
    return "it exceeds a size limit";
  }

  static String requiredText(JsonNode node, String field, int maxLength) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw WacandaException.invalid("'" + field + "' is required");
    }
    if (!v.isTextual()) {
      throw WacandaException.invalid("'" + field + "' must be a string");
    }
    String s = v.asText();
    if (s.isBlank()) {
      throw WacandaException.invalid("'" + field + "' must not be blank");
    }
    if (s.length() > maxLength) {
      throw WacandaException.invalid("'" + field + "' must be at most " + maxLength + " characters");
    }
    return validText("'" + field + "'", s);
  }

  /**
   * U+0000 cannot be stored (PostgreSQL refuses it in text) and an unpaired surrogate is not text
   * (stored as '?', answered as ill-formed Unicode): a clear 400, not a failed or mangled write.
   */
  private static String validText(String what, String s) {
    String problem = io.wacanda.internal.Texts.problem(s);
    if (problem != null) {
      throw WacandaException.invalid(what + " must not " + problem);
    }
    return s;
  }

  static Optional<String> optionalText(JsonNode node, String field, int maxLength) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw WacandaException.invalid("'" + field + "' must be a string");
    }
    if (v.asText().length() > maxLength) {
      throw WacandaException.invalid("'" + field + "' must be at most " + maxLength + " characters");
    }
    return Optional.of(validText("'" + field + "'", v.asText()));
  }

  /** An object of scalar values as strings (integration settings). */
  static Map<String, String> stringMap(JsonNode node, String field) {
    JsonNode v = node.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw WacandaException.invalid("'" + field + "' must be an object");
    }
    var it = v.fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode value = e.getValue();
      if (value.isNull()) {
        out.put(e.getKey(), "");
      } else if (value.isValueNode()) {
        String key = validText("'" + field + "' keys", e.getKey());
        out.put(key, validText("'" + field + "." + key + "'", value.asText()));
      } else {
        throw WacandaException.invalid("'" + field + "." + e.getKey() + "' must be a string, "
            + "number or boolean");
      }
    }
    return out;
  }

  static int intParam(HttpRequest request, String name, int dflt, int min, int max) {
    Optional<String> v = request.queryParam(name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n < min || n > max) {
        throw WacandaException.invalid("'" + name + "' must be " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw WacandaException.invalid("'" + name + "' must be a number");
    }
  }
}
