package io.wacanda.whatsapp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.rag.Document;
import io.wacanda.testing.Fixtures;
import io.wacanda.whatsapp.baileys.QrCode;
import io.wacanda.whatsapp.testkit.FakeEvolutionGateway;
import io.wacanda.whatsapp.testkit.FakeGraphApi;
import io.wacanda.whatsapp.testkit.GraphError;
import io.wacanda.whatsapp.testkit.RecordedRequest;
import io.wacanda.whatsapp.testkit.WebhookPoster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quickstart's wiring (default RAG engine over a help-centre page, inbox workers running, JDK
 * server) with one integration of each WhatsApp type pointed at the fakes on loopback: a signed
 * inbound message on each is answered from the knowledge base with a send to the right number.
 */
class QuickstartEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String APP_SECRET = "e2e-app-secret";
  private static final String TOKEN = "e2e-access-token";
  private static final String GATEWAY_KEY = "e2e-gateway-global-key";
  private static final String QUESTION = "How long do I have to return an item?";
  private static Harness harness;
  private static FakeGraphApi graph;
  private static FakeEvolutionGateway gateway;
  private static final WebhookPoster poster = WebhookPoster.create();

  @BeforeAll
  static void start() {
    graph = FakeGraphApi.start(TOKEN);
    gateway = FakeEvolutionGateway.start(GATEWAY_KEY);
    harness = new Harness(null, true);
    harness.wacanda.rag().ingest(Harness.TENANT, Document.of("returns.md", "Returns",
        "sample-kb/returns.md", "text/markdown", "# Returns and refunds\n\nYou can return any "
            + "item within 30 days of delivery for a full refund, as long as it is unused and "
            + "in its original packaging."));
  }

  @AfterAll
  static void stop() {
    harness.close();
    graph.close();
    gateway.close();
  }

  private static String textWebhook(String wamid, String text) {
    return Fixtures.text("whatsapp-cloud/webhook_text.json")
        .replace("wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA==", wamid)
        .replace("hi everyone!", text);
  }

  @Test
  void whatsappCloudAnswersASignedMessageWithASendToTheCustomer() {
    JsonNode integration = harness.create("whatsapp-cloud", "Support (Cloud API)", Map.of(
        "phone_number_id", "100000000000002", "business_account_id", "100000000000001",
        "access_token", TOKEN, "app_secret", APP_SECRET, "api_base_url", graph.baseUrl()));
    String id = integration.path("id").asText();
    String url = integration.path("webhook_url").asText();
    assertThat(url).isEqualTo(harness.base + "/webhooks/" + id);
    assertThat(harness.integration(id).path("status").path("state").asText())
        .isEqualTo("CONNECTED");
    int before = graph.sentMessages().size();
    byte[] body = textWebhook("wamid.E2E-CLOUD-1", QUESTION).getBytes(StandardCharsets.UTF_8);

    assertThat(poster.postSigned(url, APP_SECRET, body).status()).isEqualTo(200);
    assertThat(poster.postSigned(url, APP_SECRET, body).status()).isEqualTo(200);

    RecordedRequest reply = graph.awaitSentMessages(before + 1, WAIT).get(before);
    assertThat(reply.path()).isEqualTo("/v26.0/100000000000002/messages");
    assertThat(reply.header("Authorization")).contains("Bearer " + TOKEN);
    assertThat(reply.json().path("to").asText()).isEqualTo("15550000001");
    assertThat(reply.json().path("text").path("body").asText()).contains("30 days");
    assertThat(harness.storedEvents(id)).isEqualTo(1);
  }

  @Test
  void aCloudRateLimitIsRetriedByTheInboxAndStillAnsweredOnce() {
    JsonNode integration = harness.create("whatsapp-cloud", "Support (rate limited)", Map.of(
        "phone_number_id", "100000000000002", "access_token", TOKEN, "app_secret", APP_SECRET,
        "api_base_url", graph.baseUrl()));
    graph.failNext(GraphError.throughputLimit());
    int before = graph.sentMessages().size();
    byte[] body = textWebhook("wamid.E2E-CLOUD-2", QUESTION).getBytes(StandardCharsets.UTF_8);

    poster.postSigned(integration.path("webhook_url").asText(), APP_SECRET, body);

    List<RecordedRequest> sends = graph.awaitSentMessages(before + 2, WAIT);
    assertThat(sends.subList(before, before + 2)).allSatisfy(r ->
        assertThat(r.json().path("to").asText()).isEqualTo("15550000001"));
  }

  @Test
  void whatsappWebThroughTheGatewayConnectsByQrAndAnswersTheCustomer() {
    JsonNode integration = harness.create("whatsapp-baileys", "Support (WhatsApp Web)", Map.of(
        "gateway_url", gateway.baseUrl(), "gateway_api_key", GATEWAY_KEY,
        "instance_name", "support"));
    String id = integration.path("id").asText();
    assertThat(harness.integration(id).path("status").path("state").asText())
        .isEqualTo("CONNECTING");
    assertThat(gateway.webhook("support").orElseThrow().url())
        .isEqualTo(harness.base + "/webhooks/" + id);
    String qr = harness.wacanda.integrations().channel(harness.wacanda.integrations()
        .get(Harness.TENANT, id)).connectionControl().orElseThrow().qrCode().orElseThrow();
    assertThat(qr).isEqualTo(gateway.currentQr("support").orElseThrow());
    assertThat(QrCode.encode(qr).toTerminal()).contains("\u2588");

    assertThat(gateway.scan("support")).isEqualTo(200);
    assertThat(harness.integration(id).path("status").path("state").asText())
        .isEqualTo("CONNECTED");

    int before = gateway.sentMessages().size();
    assertThat(gateway.deliverText("support", "5511900000001", "Ana", "3AE2E00000000001",
        QUESTION)).isEqualTo(200);

    RecordedRequest reply = gateway.awaitSentMessages(before + 1, WAIT).get(before);
    assertThat(reply.path()).isEqualTo("/message/sendText/support");
    assertThat(reply.header("apikey")).contains(GATEWAY_KEY);
    assertThat(reply.json().path("number").asText()).isEqualTo("5511900000001");
    assertThat(reply.json().path("text").asText()).contains("30 days");
  }
}
