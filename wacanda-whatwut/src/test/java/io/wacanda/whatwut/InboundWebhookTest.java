package io.wacanda.whatwut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.testing.Fixtures;
import io.wacanda.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Signed events WhatWut posts straight to the integration's webhook URL. */
class InboundWebhookTest {
  private static final OpenApiDocument DOC = OpenApiDocument.get();
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:10Z");
  private final WhatWutChannel channel = channel(TestContexts.WEBHOOK_SECRET, clock);

  private static WhatWutChannel channel(String secret, MutableClock clock) {
    Map<String, String> settings = TestContexts.settings("https://api.whatwut.example/v1");
    settings.put("webhook_secret", secret);
    return new WhatWutChannel(TestContexts.whatwut(settings, TestContexts.loopbackGuard(), clock,
        new TestContexts.RecordingEvents()), Duration.ofSeconds(1));
  }

  private HttpRequest signed(String id, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    StandardWebhooks.of(TestContexts.WEBHOOK_SECRET, clock).headers(id, bytes)
        .forEach((k, v) -> headers.put(k, List.of(v)));
    headers.put("Content-Type", List.of("application/json"));
    return new HttpRequest("POST", "/webhooks/int_ww_test", Map.of(), headers, bytes, "");
  }

  private InboundEvent only(WebhookResult result) {
    assertThat(result.response().status()).isEqualTo(200);
    assertThat(result.events()).hasSize(1);
    return result.events().get(0);
  }

  private String webhookExample(String event, String example) {
    return DOC.at("/webhooks/" + event + "/post/requestBody/content/application~1json/examples/"
        + example + "/value").toString();
  }

  @Test
  void textMessageOfTheContractBecomesANormalizedMessage() {
    InboundEvent event = only(channel.handleWebhook(
        signed("evt_1", webhookExample("message.received", "text"))));

    assertThat(event).isInstanceOf(InboundEvent.Message.class);
    InboundMessage m = ((InboundEvent.Message) event).message();
    assertThat(m.messageId()).isEqualTo("wwm_in_77");
    assertThat(m.senderId()).isEqualTo("u_5511987654321");
    assertThat(m.chatId()).isEqualTo("u_5511987654321");
    assertThat(m.senderName()).isEqualTo("Ana Souza");
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    assertThat(m.content()).isEqualTo(
        new MessageContent.Text("Olá! How long does standard delivery take?"));
    // The same key as the external API's webhook action gives for data.message_id wwm_in_77, so
    // one message arriving both ways is answered once.
    assertThat(event.idempotencyKey()).isEqualTo("msg:wwm_in_77");
  }

  @Test
  void mediaLocationAndButtonRepliesAreNormalized() {
    InboundMessage image = ((InboundEvent.Message) only(channel.handleWebhook(
        signed("evt_2", webhookExample("message.received", "image"))))).message();
    assertThat(image.content()).isEqualTo(new MessageContent.Media(MessageContent.MediaKind.IMAGE,
        "https://media.whatwut.example/m/78.jpg", "image/jpeg", "The parcel arrived like this",
        ""));
    assertThat(image.replyToMessageId()).isEqualTo("wwm_8f3a2c");

    InboundMessage location = ((InboundEvent.Message) only(channel.handleWebhook(
        signed("evt_3", webhookExample("message.received", "location"))))).message();
    assertThat(location.content()).isEqualTo(
        new MessageContent.Location(-23.5505, -46.6333, "Home", ""));
    assertThat(location.senderName()).isEmpty();

    InboundMessage button = ((InboundEvent.Message) only(channel.handleWebhook(
        signed("evt_4", webhookExample("message.received", "button_reply"))))).message();
    assertThat(button.content()).isEqualTo(
        new MessageContent.InteractiveReply("wacanda:handoff", "Talk to a person"));
  }

  @Test
  void deliveryReportsAndClosedConversationsAreNormalized() {
    InboundEvent delivered = only(channel.handleWebhook(
        signed("evt_5", webhookExample("message.status", "delivered"))));
    assertThat(delivered).isEqualTo(new InboundEvent.Status("wwm_8f3a2c", "u_5511987654321",
        DeliveryState.DELIVERED, Instant.parse("2026-11-24T10:00:05Z"), ""));

    InboundEvent failed = only(channel.handleWebhook(
        signed("evt_6", webhookExample("message.status", "failed"))));
    assertThat(((InboundEvent.Status) failed).state()).isEqualTo(DeliveryState.FAILED);
    assertThat(((InboundEvent.Status) failed).error()).isEqualTo("recipient_blocked");

    InboundEvent closed = only(channel.handleWebhook(
        signed("evt_7", webhookExample("conversation.closed", "blocked"))));
    assertThat(closed).isEqualTo(
        new InboundEvent.ConversationClosed("evt_7", "u_5511987654321", "blocked"));
  }

  @Test
  void unknownKindsAreKeptNotRefused() {
    InboundEvent unknownEvent = only(channel.handleWebhook(signed("evt_8",
        "{\"type\":\"instance.upgraded\",\"data\":{\"plan\":\"pro\"}}")));
    assertThat(unknownEvent).isEqualTo(new InboundEvent.Ignored("evt_8", "instance.upgraded"));

    InboundEvent poll = only(channel.handleWebhook(signed("evt_9",
        "{\"type\":\"message.received\",\"data\":{\"message_id\":\"wwm_p\","
            + "\"sender_id\":\"u_1\",\"type\":\"poll\",\"poll\":{\"q\":\"?\"}}}")));
    assertThat(((InboundEvent.Message) poll).message().content())
        .isEqualTo(new MessageContent.Unsupported("poll"));

    InboundEvent strangeStatus = only(channel.handleWebhook(signed("evt_10",
        "{\"type\":\"message.status\",\"data\":{\"message_id\":\"m\",\"status\":\"teleported\"}}")));
    assertThat(strangeStatus).isInstanceOf(InboundEvent.Ignored.class);
  }

