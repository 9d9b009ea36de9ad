package io.wacanda.whatwut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The module's OpenAPI document, read as a tree: examples to answer with in fakes, and JSON Schema
 * (2020-12, what OpenAPI 3.1 uses) validation of bodies against its component schemas.
 */
final class OpenApiDocument {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final OpenApiDocument INSTANCE = load();
  private final JsonNode root;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private OpenApiDocument(JsonNode root) {
    this.root = root;
  }

  static OpenApiDocument get() {
    return INSTANCE;
  }

  private static OpenApiDocument load() {
    try (InputStream in = WhatWutIntegrationProvider.class
        .getResourceAsStream("whatwut-openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("whatwut-openapi.yaml is not on the class path");
      }
      return new OpenApiDocument(new ObjectMapper(new YAMLFactory()).readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode root() {
    return root;
  }

  /** A node by JSON pointer; fails when absent. */
  JsonNode at(String pointer) {
    JsonNode n = root.at(pointer);
    if (n.isMissingNode()) {
      throw new IllegalArgumentException("not in the OpenAPI document: " + pointer);
    }
    return n;
  }

  /** The example of one response of a path operation, as JSON text. */
  String responseExample(String path, String method, String status) {
    return write(at("/paths/" + escape(path) + "/" + method + "/responses/" + status
        + "/content/application~1json/example"));
  }

  /** The example of a shared response ({@code components/responses}), as JSON text. */
  String sharedResponseExample(String name) {
    return write(at("/components/responses/" + name + "/content/application~1json/example"));
  }

  /** Validation errors of a body against a component schema; empty when it conforms. */
  List<String> validate(String schemaName, JsonNode body) {
    at("/components/schemas/" + schemaName);
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    wrapper.put("$ref", "#/$defs/" + schemaName);
    wrapper.set("$defs", rebased(root.at("/components/schemas").deepCopy()));
    Schema schema = registry.getSchema(wrapper);
    return schema.validate(body).stream().map(Error::toString).toList();
  }

  List<String> validate(String schemaName, String json) {
    try {
      return validate(schemaName, JSON.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points the document's {@code #/components/schemas/} references at {@code #/$defs/}. */
  private static JsonNode rebased(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      JsonNode ref = o.get("$ref");
      if (ref != null && ref.isTextual()) {
        o.put("$ref", ref.asText().replace("#/components/schemas/", "#/$defs/"));
      }
      o.forEach(OpenApiDocument::rebased);
    } else if (node.isArray()) {
      node.forEach(OpenApiDocument::rebased);
    }
    return node;
  }

  static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1");
  }

  private static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
