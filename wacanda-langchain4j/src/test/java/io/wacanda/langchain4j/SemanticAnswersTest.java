package io.wacanda.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole chat path with the offline semantic embeddings: a question phrased unlike the text
 * is answered from the right passage; a question the knowledge base cannot answer gets a
 * confidence of 0 and the foundation's low-confidence handoff.
 */
class SemanticAnswersTest {

  private static final TenantId T = TenantId.of("shop");
  private static final String KEY = "wk_semantic_answers_test_key_0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private Wacanda wacanda;

  @BeforeEach
  void setUp() {
    wacanda = Wacanda.builder()
        .secretKey("k", SecretCipher.deriveKey("semantic-answers-secret-long-enough"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of("admin-token-0123456789", T))
        .ragEngine(DefaultRagEngine.builder()
            .embeddingModel(OfflineEmbeddings.allMiniLmL6V2()).build())
        .build();
    wacanda.rag().ingest(T, Document.of("refunds", "Refunds", "kb/refunds.md", "text/markdown",
        "# Refunds\n\nWe pay refunds to the original card within five working days of "
            + "receiving the returned parcel."));
    wacanda.rag().ingest(T, Document.of("delivery", "Delivery", "kb/delivery.md",
        "text/markdown", "# Delivery\n\nStandard delivery takes three to five working days; "
            + "express delivery arrives the next working day."));
    wacanda.integrations().create(T, CustomIntegrationProvider.TYPE, "Shop", Map.of(), KEY);
    wacanda.start();
  }

  @AfterEach
  void tearDown() {
    wacanda.close();
  }

  private JsonNode chat(String sender, String message) throws IOException {
    byte[] body = JSON.writeValueAsBytes(Map.of("action", "chat", "integration_key", KEY,
        "sender_id", sender, "message", message));
    HttpResponse r = wacanda.httpHandler().handle(new HttpRequest("POST", "/external-api",
        Map.of(), Map.of("Content-Type", List.of("application/json")), body, "127.0.0.1"));
    assertThat(r.status()).isEqualTo(200);
    return JSON.readTree(new String(r.body(), StandardCharsets.UTF_8)).get("data");
  }

  @Test
  void answersAParaphrasedQuestionFromTheRightPassage() throws IOException {
    JsonNode answer = chat("ana", "When do I get my money back?");

    assertThat(answer.get("handoff").asBoolean()).isFalse();
    assertThat(answer.at("/sources/0/source").asText()).isEqualTo("kb/refunds.md");
    assertThat(answer.get("response").asText()).contains("five working days");
    assertThat(answer.get("confidence").asDouble()).isGreaterThan(0.25);
  }

  @Test
  void handsOffAQuestionTheKnowledgeBaseCannotAnswer() throws IOException {
    JsonNode answer = chat("bob", "Can I bring my dog to the office party?");

    assertThat(answer.get("confidence").asDouble()).isZero();
    assertThat(answer.get("sources")).isEmpty();
    assertThat(answer.get("handoff").asBoolean()).isTrue();
    assertThat(answer.get("handoff_reason").asText()).isEqualTo("LOW_CONFIDENCE");
    assertThat(wacanda.handoffs().list(T, java.util.Optional.empty(), 10)).hasSize(1);
  }
}
