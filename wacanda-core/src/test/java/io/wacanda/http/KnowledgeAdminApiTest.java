package io.wacanda.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.internal.Json;
import io.wacanda.security.AdminPrincipal;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/knowledge/**} through the shared handler: documents, sources, search. */
class KnowledgeAdminApiTest {

  private static final String TOKEN_A = "knowledge-admin-token-a";
  private static final String TOKEN_B = "knowledge-admin-token-b";

  @TempDir
  Path folder;

  private Wacanda wacanda;
  private WireMockServer site;

  @BeforeEach
  void setUp() {
    site = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    site.start();
    wacanda = Wacanda.builder()
        .secretKey("k1", SecretCipher.deriveKey("knowledge-admin-secret-long-enough-here"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.builder()
            .token(TOKEN_A, new AdminPrincipal(TenantId.of("a"), "ana"))
            .token(TOKEN_B, new AdminPrincipal(TenantId.of("b"), "bob")).build())
        .urlGuard(UrlGuard.builder().allowHosts(Set.of("localhost")).build())
        .knowledgeFolderRoots(folder)
        .build();
  }

  @AfterEach
  void tearDown() {
    wacanda.close();
    site.stop();
  }

  private JsonNode call(String token, String method, String path, String body) {
    String p = path;
    Map<String, List<String>> query = new java.util.LinkedHashMap<>();
    int q = path.indexOf('?');
    if (q >= 0) {
      p = path.substring(0, q);
      for (String pair : path.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], List.of(java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8)));
      }
    }
    HttpRequest request = new HttpRequest(method, p, query,
        Map.of("Authorization", List.of("Bearer " + token),
            "Content-Type", List.of("application/json")),
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    HttpResponse response = wacanda.httpHandler().handle(request);
    JsonNode json = Json.mapper().valueToTree(Map.of());
    try {
      json = Json.mapper().readTree(response.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("_status", response.status());
    return json;
  }

  @Test
  void nulBytesInAnUploadedFileBecomeReplacementCharacters() {
    // typed JSON text is refused; a file's bytes are what they are, and must still be storable
    String base64 = java.util.Base64.getEncoder().encodeToString(
        "Returns\0 are free within 30 days.".getBytes(StandardCharsets.UTF_8));
    JsonNode created = call(TOKEN_A, "POST", "/admin/knowledge/documents",
        "{\"id\":\"nul\",\"title\":\"Nul\\u0000title\",\"media_type\":\"text/plain\","
            + "\"content_base64\":\"" + base64 + "\"}");
    assertThat(created.get("_status").asInt()).as(created.toString()).isEqualTo(400);
    assertThat(created.at("/error/message").asText()).contains("'title'");

    created = call(TOKEN_A, "POST", "/admin/knowledge/documents",
        "{\"id\":\"nul\",\"title\":\"Nul\",\"media_type\":\"text/plain\","
            + "\"content_base64\":\"" + base64 + "\"}");
    assertThat(created.get("_status").asInt()).as(created.toString()).isEqualTo(201);
    JsonNode one = call(TOKEN_A, "GET", "/admin/knowledge/documents/nul", null);
    assertThat(one.at("/data/chunks/0/text").asText())
        .isEqualTo("Returns\uFFFD are free within 30 days.").doesNotContain("\0");
  }

  @Test
  void uploadsListsReadsSearchesAndDeletesDocuments() {
    JsonNode created = call(TOKEN_A, "POST", "/admin/knowledge/documents", """
        {"id":"returns","title":"Returns","source":"kb/returns.md","media_type":"text/markdown",
         "content":"# Returns\\n\\n## Policy\\n\\nReturn any item within 30 days.",
         "metadata":{"tags":"returns"}}""");
    call(TOKEN_A, "POST", "/admin/knowledge/documents", """
        {"id":"shipping","source":"kb/shipping.md","content":"Delivery takes 3 to 5 days."}""");

    assertThat(created.get("_status").asInt()).isEqualTo(201);
    assertThat(created.at("/data/chunks").asInt()).isEqualTo(1);
    assertThat(call(TOKEN_A, "GET", "/admin/knowledge/documents", null).get("data"))
        .extracting(n -> n.get("id").asText()).containsExactly("returns", "shipping");
    assertThat(call(TOKEN_B, "GET", "/admin/knowledge/documents", null).get("data")).isEmpty();

    JsonNode one = call(TOKEN_A, "GET", "/admin/knowledge/documents/returns", null);
    assertThat(one.at("/data/chunks/0/heading_path").asText()).isEqualTo("Returns > Policy");

    JsonNode found = call(TOKEN_A, "POST", "/admin/knowledge/search", """
        {"query":"how many days to return","limit":3,"filter":{"tags":["returns"]}}""");
    assertThat(found.get("data")).extracting(n -> n.get("document_id").asText())
        .containsExactly("returns");
    JsonNode asked = call(TOKEN_A, "POST", "/admin/knowledge/ask",
        "{\"question\":\"How long is delivery?\"}");
    assertThat(asked.at("/data/answer").asText()).contains("3 to 5 days");

    JsonNode deleted = call(TOKEN_A, "DELETE", "/admin/knowledge/documents/returns", null);
    assertThat(deleted.at("/data/deleted").asBoolean()).isTrue();
    assertThat(call(TOKEN_A, "POST", "/admin/knowledge/search",
        "{\"query\":\"return any item within 30 days\",\"mode\":\"lexical\"}").get("data"))
        .extracting(n -> n.get("document_id").asText()).doesNotContain("returns");
    assertThat(call(TOKEN_A, "DELETE", "/admin/knowledge/documents/returns", null)
        .get("_status").asInt()).isEqualTo(404);
  }

  @Test
  void deletesEveryDocumentOfASource() {
    for (String id : new String[] {"a", "b", "c"}) {
      call(TOKEN_A, "POST", "/admin/knowledge/documents", "{\"id\":\"" + id + "\",\"source\":"
          + "\"https://help.example.com/" + (id.equals("c") ? "blog/" : "faq/") + id
          + "\",\"content\":\"Text " + id + ".\"}");
    }

    JsonNode r = call(TOKEN_A, "DELETE",
        "/admin/knowledge/documents?source=https%3A%2F%2Fhelp.example.com%2Ffaq%2F", null);
    JsonNode refused = call(TOKEN_A, "DELETE", "/admin/knowledge/documents", null);

    assertThat(r.at("/data/count").asInt()).isEqualTo(2);
    assertThat(call(TOKEN_A, "GET", "/admin/knowledge/documents", null).get("data"))
        .extracting(n -> n.get("id").asText()).containsExactly("c");
    assertThat(refused.get("_status").asInt()).isEqualTo(400);
  }

  @Test
  void addsSyncsAndRemovesSourcesAndReingestsTheirDocuments() throws Exception {
    site.stubFor(get("/robots.txt").willReturn(aResponse().withStatus(404)));
    site.stubFor(get(urlPathEqualTo("/help")).willReturn(aResponse()
        .withHeader("Content-Type", "text/html")
        .withBody("<html><head><title>Help</title></head><body><h1>Help</h1>"
            + "<p>Our shop opens at nine.</p></body></html>")));
    String url = "http://localhost:" + site.port() + "/help";

    JsonNode source = call(TOKEN_A, "POST", "/admin/knowledge/sources",
        "{\"kind\":\"web\",\"location\":\"" + url + "\",\"max_depth\":0,\"refresh_minutes\":60,"
            + "\"tags\":{\"tags\":\"site\"}}");
    String id = source.at("/data/id").asText();
    JsonNode report = call(TOKEN_A, "POST", "/admin/knowledge/sources/" + id + "/sync", null);
    String docId = id + ":" + url;
    JsonNode reingested = call(TOKEN_A, "POST", "/admin/knowledge/documents/"
        + URLEncoder.encode(docId, StandardCharsets.UTF_8) + "/reingest", null);
    JsonNode listed = call(TOKEN_A, "GET", "/admin/knowledge/sources", null);
    JsonNode removed = call(TOKEN_A, "DELETE", "/admin/knowledge/sources/" + id
        + "?delete_documents=true", null);

    assertThat(source.get("_status").asInt()).isEqualTo(201);
    assertThat(source.at("/data/refresh_minutes").asInt()).isEqualTo(60);
    assertThat(report.at("/data/added").asInt()).isEqualTo(1);
    assertThat(reingested.at("/data/unchanged").asBoolean()).isTrue();
    assertThat(listed.at("/data/0/last_sync/added").asInt()).isEqualTo(1);
    assertThat(removed.at("/data/documents_deleted").asInt()).isEqualTo(1);
    assertThat(call(TOKEN_A, "GET", "/admin/knowledge/documents", null).get("data")).isEmpty();
    assertThat(call(TOKEN_B, "POST", "/admin/knowledge/sources/" + id + "/sync", null)
        .get("_status").asInt()).isEqualTo(404);
  }

  @Test
  void refusesSourcesTheGuardOrTheFolderRootsRefuse() throws Exception {
    Files.writeString(folder.resolve("faq.md"), "# FAQ\n\nAnswers.");

    JsonNode metadata = call(TOKEN_A, "POST", "/admin/knowledge/sources",
        "{\"kind\":\"web\",\"location\":\"http://169.254.169.254/latest/meta-data/\"}");
    JsonNode etc = call(TOKEN_A, "POST", "/admin/knowledge/sources",
        "{\"kind\":\"folder\",\"location\":\"/etc\"}");
    JsonNode allowed = call(TOKEN_A, "POST", "/admin/knowledge/sources",
        "{\"kind\":\"folder\",\"location\":\"" + folder.toString().replace("\\", "\\\\")
            + "\"}");
    JsonNode badKind = call(TOKEN_A, "POST", "/admin/knowledge/sources",
        "{\"kind\":\"ftp\",\"location\":\"x\"}");

    assertThat(metadata.get("_status").asInt()).isEqualTo(400);
    assertThat(metadata.at("/error/code").asText()).isEqualTo("URL_NOT_ALLOWED");
    assertThat(etc.at("/error/message").asText()).contains("outside");
    assertThat(allowed.get("_status").asInt()).isEqualTo(201);
    assertThat(call(TOKEN_A, "POST", "/admin/knowledge/sources/"
        + allowed.at("/data/id").asText() + "/sync", null).at("/data/added").asInt())
        .isEqualTo(1);
    assertThat(badKind.at("/error/code").asText()).isEqualTo("INVALID_REQUEST");
  }

  @Test
  void uploadsBinaryDocumentsAsBase64AndRejectsBadInput() {
    JsonNode noParser = call(TOKEN_A, "POST", "/admin/knowledge/documents",
        "{\"id\":\"m\",\"media_type\":\"application/pdf\",\"content_base64\":\"JVBERi0=\"}");
    JsonNode both = call(TOKEN_A, "POST", "/admin/knowledge/documents",
        "{\"content\":\"x\",\"content_base64\":\"eA==\"}");
    JsonNode notBase64 = call(TOKEN_A, "POST", "/admin/knowledge/documents",
        "{\"content_base64\":\"***\"}");
    JsonNode unauthenticated = call("wrong-token", "GET", "/admin/knowledge/documents", null);

    assertThat(noParser.at("/error/message").asText()).contains("no parser for media type "
        + "'application/pdf'");
    assertThat(both.at("/error/code").asText()).isEqualTo("INVALID_REQUEST");
    assertThat(notBase64.at("/error/message").asText()).contains("base64");
    assertThat(unauthenticated.get("_status").asInt()).isEqualTo(401);
  }
}