  @Test
  void eventsOfAnotherInstanceAreIgnored() {
    InboundEvent event = only(channel.handleWebhook(signed("evt_11",
        "{\"type\":\"message.received\",\"data\":{\"instance_id\":\"inst_other\","
            + "\"message_id\":\"m1\",\"sender_id\":\"u_1\",\"text\":\"hi\"}}")));

    assertThat(event).isEqualTo(new InboundEvent.Ignored("evt_11", "other_instance"));
  }

  @Test
  void messageWithoutItsOwnIdIsKeyedByTheWebhookId() {
    InboundEvent event = only(channel.handleWebhook(signed("evt_12",
        "{\"type\":\"message.received\",\"data\":{\"sender_id\":\"u_1\",\"text\":\"hi\"}}")));

    assertThat(event.idempotencyKey()).isEqualTo("msg:evt_12");
  }

  @Test
  void refusesWebhookWithWrongSignature() {
    HttpRequest good = signed("evt_1", webhookExample("message.received", "text"));
    Map<String, List<String>> headers = new LinkedHashMap<>(good.headers());
    headers.put("webhook-signature", List.of("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    HttpRequest forged = new HttpRequest("POST", good.path(), Map.of(), headers, good.body(), "");

    assertBadSignature(forged);
  }

  @Test
  void refusesWebhookWhoseBodyWasChangedAfterSigning() {
    HttpRequest good = signed("evt_1", webhookExample("message.received", "text"));
    byte[] changed = new String(good.body(), StandardCharsets.UTF_8)
        .replace("standard", "express").getBytes(StandardCharsets.UTF_8);

    assertBadSignature(new HttpRequest("POST", good.path(), Map.of(), good.headers(), changed, ""));
  }

  @Test
  void refusesWebhookSignedWithAnotherSecret() {
    WhatWutChannel other = channel(StandardWebhooks.generateSecret(), clock);
    HttpRequest request = signed("evt_1", webhookExample("message.received", "text"));

    assertThatThrownBy(() -> other.handleWebhook(request))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
  }

  @Test
  void refusesAReplayedWebhookOutsideTheToleranceWindow() {
    HttpRequest request = signed("evt_1", webhookExample("message.received", "text"));
    clock.advance(Duration.ofMinutes(6));

    assertBadSignature(request);
  }

  @Test
  void refusesUnsignedWebhook() {
    assertBadSignature(new HttpRequest("POST", "/webhooks/int_ww_test", Map.of(), Map.of(),
        webhookExample("message.received", "text").getBytes(StandardCharsets.UTF_8), ""));
  }

  @Test
  void refusesGet() {
    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(HttpRequest.of("GET", "/webhooks/int_ww_test")));

    assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
  }

  @Test
  void signedButMalformedBodiesAreRefusedWithAClearError() {
    assertThat(catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("e1", "{not json"))).code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
    assertThat(catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("e2", "[1,2]"))).code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
    WacandaException noSender = catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("e3",
            "{\"type\":\"message.received\",\"data\":{\"text\":\"hi\"}}")));
    assertThat(noSender.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(noSender.getMessage()).contains("data.sender_id");
    WacandaException noUrl = catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("e4", "{\"type\":\"message.received\",\"data\":"
            + "{\"sender_id\":\"u\",\"type\":\"image\",\"media\":{}}}")));
    assertThat(noUrl.getMessage()).contains("data.media.url");
  }

  /**
   * The Standard Webhooks vectors of {@code shared/fixtures}: every invalid one is refused as a bad
   * signature; every valid one passes verification (and then parses or is refused as malformed,
   * never as a bad signature).
   */
  @TestFactory
  List<DynamicTest> standardWebhooksVectors() throws Exception {
    JsonNode root = OpenApiDocument.JSON.readTree(
        Fixtures.bytes("standard-webhooks/vectors.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : root.get("vectors")) {
      tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
        MutableClock at = new MutableClock(Instant.ofEpochSecond(v.get("now").asLong()));
        WhatWutChannel ch = channel(v.get("secret").asText(), at);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        v.get("headers").properties().forEach(h -> {
          if (!h.getValue().isNull()) {
            headers.put(h.getKey(), List.of(h.getValue().asText()));
          }
        });
        HttpRequest request = new HttpRequest("POST", "/webhooks/x", Map.of(), headers,
            v.get("payload").asText().getBytes(StandardCharsets.UTF_8), "");
        WebhookResult[] result = new WebhookResult[1];
        WacandaException thrown = catchThrowableOfType(WacandaException.class,
            () -> result[0] = ch.handleWebhook(request));
        if (v.get("valid").asBoolean()) {
          if (thrown == null) {
            assertThat(result[0].events()).hasSize(1);
          } else {
            assertThat(thrown.code()).isIn(ErrorCode.INVALID_REQUEST, ErrorCode.MALFORMED_JSON);
          }
        } else {
          assertThat(thrown).isNotNull();
          assertThat(thrown.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        }
      }));
    }
    assertThat(tests).hasSizeGreaterThan(3);
    return tests;
  }

  private void assertBadSignature(HttpRequest request) {
    assertThatThrownBy(() -> channel.handleWebhook(request))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
  }
}
