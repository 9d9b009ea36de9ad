package io.wacanda.whatsapp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.channel.DeliveryState;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.MessageRole;
import io.wacanda.testing.FixedRagEngine;
import io.wacanda.testing.Fixtures;
import io.wacanda.whatsapp.testkit.FakeEvolutionGateway;
import io.wacanda.whatsapp.testkit.FakeGraphApi;
import io.wacanda.whatsapp.testkit.WebhookPoster;
import io.wacanda.whatsapp.testkit.WebhookPoster.Delivery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture of both platforms replayed through Wacanda's webhook endpoint over HTTP: with a
 * missing and a wrong signature or key (401, nothing stored), then twice with a valid one (one
 * stored event, one reply at most). The inbox is drained by hand so counts are exact.
 */
class WebhookReplayTest {
  private static final String APP_SECRET = "replay-app-secret";
  private static final String TOKEN = "replay-access-token";
  private static final String GATEWAY_KEY = "TEST-GATEWAY-APIKEY";
  private static Harness harness;
  private static FakeGraphApi graph;
  private static FakeEvolutionGateway gateway;
  private static final WebhookPoster poster = WebhookPoster.create();
  private static int counter;

  @BeforeAll
  static void start() {
    graph = FakeGraphApi.start(TOKEN);
    gateway = FakeEvolutionGateway.start(GATEWAY_KEY);
    harness = new Harness(new FixedRagEngine().fallback("Thanks, we are on it.", 0.9), false);
  }

  @AfterAll
  static void stop() {
    harness.close();
    graph.close();
    gateway.close();
  }

  private static JsonNode cloudIntegration() {
    return harness.create("whatsapp-cloud", "Cloud " + (++counter), Map.of(
        "phone_number_id", "100000000000002", "access_token", TOKEN, "app_secret", APP_SECRET,
        "api_base_url", graph.baseUrl()));
  }

  static Stream<Arguments> cloudFixtures() {
    return Stream.of(
        Arguments.of("webhook_text.json", 1), Arguments.of("webhook_image.json", 1),
        Arguments.of("webhook_video_caption.json", 1),
        Arguments.of("webhook_interactive_button_reply.json", 1),
        Arguments.of("webhook_interactive_list_reply.json", 1),
        Arguments.of("webhook_button_quick_reply.json", 1),
        Arguments.of("webhook_location.json", 1), Arguments.of("webhook_reaction.json", 0),
        Arguments.of("webhook_unsupported.json", 0), Arguments.of("webhook_status_sent.json", 0),
        Arguments.of("webhook_status_read.json", 0),
        Arguments.of("webhook_status_failed_131047.json", 0));
  }

  @ParameterizedTest
  @MethodSource("cloudFixtures")
  void cloudFixtureIsVerifiedStoredOnceAndAnsweredAtMostOnce(String file, int replies) {
    JsonNode integration = cloudIntegration();
    String id = integration.path("id").asText();
    String url = integration.path("webhook_url").asText();
    byte[] body = Fixtures.bytes("whatsapp-cloud/" + file);
    int before = graph.sentMessages().size();

    Delivery missing = poster.post(url, body, Map.of());
    Delivery wrong = poster.postSigned(url, "not-the-app-secret", body);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).contains("BAD_SIGNATURE").doesNotContain(APP_SECRET);
    assertThat(harness.storedEvents(id)).isZero();

    assertThat(poster.postSigned(url, APP_SECRET, body).status()).isEqualTo(200);
    assertThat(poster.postSigned(url, APP_SECRET, body).status()).isEqualTo(200);
    assertThat(harness.storedEvents(id)).isEqualTo(1);

    harness.wacanda.inbox().drain();

