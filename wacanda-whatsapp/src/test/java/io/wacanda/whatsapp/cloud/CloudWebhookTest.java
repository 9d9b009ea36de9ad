package io.wacanda.whatsapp.cloud;

import static io.wacanda.whatsapp.cloud.CloudFixtures.APP_SECRET;
import static io.wacanda.whatsapp.cloud.CloudFixtures.CUSTOMER;
import static io.wacanda.whatsapp.cloud.CloudFixtures.bytes;
import static io.wacanda.whatsapp.cloud.CloudFixtures.post;
import static io.wacanda.whatsapp.cloud.CloudFixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.testing.MutableClock;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real Cloud API payload through {@link WhatsAppCloudChannel#handleWebhook}. */
class CloudWebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
  private final WhatsAppCloudChannel channel = CloudFixtures.channel("https://graph.example.com",
      new RecordingEvents(), clock);

  static List<String> webhooks() {
    return CloudFixtures.WEBHOOKS;
  }

  private List<InboundEvent> parse(String file) {
    return channel.handleWebhook(signed(bytes(file))).events();
  }

  private InboundMessage message(String file) {
    List<InboundEvent> events = parse(file);
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).isInstanceOf(InboundEvent.Message.class);
    return ((InboundEvent.Message) events.get(0)).message();
  }

  // ------------------------------------------------------------------ signatures

  @ParameterizedTest
  @MethodSource("webhooks")
  void acceptsEveryFixtureSignedWithTheAppSecret(String file) {
    WebhookResult result = channel.handleWebhook(signed(bytes(file)));

    assertThat(result.response().status()).isEqualTo(200);
    assertThat(result.events()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("webhooks")
  void rejectsEveryFixtureWithoutSignature(String file) {
    assertThatThrownBy(() -> channel.handleWebhook(post(bytes(file), Map.of())))
        .isInstanceOf(WacandaException.class)
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.BAD_SIGNATURE));
  }

  @ParameterizedTest
  @MethodSource("webhooks")
  void rejectsEveryFixtureSignedWithAnotherSecret(String file) {
    byte[] body = bytes(file);
    HttpRequest request = post(body, Map.of("X-Hub-Signature-256",
        List.of(WebhookSignature.sign("another-secret", body))));

    assertThatThrownBy(() -> channel.handleWebhook(request))
        .isInstanceOf(WacandaException.class)
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.BAD_SIGNATURE))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(APP_SECRET));
  }

  @Test
  void rejectsATamperedBodyWithTheOriginalSignature() {
    byte[] body = bytes("webhook_text.json");
    String signature = WebhookSignature.sign(APP_SECRET, body);
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("hi everyone!",
        "hi everyone?").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> channel.handleWebhook(post(tampered,
        Map.of("X-Hub-Signature-256", List.of(signature)))))
        .isInstanceOf(WacandaException.class);
  }

  @Test
  void verifiesTheRawBytesWithMetasEscapesNotAReserializedBody() throws Exception {
    byte[] raw = bytes("webhook_location.json");
    assertThat(new String(raw, StandardCharsets.UTF_8)).contains("https:\\/\\/foursquare.com");
    byte[] reserialized = JSON.writeValueAsBytes(JSON.readTree(raw));

    assertThat(channel.handleWebhook(signed(raw)).events()).hasSize(1);
    assertThatThrownBy(() -> channel.handleWebhook(post(raw, Map.of("X-Hub-Signature-256",
        List.of(WebhookSignature.sign(APP_SECRET, reserialized))))))
        .isInstanceOf(WacandaException.class)
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.BAD_SIGNATURE));
  }

  @Test
  void rejectsMalformedSignatureHeaders() {
    byte[] body = bytes("webhook_text.json");
    for (String header : List.of("md5=abc", "sha256=zz", "sha256=", "  ")) {
      assertThatThrownBy(() -> channel.handleWebhook(post(body,
          Map.of("X-Hub-Signature-256", List.of(header)))))
          .isInstanceOf(WacandaException.class)
          .satisfies(e -> assertThat(((WacandaException) e).code())
              .isEqualTo(ErrorCode.BAD_SIGNATURE));
    }
  }

  @Test
  void rejectsASignedBodyThatIsNotJson() {
    byte[] body = "not json".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> channel.handleWebhook(signed(body)))
        .isInstanceOf(WacandaException.class)
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  // ------------------------------------------------------------------ handshake

  @Test
  void answersTheVerificationHandshakeWithTheChallengeAsPlainText() {
    HttpRequest get = new HttpRequest("GET", "/webhooks/int_test1", Map.of("hub.mode",
        List.of("subscribe"), "hub.verify_token", List.of(CloudFixtures.VERIFY_TOKEN),
        "hub.challenge", List.of("1158201444")), Map.of(), new byte[0], "");

    WebhookResult result = channel.handleWebhook(get);

    assertThat(result.events()).isEmpty();
    assertThat(result.response().status()).isEqualTo(200);
    assertThat(new String(result.response().body(), StandardCharsets.UTF_8))
        .isEqualTo("1158201444");
    assertThat(result.response().headers().get("Content-Type")).startsWith("text/plain");
  }

  @Test
  void refusesTheHandshakeWithAWrongTokenOrMode() {
    for (Map<String, List<String>> query : List.of(
        Map.of("hub.mode", List.of("subscribe"), "hub.verify_token", List.of("wrong"),
            "hub.challenge", List.of("1")),
        Map.of("hub.mode", List.of("unsubscribe"), "hub.verify_token",
            List.of(CloudFixtures.VERIFY_TOKEN), "hub.challenge", List.of("1")),
        Map.<String, List<String>>of())) {
      HttpRequest get = new HttpRequest("GET", "/webhooks/int_test1", query, Map.of(),
          new byte[0], "");
      assertThatThrownBy(() -> channel.handleWebhook(get))
          .isInstanceOf(WacandaException.class)
          .satisfies(e -> assertThat(((WacandaException) e).code())
              .isEqualTo(ErrorCode.FORBIDDEN));
    }
  }

  // ------------------------------------------------------------------ messages

  @Test
  void readsATextMessageWithTheContactsName() {
    InboundMessage m = message("webhook_text.json");

    assertThat(m.messageId())
        .isEqualTo("wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA==");
    assertThat(m.senderId()).isEqualTo(CUSTOMER);
    assertThat(m.chatId()).isEqualTo(CUSTOMER);
    assertThat(m.senderName()).isEqualTo("Test Customer");
    assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1672947578));
    assertThat(m.content()).isEqualTo(new MessageContent.Text("hi everyone!"));
  }

  @Test
  void readsAnImageByMediaId() {
    assertThat(message("webhook_image.json").content()).isEqualTo(new MessageContent.Media(
        MessageContent.MediaKind.IMAGE, "8472976218001204", "image/jpeg", "", ""));
  }

  @Test
  void readsAVideoCaptionAndDoesNotTreatAForwardAsAReply() {
    InboundMessage m = message("webhook_video_caption.json");

    assertThat(m.content()).isEqualTo(new MessageContent.Media(MessageContent.MediaKind.VIDEO,
        "765756756", "video/mp4", "caption", ""));
    assertThat(m.content().asText()).isEqualTo("caption");
    assertThat(m.replyToMessageId()).isEmpty();
  }

  @Test
  void readsInteractiveButtonAndListRepliesWithTheirContext() {
    InboundMessage button = message("webhook_interactive_button_reply.json");
    InboundMessage list = message("webhook_interactive_list_reply.json");

    assertThat(button.content())
        .isEqualTo(new MessageContent.InteractiveReply("callback_data", "title"));
    assertThat(button.replyToMessageId()).isEqualTo("wamid.xyzxyz");
    assertThat(list.messageId()).isEqualTo("wamid.zyzxyz");
    assertThat(list.content())
        .isEqualTo(new MessageContent.InteractiveReply("callback_data", "title"));
  }

  @Test
  void readsATemplateQuickReplyButton() {
    assertThat(message("webhook_button_quick_reply.json").content())
        .isEqualTo(new MessageContent.InteractiveReply("SIM", "SIM"));
  }

  @Test
  void readsALocation() {
    MessageContent c = message("webhook_location.json").content();

    assertThat(c).isInstanceOf(MessageContent.Location.class);
    assertThat(((MessageContent.Location) c).latitude()).isEqualTo(-10.93941311633);
    assertThat(((MessageContent.Location) c).longitude()).isEqualTo(-10.606395436721);
  }

  @Test
  void readsAReactionWithItsRawUtf8Emoji() {
    assertThat(message("webhook_reaction.json").content()).isEqualTo(
        new MessageContent.Reaction(
            "wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA==", "👍"));
  }

  @Test
  void storesAnUnsupportedMessageAsIgnoredKeyedByItsId() {
    List<InboundEvent> events = parse("webhook_unsupported.json");

    assertThat(events).containsExactly(new InboundEvent.Ignored("wamid.xyzxyz", "unsupported"));
    assertThat(events.get(0).eventType()).isEqualTo("ignored:unsupported");
  }

  // ------------------------------------------------------------------ statuses

  @Test
  void readsDeliveryStatusesKeyedByIdAndState() {
    InboundEvent.Status sent = (InboundEvent.Status) parse("webhook_status_sent.json").get(0);
    InboundEvent.Status read = (InboundEvent.Status) parse("webhook_status_read.json").get(0);

    assertThat(sent.state()).isEqualTo(DeliveryState.SENT);
    assertThat(sent.recipientId()).isEqualTo(CUSTOMER);
    assertThat(sent.timestamp()).isEqualTo(Instant.ofEpochSecond(1673020317));
    assertThat(sent.idempotencyKey()).isEqualTo("status:"
        + "wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA==:sent");
    assertThat(read.state()).isEqualTo(DeliveryState.READ);
    assertThat(read.idempotencyKey()).isEqualTo("status:wamid.xyzxyz:read");
  }

  @Test
  void aFailedStatusFor131047SaysATemplateIsNeeded() {
    InboundEvent.Status failed =
        (InboundEvent.Status) parse("webhook_status_failed_131047.json").get(0);

    assertThat(failed.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(failed.error()).contains("131047").contains("24 hours").contains("template");
  }

  // ------------------------------------------------------------------ batches

  /** Two entries, a duplicate message inside one batch, a status, another number, a new field. */
  @Test
  void readsEveryEntryAndChangeOfABatchAndDropsDuplicatesInside() throws Exception {
    ObjectNode text = (ObjectNode) JSON.readTree(bytes("webhook_text.json"));
    JsonNode image = JSON.readTree(bytes("webhook_image.json"));
    JsonNode status = JSON.readTree(bytes("webhook_status_read.json"));
    ArrayNode entries = (ArrayNode) text.get("entry");
    // the same message again in a second change of the first entry
    ((ArrayNode) entries.get(0).get("changes")).add(entries.get(0).get("changes").get(0)
        .deepCopy());
    entries.add(image.get("entry").get(0));
    entries.add(status.get("entry").get(0));
    ObjectNode otherNumber = (ObjectNode) image.get("entry").get(0).deepCopy();
    ((ObjectNode) otherNumber.get("changes").get(0).get("value").get("metadata"))
        .put("phone_number_id", "999999999999");
    entries.add(otherNumber);
    ObjectNode templateUpdate = JSON.createObjectNode();
    templateUpdate.put("id", "100000000000001");
    templateUpdate.putArray("changes").addObject().put("field", "message_template_status_update")
        .putObject("value").put("event", "APPROVED");
    entries.add(templateUpdate);
    byte[] body = JSON.writeValueAsBytes(text);

    List<InboundEvent> events = channel.handleWebhook(signed(body)).events();

    assertThat(events).hasSize(5);
    assertThat(events).filteredOn(e -> e instanceof InboundEvent.Message).hasSize(2);
    assertThat(events).filteredOn(e -> e instanceof InboundEvent.Status).hasSize(1);
    assertThat(events).extracting(InboundEvent::eventType)
        .contains("ignored:other_phone_number", "ignored:field.message_template_status_update");
    assertThat(events).extracting(InboundEvent::idempotencyKey).doesNotHaveDuplicates();
    // ordered by the platform's timestamps: the text (1672947578) before the image (1673032525)
    List<InboundEvent> messages = events.stream()
        .filter(e -> e instanceof InboundEvent.Message).toList();
    assertThat(((InboundEvent.Message) messages.get(0)).message().content())
        .isInstanceOf(MessageContent.Text.class);
  }

  @Test
  void ignoresOtherWebhookObjects() throws Exception {
    byte[] body = "{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    List<InboundEvent> events = channel.handleWebhook(signed(body)).events();

    assertThat(events).hasSize(1);
    assertThat(events.get(0).eventType()).isEqualTo("ignored:object.page");
  }

  @Test
  void refusesOtherMethods() {
    assertThatThrownBy(() -> channel.handleWebhook(new HttpRequest("PUT", "/webhooks/x",
        Map.of(), Map.of(), new byte[0], "")))
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED));
  }
}
