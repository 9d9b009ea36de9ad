package io.wacanda.whatsapp.baileys;

import static io.wacanda.whatsapp.baileys.BaileysFixtures.API_KEY;
import static io.wacanda.whatsapp.baileys.BaileysFixtures.WEBHOOK_SECRET;
import static io.wacanda.whatsapp.baileys.BaileysFixtures.bytes;
import static io.wacanda.whatsapp.baileys.BaileysFixtures.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.http.HttpRequest;
import io.wacanda.integration.ConnectionState;
import io.wacanda.testing.MutableClock;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real gateway payload through {@link BaileysChannel#handleWebhook}. */
class GatewayWebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = MutableClock.at("2026-06-14T15:00:00Z");
  private final RecordingEvents events = new RecordingEvents();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final BaileysChannel channel = BaileysFixtures.channel("http://127.0.0.1:9", "ignore",
      events, clock, scheduler, "http://127.0.0.1:9/webhooks/int_test1");

  static List<String> webhooks() {
    return BaileysFixtures.WEBHOOKS;
  }

  private List<InboundEvent> handle(byte[] body) {
    return channel.handleWebhook(post(body, Map.of())).events();
  }

  private static byte[] edit(String file, java.util.function.Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(bytes(file));
    change.accept(root);
    return JSON.writeValueAsBytes(root);
  }

  private InboundMessage message(byte[] body) {
    List<InboundEvent> out = handle(body);
    assertThat(out).hasSize(1);
    assertThat(out.get(0)).isInstanceOf(InboundEvent.Message.class);
    return ((InboundEvent.Message) out.get(0)).message();
  }

  // -------------------------------------------------------------- authentication

  @ParameterizedTest
  @MethodSource("webhooks")
  void acceptsEveryFixtureCarryingTheGatewaysApiKey(String file) {
    assertThat(channel.handleWebhook(post(bytes(file), Map.of())).response().status())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @MethodSource("webhooks")
  void rejectsEveryFixtureWithAWrongOrMissingKey(String file) throws Exception {
    byte[] wrong = edit(file, r -> r.put("apikey", "not-the-key"));
    byte[] missing = edit(file, r -> r.remove("apikey"));
    for (byte[] body : List.of(wrong, missing)) {
      assertThatThrownBy(() -> channel.handleWebhook(post(body, Map.of())))
          .isInstanceOf(WacandaException.class)
          .satisfies(e -> assertThat(((WacandaException) e).code())
              .isEqualTo(ErrorCode.BAD_SIGNATURE));
    }
    assertThat(events.statuses).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("webhooks")
  void acceptsTheRegisteredSecretHeaderWhateverTheBodysKey(String file) throws Exception {
    byte[] body = edit(file, r -> r.put("apikey", "instance-token-we-never-saw"));

    assertThat(channel.handleWebhook(post(body, Map.of("x-wacanda-secret",
        List.of(WEBHOOK_SECRET)))).response().status()).isEqualTo(200);
  }

  @Test
  void aWrongSecretHeaderIsRejectedEvenWithTheRightKeyInside() {
    assertThatThrownBy(() -> channel.handleWebhook(post(
        bytes("messages_upsert_extended_text_normalized.json"),
        Map.of("x-wacanda-secret", List.of("guess")))))
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.BAD_SIGNATURE))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(WEBHOOK_SECRET, API_KEY));
  }

  @Test
  void acceptsTheInstanceTokenItCreatedTheInstanceWith() throws Exception {
    String token = BaileysChannel.instanceToken(API_KEY, "demo");
    byte[] body = edit("messages_upsert_extended_text_normalized.json",
        r -> r.put("apikey", token));

    assertThat(handle(body)).hasSize(1);
  }

  @Test
  void unauthenticatedGarbageIs401Not400() {
    assertThatThrownBy(() -> channel.handleWebhook(post("nope".getBytes(StandardCharsets.UTF_8),
        Map.of())))
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.BAD_SIGNATURE));
  }

  @Test
  void refusesGet() {
    assertThatThrownBy(() -> channel.handleWebhook(HttpRequest.of("GET", "/webhooks/x")))
        .satisfies(e -> assertThat(((WacandaException) e).code())
            .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED));
  }

  // -------------------------------------------------------------------- messages

  @Test
  void readsATextUpsertWithLidAddressingAsThePhoneNumber() {
    InboundMessage m = message(bytes("messages_upsert_text_v237_lid_addressing.json"));

    assertThat(m.messageId()).isEqualTo("3A1FE00DBC50780B05E2");
    assertThat(m.senderId()).isEqualTo("5511900000001");
    assertThat(m.chatId()).isEqualTo("5511900000001");
    assertThat(m.senderName()).isEqualTo("Test Customer");
    assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1781459144));
    assertThat(m.content())
        .isEqualTo(new MessageContent.Text("[snapshot] webhook capture - text"));
  }

  @Test
  void readsAConversationText() {
    InboundMessage m = message(bytes("messages_upsert_extended_text_normalized.json"));

    assertThat(m.senderId()).isEqualTo("5511900000004");
    assertThat(m.content()).isEqualTo(new MessageContent.Text("Hola"));
  }

  @Test
  void readsExtendedTextMessages() throws Exception {
    byte[] body = edit("messages_upsert_extended_text_normalized.json", r -> {
      ObjectNode msg = (ObjectNode) r.path("data").path("message");
      msg.remove("conversation");
      msg.putObject("extendedTextMessage").put("text", "see https://example.com")
          .putObject("contextInfo").put("stanzaId", "QUOTED1");
    });

    InboundMessage m = message(body);

    assertThat(m.content()).isEqualTo(new MessageContent.Text("see https://example.com"));
    assertThat(m.replyToMessageId()).isEqualTo("QUOTED1");
  }

  @Test
  void readsAnImageWithItsCaption() {
    InboundMessage m = message(bytes("messages_upsert_image_caption.json"));

    assertThat(m.content()).isEqualTo(new MessageContent.Media(MessageContent.MediaKind.IMAGE,
        "3A565F258A63FBA13770", "image/jpeg", "This is for test. Media + text", ""));
    assertThat(m.content().asText()).isEqualTo("This is for test. Media + text");
  }

  @Test
  void acceptsUpperSnakeAndKebabEventNames() throws Exception {
    for (String name : List.of("MESSAGES_UPSERT", "messages-upsert")) {
      byte[] body = edit("messages_upsert_extended_text_normalized.json",
          r -> r.put("event", name));
      assertThat(message(body).content()).isEqualTo(new MessageContent.Text("Hola"));
    }
  }

  @Test
  void ignoresOwnMessagesEchoesAndBroadcasts() throws Exception {
    byte[] fromMe = edit("messages_upsert_extended_text_normalized.json",
        r -> ((ObjectNode) r.path("data").path("key")).put("fromMe", true));
    byte[] status = edit("messages_upsert_extended_text_normalized.json",
        r -> ((ObjectNode) r.path("data").path("key")).put("remoteJid", "status@broadcast"));

    assertThat(handle(fromMe)).containsExactly(
        new InboundEvent.Ignored("3F883A0B44FFF34D1BA3", "from_me"));
    assertThat(handle(status)).containsExactly(
        new InboundEvent.Ignored("3F883A0B44FFF34D1BA3", "broadcast"));
    assertThat(handle(bytes("send_message_fromme.json"))).containsExactly(
        new InboundEvent.Ignored("sent:3EB063FA228F78C7FAE3CE", "send.message"));
  }

  @Test
  void anUpsertOfAMessageWeSentIsNeverAnswered() throws Exception {
    channel.parser().rememberOwn("3F883A0B44FFF34D1BA3");

    assertThat(handle(bytes("messages_upsert_extended_text_normalized.json")))
        .containsExactly(new InboundEvent.Ignored("3F883A0B44FFF34D1BA3", "from_me"));
  }

  @Test
  void resolvesABareLidToThePhoneSeenWithItEarlier() throws Exception {
    byte[] withAlt = edit("messages_upsert_text_v237_lid_addressing.json", r -> {
      ObjectNode key = (ObjectNode) r.path("data").path("key");
      key.put("remoteJid", "200000000000002@lid");
      key.put("remoteJidAlt", "5511900000003@s.whatsapp.net");
    });
    byte[] bare = edit("messages_upsert_text_v237_lid_addressing.json", r -> {
      ObjectNode key = (ObjectNode) r.path("data").path("key");
      key.put("id", "LATER1");
      key.put("remoteJid", "200000000000002@lid");
      key.remove("remoteJidAlt");
    });
    byte[] unknown = edit("messages_upsert_text_v237_lid_addressing.json", r -> {
      ObjectNode key = (ObjectNode) r.path("data").path("key");
      key.put("id", "UNKNOWN1");
      key.put("remoteJid", "200000000000009@lid");
      key.remove("remoteJidAlt");
    });

    InboundMessage first = message(withAlt);
    InboundMessage later = message(bare);
    InboundMessage stranger = message(unknown);

    assertThat(first.senderId()).isEqualTo("5511900000003");
    assertThat(first.chatId()).isEqualTo("200000000000002@lid");
    assertThat(later.senderId()).isEqualTo("5511900000003");
    assertThat(stranger.senderId()).isEqualTo("200000000000009@lid");
    assertThat(stranger.chatId()).isEqualTo("200000000000009@lid");
  }

  @Test
  void groupMessagesAreFlaggedAndIgnoredByDefault() throws Exception {
    byte[] group = groupMessage();

    assertThat(handle(group)).containsExactly(
        new InboundEvent.Ignored("3F883A0B44FFF34D1BA3", "group_message"));
  }

  @Test
  void groupMessagesCanBeAnsweredInTheGroup() throws Exception {
    BaileysChannel answering = BaileysFixtures.channel("http://127.0.0.1:9", "answer", events,
        clock, scheduler, "http://127.0.0.1:9/webhooks/int_test1");

    List<InboundEvent> out = answering.handleWebhook(post(groupMessage(), Map.of())).events();

    InboundMessage m = ((InboundEvent.Message) out.get(0)).message();
    assertThat(m.chatId()).isEqualTo("120363000000000001@g.us");
    assertThat(m.senderId()).isEqualTo("5511900000003");
  }

  private static byte[] groupMessage() throws Exception {
    return edit("messages_upsert_extended_text_normalized.json", r -> {
      ObjectNode key = (ObjectNode) r.path("data").path("key");
      key.put("remoteJid", "120363000000000001@g.us");
      key.put("participant", "5511900000003@s.whatsapp.net");
    });
  }

  @Test
  void dropsDuplicatesInsideOneBatch() throws Exception {
    JsonNode one = JSON.readTree(bytes("messages_upsert_extended_text_normalized.json"));
    ObjectNode root = (ObjectNode) one.deepCopy();
    root.putArray("data").add(one.get("data")).add(one.get("data"));

    assertThat(handle(JSON.writeValueAsBytes(root))).hasSize(1);
  }

  @Test
  void ignoresEventsForAnotherInstance() throws Exception {
    byte[] body = edit("messages_upsert_extended_text_normalized.json",
        r -> r.put("instance", "someone-else"));

    assertThat(handle(body)).singleElement()
        .satisfies(e -> assertThat(e.eventType()).isEqualTo("ignored:other_instance"));
  }

  // ------------------------------------------------------------- simple payload

  @Test
  void acceptsTheSimplePayloadShape() {
    byte[] body = ("{\"instanceKey\": \"demo\", \"message\": {\"from\": \"+1234567890\", "
        + "\"body\": \"Where is my order?\", \"timestamp\": \"1700000000\", "
        + "\"messageId\": \"SIMPLE-1\", \"type\": \"text\"}}").getBytes(StandardCharsets.UTF_8);

    List<InboundEvent> out = channel.handleWebhook(post(body, Map.of("x-wacanda-secret",
        List.of(WEBHOOK_SECRET)))).events();

    InboundMessage m = ((InboundEvent.Message) out.get(0)).message();
    assertThat(m.messageId()).isEqualTo("SIMPLE-1");
    assertThat(m.senderId()).isEqualTo("1234567890");
    assertThat(m.chatId()).isEqualTo("1234567890");
    assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1700000000));
    assertThat(m.content()).isEqualTo(new MessageContent.Text("Where is my order?"));
  }

  @Test
  void theSimpleShapeAcceptsIsoTimestampsAndNeedsAuthenticationToo() {
    byte[] body = ("{\"instanceKey\":\"demo\",\"message\":{\"from\":\"+1234567890\",\"body\":"
        + "\"hi\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"messageId\":\"S2\",\"type\":\"text\"}}")
        .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> channel.handleWebhook(post(body, Map.of())))
        .isInstanceOf(WacandaException.class);
    InboundMessage m = ((InboundEvent.Message) channel.handleWebhook(post(body,
        Map.of("x-wacanda-secret", List.of(WEBHOOK_SECRET)))).events().get(0)).message();
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
  }

  // -------------------------------------------------------------------- statuses

  @Test
  void readsAStatusUpdateOfOurMessage() {
    List<InboundEvent> out = handle(bytes("messages_update_status.json"));

    InboundEvent.Status s = (InboundEvent.Status) out.get(0);
    assertThat(s.platformMessageId()).isEqualTo("3EB06664456CEB540ACCEB31333296464363194A");
    assertThat(s.state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(s.recipientId()).isEqualTo("200000000000001@lid");
    assertThat(s.timestamp()).isEqualTo(Instant.parse("2026-06-13T14:33:45.338Z"));
    assertThat(s.idempotencyKey())
        .isEqualTo("status:3EB06664456CEB540ACCEB31333296464363194A:delivered");
  }

  // ----------------------------------------------------------- connection events

  @Test
  void aLogoutFromThePhoneAsksForANewQrWithoutLooping() {
    assertThat(handle(bytes("connection_update_close_401.json"))).isEmpty();

    assertThat(events.last()).hasValueSatisfying(s -> {
      assertThat(s.state()).isEqualTo(ConnectionState.DISCONNECTED);
      assertThat(s.message()).contains("logged out").contains("QR");
    });
    assertThat(scheduler.delays()).isEmpty();
  }

  @Test
  void aNewQrCodeIsKeptForTheAdminAndNeverStored() {
    assertThat(handle(bytes("qrcode_updated.json"))).isEmpty();

    assertThat(channel.connectionControl().orElseThrow().qrCode())
        .contains("2@FAKEQRCODE,abc,def,ghi");
    assertThat(events.last()).hasValueSatisfying(s -> {
      assertThat(s.state()).isEqualTo(ConnectionState.CONNECTING);
      assertThat(s.message()).contains("scan").doesNotContain("FAKEQRCODE");
    });
    // a QR older than a minute is stale
    clock.advance(BaileysConnection.QR_MAX_AGE.plusSeconds(1));
    assertThat(channel.connectionControl().orElseThrow().qrCode()).isEmpty();
  }
}
