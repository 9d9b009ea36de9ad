package io.wacanda.whatwut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/** JSON plumbing of this package: one shared mapper, tree reads and writes. Thread-safe. */
final class WhatWutJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private WhatWutJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  /** Parses a JSON object; MALFORMED_JSON when the bytes are not one. */
  static JsonNode readObject(byte[] body, String what) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, what + " is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, what + " must be a JSON object");
    }
    return root;
  }

  /** Parses a JSON object, or empty when the bytes are not one (platform answers we only peek at). */
  static Optional<JsonNode> tryReadObject(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      JsonNode root = MAPPER.readTree(body);
      return root != null && root.isObject() ? Optional.of(root) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A text field, or empty when absent, null, not textual or blank. */
  static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText())
        : Optional.empty();
  }

  /**
   * The {@code error.code} of a WhatWut error body, when it is a short token; anything else the
   * platform wrote (free text that might echo input) is left out of our messages.
   */
  static Optional<String> errorCode(byte[] body) {
    return tryReadObject(body).map(r -> r.path("error").path("code").asText(""))
        .filter(c -> ERROR_CODE.matcher(c).matches());
  }
}
