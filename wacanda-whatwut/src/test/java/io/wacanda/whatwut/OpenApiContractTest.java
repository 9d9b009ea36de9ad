package io.wacanda.whatwut;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is the contract: it must say what the adapter relies on (bearer auth, the
 * three operations, the idempotency header, Retry-After on 429), and its own examples (which the
 * fakes of the other tests answer with) must conform to its schemas.
 */
class OpenApiContractTest {
  private static final OpenApiDocument DOC = OpenApiDocument.get();

  @Test
  void isAValidOpenApiDocumentForAStandardParser() throws Exception {
    String yaml;
    try (java.io.InputStream in = WhatWutIntegrationProvider.class
        .getResourceAsStream("whatwut-openapi.yaml")) {
      yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);

    SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getPaths()).containsKeys("/me", "/instances/{instance_id}",
        "/instances/{instance_id}/messages", "/");
    assertThat(result.getOpenAPI().getWebhooks()).containsKeys("message.received",
        "message.status", "conversation.closed");
  }

  @Test
  void isOpenApi3WithBearerAuthOnEveryRestOperation() {
    assertThat(DOC.at("/openapi").asText()).startsWith("3.");
    assertThat(DOC.at("/components/securitySchemes/bearerAuth/type").asText()).isEqualTo("http");
    assertThat(DOC.at("/components/securitySchemes/bearerAuth/scheme").asText())
        .isEqualTo("bearer");
    assertThat(DOC.at("/security/0").has("bearerAuth")).isTrue();
    for (String op : List.of("/paths/~1me/get", "/paths/~1instances~1{instance_id}/get",
        "/paths/~1instances~1{instance_id}~1messages/post")) {
      assertThat(DOC.at(op).has("security")).as(op + " keeps the global bearer auth").isFalse();
    }
  }

  @Test
  void definesTheOperationsTheAdapterCalls() {
    assertThat(DOC.at("/paths/~1me/get/operationId").asText()).isEqualTo("getApiKey");
    assertThat(DOC.at("/paths/~1instances~1{instance_id}/get/operationId").asText())
        .isEqualTo("getInstance");
    assertThat(DOC.at("/paths/~1instances~1{instance_id}~1messages/post/operationId").asText())
        .isEqualTo("sendMessage");
    assertThat(DOC.at("/paths/~1/post/operationId").asText()).isEqualTo("pushReply");
    assertThat(DOC.at("/webhooks")).hasSize(3);
  }

  @Test
  void sendRequiresAnIdempotencyKeyHeader() {
    JsonNode params = DOC.at("/paths/~1instances~1{instance_id}~1messages/post/parameters");
    List<JsonNode> keys = new ArrayList<>();
    params.forEach(p -> {
      if (p.path("name").asText().equals("Idempotency-Key")) {
        keys.add(p);
      }
    });
    assertThat(keys).singleElement().satisfies(p -> {
      assertThat(p.get("in").asText()).isEqualTo("header");
      assertThat(p.get("required").asBoolean()).isTrue();
    });
  }

  @Test
  void everyRateLimitedAnswerAdvertisesRetryAfter() {
    int found = 0;
    for (Map.Entry<String, JsonNode> path : DOC.at("/paths").properties()) {
      for (JsonNode op : path.getValue()) {
        JsonNode tooMany = op.path("responses").path("429");
        if (tooMany.isMissingNode()) {
          continue;
        }
        JsonNode resolved = resolve(tooMany);
        if (resolved.has("content")) {
          assertThat(resolved.at("/headers/Retry-After").isMissingNode()).isFalse();
          found++;
        }
      }
    }
    assertThat(found).isEqualTo(3);
  }

  @Test
  void everyExampleConformsToItsSchema() {
    List<String> checked = new ArrayList<>();
    walk(DOC.root(), "", checked);
    assertThat(checked).hasSizeGreaterThanOrEqualTo(20);
  }

  @Test
  void schemasRejectBodiesThatBreakTheContract() {
    assertThat(DOC.validate("SendMessageRequest", "{\"text\":\"no recipient\"}")).isNotEmpty();
    assertThat(DOC.validate("SendMessageRequest", "{\"to\":\"u_1\"}")).isNotEmpty();
    assertThat(DOC.validate("SendMessageRequest", "{\"to\":\"u_1\",\"text\":\"x\",\"buttons\":["
        + "{\"id\":\"1\",\"title\":\"a\"},{\"id\":\"2\",\"title\":\"b\"},"
        + "{\"id\":\"3\",\"title\":\"c\"},{\"id\":\"4\",\"title\":\"d\"}]}")).isNotEmpty();
    assertThat(DOC.validate("SendMessageRequest", "{\"to\":\"u_1\",\"text\":\"x\",\"buttons\":["
        + "{\"id\":\"1\",\"title\":\"a title longer than 20\"}]}")).isNotEmpty();
    assertThat(DOC.validate("Instance", "{\"id\":\"i\",\"status\":\"sleeping\"}")).isNotEmpty();
    assertThat(DOC.validate("SendMessageRequest", "{\"to\":\"u_1\",\"text\":\"ok\"}")).isEmpty();
  }

  /** Validates every {@code example} and {@code examples.*.value} beside a schema reference. */
  private static void walk(JsonNode node, String where, List<String> checked) {
    if (node.isObject()) {
      JsonNode schema = node.get("schema");
      if (schema != null && schema.has("$ref")) {
        String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
        if (node.has("example")) {
          assertThat(DOC.validate(name, node.get("example"))).as(where).isEmpty();
          checked.add(where);
        }
        if (node.has("examples")) {
          node.get("examples").properties().forEach(e -> {
            assertThat(DOC.validate(name, e.getValue().get("value")))
                .as(where + "/" + e.getKey()).isEmpty();
            checked.add(where + "/" + e.getKey());
          });
        }
      }
      node.properties().forEach(e -> walk(e.getValue(), where + "/" + e.getKey(), checked));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), where + "/" + i, checked);
      }
    }
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    return ref == null ? node : DOC.at(ref.asText().substring(1));
  }
}
