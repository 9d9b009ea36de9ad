package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.channel.InboundEvent;
import io.wacanda.conversation.ChatSession;
import io.wacanda.conversation.SessionState;
import io.wacanda.telegram.testkit.FakeBotApi;
import io.wacanda.telegram.testkit.FakeBotApi.Call;
import io.wacanda.telegram.testkit.FakeBotApi.WebhookDelivery;
import io.wacanda.testing.Fixtures;
import io.wacanda.testing.FixedRagEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every fixture through Wacanda's real webhook endpoint (JDK server on loopback), delivered by the
 * fake Bot API with the secret it was given by setWebhook; replies come back as sendMessage.
 */
class TelegramEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private FakeBotApi fake;
  private Harness harness;
  private String id;

  @BeforeEach
  void start() {
    fake = FakeBotApi.builder().token(Contexts.TOKEN).start();
    harness = Harness.start(b -> b
        .discoverProviders(false)
        .provider(new TelegramIntegrationProvider(TelegramSendTest.NO_PACING))
        .ragEngine(new FixedRagEngine().fallback("Here is what our help centre says.", 0.9)));
    JsonNode created = harness.createTelegram("Support bot", Map.of(
        "bot_token", Contexts.TOKEN, "mode", "webhook", "api_base_url", fake.baseUrl()));
    id = created.get("id").asText();
    assertThat(created.toString()).doesNotContain(Contexts.TOKEN);
    assertThat(created.get("settings").has("secret_token")).isFalse();
    assertThat(created.get("status").get("state").asText()).isEqualTo("CONNECTED");
  }

  @AfterEach
  void stop() {
    harness.close();
    fake.close();
  }

  private String webhookUrl() {
    return harness.base + "/webhooks/" + id;
  }

  @Test
  void enablingRegistersTheWebhookWithAGeneratedSecret() {
    FakeBotApi.Webhook hook = fake.webhook().orElseThrow();
    assertThat(hook.url()).isEqualTo(webhookUrl());
    assertThat(hook.secretToken()).matches("[A-Za-z0-9_-]{1,256}").hasSizeGreaterThan(30);
    assertThat(hook.allowedUpdates())
        .containsExactly("message", "edited_message", "callback_query", "my_chat_member");
  }

  @Test
  void everyFixtureIsStoredAndEveryCustomerMessageAnsweredInItsChat() {
    List<String> order = new java.util.ArrayList<>(TelegramPollingTest.FIXTURE_UPDATES);
    order.remove("update_my_chat_member_kicked.json"); // last: it blocks chat 100000001
    order.add("update_my_chat_member_kicked.json");
    UpdateParser parser = new UpdateParser(Clock.systemUTC());
    Map<String, Integer> expectedReplies = new HashMap<>();
    for (String f : order) {
      WebhookDelivery d = fake.deliverToWebhook(Fixtures.text("telegram/" + f));
      assertThat(d.status()).as(f).isEqualTo(200);
      InboundEvent e = parser.parse(UpdateParserTest.fixture(f)).event();
      if (e instanceof InboundEvent.Message m) {
        expectedReplies.merge(m.message().chatId(), 1, Integer::sum);
      }
      // Process one at a time so the block comes after the replies to that chat.
      harness.awaitInboxIdle(id, WAIT);
    }
    for (JsonNode u : UpdateParserTest.fixture("getUpdates_response.json").get("result")) {
      assertThat(fake.deliverToWebhook(u.toString()).status()).isEqualTo(200);
    }
    // Its text from 100000001 comes after the block: writing again means unblocked, so it is
    // answered; the channel post and the service message are not.
    expectedReplies.merge("100000001", 1, Integer::sum);
    harness.awaitInboxIdle(id, WAIT);

    assertThat(harness.storedEvents(id)).isEqualTo(order.size() + 3);
    Map<String, Integer> replies = new HashMap<>();
    for (Call c : fake.calls("sendMessage")) {
      replies.merge(c.param("chat_id"), 1, Integer::sum);
    }
    assertThat(replies).isEqualTo(expectedReplies);
    assertThat(expectedReplies).containsEntry("1111111", 1) // the edit; /start is ignored
        .containsEntry("100000001", 6).containsEntry("-1001000000001", 1).containsEntry("2", 1);
    // The callback query was answered through the webhook's answer.
    assertThat(fake.calls("answerCallbackQuery")).extracting(c -> c.param("callback_query_id"))
        .containsExactly("4382bfdwdsb323b2d9");
    // Blocking closed the customer's session.
    List<ChatSession> sessions = harness.wacanda.conversationStore()
        .listSessions(Harness.TENANT, id, 50);
    assertThat(sessions).filteredOn(s -> s.senderId().equals("100000001"))
        .extracting(ChatSession::state).contains(SessionState.CLOSED);
  }

  @Test
  void aMissingOrWrongSecretIsRefusedAndNothingIsStored() {
    String update = Fixtures.text("telegram/update_photo_caption.json");
    assertThat(fake.deliverToWebhook(update, null).status()).isEqualTo(401);
    assertThat(fake.deliverToWebhook(update, "wrong-secret").status()).isEqualTo(401);
    String secret = fake.webhook().orElseThrow().secretToken();
    assertThat(fake.deliverToWebhook(update, secret + "x").status()).isEqualTo(401);
    assertThat(harness.storedEvents(id)).isZero();
    assertThat(fake.calls("sendMessage")).isEmpty();
  }

  @Test
  void aDuplicateDeliveryGetsOneReply() {
    String update = Fixtures.text("telegram/update_photo_caption.json");
    assertThat(fake.deliverToWebhook(update).status()).isEqualTo(200);
    assertThat(fake.deliverToWebhook(update).status()).isEqualTo(200);
    fake.awaitCall("sendMessage", c -> c.toChat(100000001L), WAIT);
    harness.awaitInboxIdle(id, WAIT);
    assertThat(fake.deliverToWebhook(update).status()).isEqualTo(200);
    harness.awaitInboxIdle(id, WAIT);
    assertThat(harness.storedEvents(id)).isEqualTo(1);
    assertThat(fake.calls("sendMessage")).hasSize(1);
    assertThat(fake.calls("sendMessage").get(0).param("text"))
        .isEqualTo("Here is what our help centre says.");
  }

  @Test
  void connectivityTestChecksTokenAndWebhook() {
    Harness.Reply r = harness.admin("POST", "/admin/integrations/" + id + "/test", null);
    assertThat(r.status()).isEqualTo(200);
    JsonNode data = r.json().get("data");
    assertThat(data.get("passed").asBoolean()).as(data.toString()).isTrue();
    assertThat(data.get("checks")).extracting(c -> c.get("name").asText())
        .containsExactly("bot_token", "webhook");
    assertThat(data.get("checks").get(0).get("message").asText())
        .contains("@test_support_bot");
    assertThat(data.get("checks").get(1).get("message").asText())
        .contains("webhook set to this integration").contains("0 updates pending");
    assertThat(data.toString()).doesNotContain(Contexts.TOKEN);
  }

  @Test
  void connectivityTestFailsWhenTheWebhookPointsElsewhere() {
    fake.setWebhook("https://other.example.net/hook", "x");
    JsonNode data = harness.admin("POST", "/admin/integrations/" + id + "/test", null)
        .json().get("data");
    assertThat(data.get("passed").asBoolean()).isFalse();
    assertThat(data.get("checks").get(1).get("message").asText())
        .contains("other.example.net").doesNotContain("/hook");
  }

  @Test
  void disablingDeletesTheWebhookAndEnablingSetsItAgain() {
    assertThat(harness.admin("POST", "/admin/integrations/" + id + "/disable", null).status())
        .isEqualTo(200);
    assertThat(fake.calls("deleteWebhook")).hasSize(1);
    assertThat(fake.webhook()).isEmpty();
    harness.admin("POST", "/admin/integrations/" + id + "/enable", null);
    assertThat(fake.webhook().orElseThrow().url()).isEqualTo(webhookUrl());
  }
}