    List<JsonNode> sent = graph.sentMessages().subList(before, graph.sentMessages().size())
        .stream().map(r -> r.json()).toList();
    assertThat(sent).hasSize(replies);
    sent.forEach(s -> assertThat(s.path("to").asText()).isEqualTo("15550000001"));
  }

  @Test
  void aCloudStatusUpdatesTheStoredReplyAndNeverDowngradesIt() throws Exception {
    JsonNode integration = cloudIntegration();
    String id = integration.path("id").asText();
    String url = integration.path("webhook_url").asText();
    poster.postSigned(url, APP_SECRET, Fixtures.bytes("whatsapp-cloud/webhook_text.json"));
    harness.wacanda.inbox().drain();
    List<String> replies = botReplyIds(id);
    assertThat(replies).hasSize(1);
    String wamid = replies.get(0);
    assertThat(wamid).startsWith("wamid.FAKE");

    for (String file : List.of("webhook_status_read.json", "webhook_status_sent.json")) {
      ObjectNode status = (ObjectNode) Harness.JSON.readTree(
          Fixtures.bytes("whatsapp-cloud/" + file));
      ((ObjectNode) status.at("/entry/0/changes/0/value/statuses/0")).put("id", wamid);
      poster.postSigned(url, APP_SECRET, Harness.JSON.writeValueAsBytes(status));
    }
    harness.wacanda.inbox().drain();

    Optional<ChatMessage> reply = harness.wacanda.conversationStore()
        .findMessageByPlatformId(Harness.TENANT, id, wamid);
    assertThat(reply).hasValueSatisfying(m ->
        assertThat(m.delivery()).isEqualTo(DeliveryState.READ));
  }

  /** Platform ids of the bot's stored replies on one integration. */
  private static List<String> botReplyIds(String integrationId) {
    return harness.wacanda.conversationStore().listSessions(Harness.TENANT, integrationId, 10)
        .stream()
        .flatMap(sess -> harness.wacanda.conversationStore().recentMessages(Harness.TENANT,
            sess.id(), 20).stream())
        .filter(m -> m.role() == MessageRole.BOT)
        .map(ChatMessage::platformMessageId).toList();
  }

  // ------------------------------------------------------------------- Baileys

  static Stream<Arguments> gatewayFixtures() {
    return Stream.of(
        Arguments.of("messages_upsert_text_v237_lid_addressing.json", 1),
        Arguments.of("messages_upsert_extended_text_normalized.json", 1),
        Arguments.of("messages_upsert_image_caption.json", 1),
        Arguments.of("send_message_fromme.json", 0),
        Arguments.of("messages_update_status.json", 0),
        Arguments.of("connection_update_close_401.json", 0),
        Arguments.of("qrcode_updated.json", 0));
  }

  @ParameterizedTest
  @MethodSource("gatewayFixtures")
  void gatewayFixtureIsAuthenticatedStoredOnceAndAnsweredAtMostOnce(String file, int replies)
      throws Exception {
    JsonNode integration = harness.create("whatsapp-baileys", "Web " + (++counter), Map.of(
        "gateway_url", gateway.baseUrl(), "gateway_api_key", GATEWAY_KEY,
        "instance_name", "demo"));
    String id = integration.path("id").asText();
    String url = integration.path("webhook_url").asText();
    gateway.scan("demo");
    byte[] body = Fixtures.bytes("baileys-gateway/" + file);
    ObjectNode wrongKey = (ObjectNode) Harness.JSON.readTree(body);
    wrongKey.put("apikey", "not-the-key");
    ObjectNode noKey = (ObjectNode) Harness.JSON.readTree(body);
    noKey.remove("apikey");
    int before = gateway.sentMessages().size();

    assertThat(poster.post(url, Harness.JSON.writeValueAsBytes(wrongKey), Map.of()).status())
        .isEqualTo(401);
    assertThat(poster.post(url, Harness.JSON.writeValueAsBytes(noKey), Map.of()).status())
        .isEqualTo(401);
    assertThat(poster.post(url, body, Map.of("x-wacanda-secret", "guess"))
        .status()).isEqualTo(401);
    assertThat(harness.storedEvents(id)).isZero();
    String stateBefore = harness.integration(id).path("status").path("state").asText();
    assertThat(stateBefore).isEqualTo("CONNECTED");

    assertThat(poster.post(url, body, Map.of()).status()).isEqualTo(200);
    assertThat(poster.post(url, body, Map.of()).status()).isEqualTo(200);
    boolean stateOnly = file.startsWith("connection") || file.startsWith("qrcode");
    assertThat(harness.storedEvents(id)).isEqualTo(stateOnly ? 0 : 1);

    harness.wacanda.inbox().drain();

    List<JsonNode> sent = gateway.sentMessages().subList(before, gateway.sentMessages().size())
        .stream().map(r -> r.json()).toList();
    assertThat(sent).hasSize(replies);
    sent.forEach(s -> assertThat(s.path("number").asText()).startsWith("55119000000"));
    if (file.equals("connection_update_close_401.json")) {
      assertThat(harness.integration(id).path("status").path("state").asText())
          .isEqualTo("DISCONNECTED");
    }
    if (file.equals("qrcode_updated.json")) {
      assertThat(harness.wacanda.integrations().channel(harness.wacanda.integrations()
          .get(Harness.TENANT, id)).connectionControl().orElseThrow().qrCode())
          .contains("2@FAKEQRCODE,abc,def,ghi");
    }
    harness.admin("DELETE", "/admin/integrations/" + id, null);
  }

  @Test
  void theVerificationHandshakeWorksThroughTheEndpoint() {
    JsonNode integration = cloudIntegration();
    String url = integration.path("webhook_url").asText();
    Map<String, String> settings = new HashMap<>();
    integration.path("settings").properties().forEach(e -> settings.put(e.getKey(),
        e.getValue().asText()));
    assertThat(settings).doesNotContainKeys("access_token", "app_secret", "verify_token");
    String verify = harness.wacanda.integrations().context(harness.wacanda.integrations()
        .get(Harness.TENANT, integration.path("id").asText())).settings()
        .require("verify_token");

    Delivery ok = poster.get(url + "?hub.mode=subscribe&hub.verify_token=" + verify
        + "&hub.challenge=8472910");
    Delivery refused = poster.get(url + "?hub.mode=subscribe&hub.verify_token=wrong"
        + "&hub.challenge=8472910");

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("8472910");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain(verify);
  }
}
