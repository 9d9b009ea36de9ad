package io.wacanda.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wacanda.conversation.EngineConfig;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.inbox.EventStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the harness sends is what it claims to measure. */
class WacandaFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyBenchmarkQuestionGetsAConfidentAnswerNotAHandoff() throws Exception {
    try (WacandaFixture w = WacandaFixture.create(false, 0, 1)) {
      for (int i = 0; i < Payloads.QUESTIONS.size(); i++) {
        JsonNode data = call(w, Payloads.chatBody(w.apiKey(), "check-", i * 1000L, 1000));

        assertThat(data.path("handoff").asBoolean()).as(Payloads.QUESTIONS.get(i)).isFalse();
        assertThat(data.path("confidence").asDouble()).as(Payloads.QUESTIONS.get(i))
            .isGreaterThanOrEqualTo(EngineConfig.defaults().minConfidence());
        assertThat(data.path("sources")).isNotEmpty();
      }
      assertThat(w.handoffs()).isZero();
    }
  }

  @Test
  void webhookRequestsAreStoredOnceEach() throws Exception {
    try (WacandaFixture w = WacandaFixture.create(false, 0, 1)) {
      JsonNode first = call(w, body(Payloads.webhook("h", w.apiKey(), "t", 1, 10)));
      JsonNode again = call(w, body(Payloads.webhook("h", w.apiKey(), "t", 1, 10)));
      JsonNode next = call(w, body(Payloads.webhook("h", w.apiKey(), "t", 2, 10)));

      assertThat(first.path("duplicate").asBoolean()).isFalse();
      assertThat(again.path("duplicate").asBoolean()).isTrue();
      assertThat(next.path("duplicate").asBoolean()).isFalse();
      assertThat(w.inbox()).containsEntry(EventStatus.PENDING, 2L);
    }
  }

  @Test
  void requestsAreWellFormedAndTheirSizeDoesNotGrowWithTheSequence() {
    byte[] a = Payloads.webhook("127.0.0.1:8080", "wk_key", "run", 7, 1000);
    // Same sender (seq % 1000) and question (seq % 12): only the padded message id differs.
    byte[] b = Payloads.webhook("127.0.0.1:8080", "wk_key", "run", 7 + 3000L * 300_000, 1000);
    String text = new String(a, StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n") + 4;

    assertThat(text).startsWith("POST /external-api HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n");
    assertThat(text).contains("Content-Length: " + (a.length - split) + "\r\n");
    assertThat(text.substring(split)).contains("\"message_id\":\"run-000000000007\"");
    assertThat(b).hasSameSizeAs(a);
    assertThat(new String(b, StandardCharsets.UTF_8)).contains("run-000900000007");
  }

  @Test
  void loadsTheQuickstartsSampleKnowledgeBase() {
    try (WacandaFixture w = WacandaFixture.create(false, 0, 1)) {
      assertThat(w.wacanda().rag().answer(WacandaFixture.TENANT,
          "How long do I have to return an item?", List.of()).sources())
          .anySatisfy(s -> assertThat(s.source()).startsWith("sample-kb/"));
    }
  }

  private static JsonNode call(WacandaFixture w, String body) throws Exception {
    HttpResponse r = w.wacanda().httpHandler().handle(new HttpRequest("POST", "/external-api",
        Map.of(), Map.of("Content-Type", List.of("application/json")),
        body.getBytes(StandardCharsets.UTF_8), "127.0.0.1"));
    JsonNode root = JSON.readTree(r.body());
    assertThat(root.path("success").asBoolean()).as(root.toString()).isTrue();
    return root.path("data");
  }

  private static String body(byte[] request) {
    String text = new String(request, StandardCharsets.UTF_8);
    return text.substring(text.indexOf("\r\n\r\n") + 4);
  }
}
