package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.MessageContent.MediaKind;
import io.wacanda.internal.Json;
import io.wacanda.testing.Fixtures;
import io.wacanda.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parses the real payloads in shared/fixtures/telegram. */
class UpdateParserTest {
  private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
  private final UpdateParser parser = new UpdateParser(clock);

  static JsonNode fixture(String name) {
    try {
      return Json.mapper().readTree(Fixtures.bytes("telegram/" + name));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private UpdateParser.Parsed parse(String name) {
    return parser.parse(fixture(name));
  }

  private static InboundMessage message(UpdateParser.Parsed p) {
    assertThat(p.event()).isInstanceOf(InboundEvent.Message.class);
    return ((InboundEvent.Message) p.event()).message();
  }

  @Test
  void startCommandIsStoredAndIgnored() {
    UpdateParser.Parsed p = parse("update_private_text.json");
    assertThat(p.event()).isInstanceOf(InboundEvent.Ignored.class);
    assertThat(p.event().eventType()).isEqualTo("ignored:bot_command:start");
    assertThat(p.reachableChat()).contains("1111111");
  }

  @Test
  void privateTextBecomesAMessageKeyedByChatAndMessageId() {
    JsonNode update = fixture("update_private_text.json").deepCopy();
    ((ObjectNode) update.get("message")).put("text", "Where is my order?");
    InboundMessage m = message(parser.parse(update));
    assertThat(m.messageId()).isEqualTo("1111111:1365");
    assertThat(m.chatId()).isEqualTo("1111111");
    assertThat(m.senderId()).isEqualTo("1111111");
    assertThat(m.senderName()).isEqualTo("Test Firstname Test Lastname");
    assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1441645532));
    assertThat(m.content()).isEqualTo(new MessageContent.Text("Where is my order?"));
  }

  @Test
  void editedMessageIsANewEventWithItsEditDate() {
    InboundMessage m = message(parse("update_edited_message.json"));
    assertThat(m.messageId()).isEqualTo("1111111:1365:e1441646600");
    assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1441646600));
    assertThat(m.content().asText()).isEqualTo("Edited text");
    // Same update_id (10000) as update_private_text.json, yet a different key.
    assertThat(parse("update_edited_message.json").event().idempotencyKey())
        .isNotEqualTo(parse("update_private_text.json").event().idempotencyKey());
  }

  @Test
  void photoWithCaptionIsTheLargestImage() {
    InboundMessage m = message(parse("update_photo_caption.json"));
    assertThat(m.content()).isEqualTo(new MessageContent.Media(MediaKind.IMAGE,
        "AgADAQADtKcxG4LRUUQSQVUjfJIiiF8G6C8ABA9NJzFdXskaincBAAEC", "image/jpeg",
        "Photo Caption", ""));
    assertThat(m.content().asText()).isEqualTo("Photo Caption");
    assertThat(m.senderId()).isEqualTo("100000001");
  }

  @Test
  void documentKeepsItsNameAndType() {
    InboundMessage m = message(parse("update_document.json"));
    assertThat(m.content()).isEqualTo(new MessageContent.Media(MediaKind.DOCUMENT,
        "BQADAQADCgADgtFRRPrv9GQ95f8eAg", "application/vnd.ms-excel", "",
        "TabFig2015prel.xls"));
  }

  @Test
  void voiceIsVoiceMedia() {
    InboundMessage m = message(parse("update_voice.json"));
    assertThat(m.content()).isEqualTo(new MessageContent.Media(MediaKind.VOICE,
        "AwADAQADCQADgtFRRGn8KrC-0D_MAg", "audio/ogg", "", ""));
  }

  @Test
  void locationAndContactAreModelled() {
    assertThat(message(parse("update_location.json")).content())
        .isEqualTo(new MessageContent.Location(-2.890287, -79.004333, "", ""));
    assertThat(message(parse("update_contact.json")).content())
        .isEqualTo(new MessageContent.Contact("Test Contact", "0700000000"));
  }

  @Test
  void supergroupCommandRepliesInTheGroupToTheSender() {
    InboundMessage m = message(parse("update_message_bot_command.json"));
    assertThat(m.chatId()).isEqualTo("-1001000000001");
    assertThat(m.senderId()).isEqualTo("100000001");
    assertThat(m.senderName()).isEqualTo("Test");
    assertThat(m.messageId()).isEqualTo("-1001000000001:134546");
    assertThat(m.replyToMessageId()).isEqualTo("-1001000000001:134545");
    assertThat(m.content().asText()).isEqualTo("/report");
  }

  @Test
  void forumTopicMessagesAreAnsweredInTheirTopic() {
    JsonNode update = fixture("update_message_bot_command.json").deepCopy();
    ((ObjectNode) update.get("message")).put("is_topic_message", true);
    assertThat(message(parser.parse(update)).chatId()).isEqualTo("-1001000000001/134545");
  }

  @Test
  void callbackQueryIsAButtonReplyToAnswer() {
    UpdateParser.Parsed p = parse("update_callback_query.json");
    InboundMessage m = message(p);
    assertThat(m.messageId()).isEqualTo("cb:4382bfdwdsb323b2d9");
    assertThat(m.chatId()).isEqualTo("2");
    assertThat(m.senderId()).isEqualTo("1");
    assertThat(m.replyToMessageId()).isEqualTo("2:3572");
    assertThat(m.content()).isEqualTo(new MessageContent.InteractiveReply("*", "-=Font Size=-"));
    assertThat(m.timestamp()).isEqualTo(clock.instant());
    assertThat(p.callbackQueryId()).contains("4382bfdwdsb323b2d9");
  }

  @Test
  void callbackTitleIsTheTappedButtonsText() {
    JsonNode update = fixture("update_callback_query.json").deepCopy();
    ((ObjectNode) update.get("callback_query")).put("data", "StringValue;font;Font Name;Zapfino");
    assertThat(message(parser.parse(update)).content()).isEqualTo(
        new MessageContent.InteractiveReply("StringValue;font;Font Name;Zapfino", "Zapfino"));
  }

  @Test
  void blockedByTheCustomerClosesTheConversation() {
    UpdateParser.Parsed p = parse("update_my_chat_member_kicked.json");
    assertThat(p.event()).isEqualTo(new InboundEvent.ConversationClosed(
        "blocked:100000001:1672908506", "100000001", "the customer blocked the bot on Telegram"));
    assertThat(p.blockedChat()).contains("100000001");
  }

  @Test
  void unblockingMakesTheChatReachableAgain() {
    JsonNode update = fixture("update_my_chat_member_kicked.json").deepCopy();
    ObjectNode member = (ObjectNode) update.get("my_chat_member");
    ((ObjectNode) member.get("new_chat_member")).put("status", "member");
    ((ObjectNode) member.get("old_chat_member")).put("status", "kicked");
    UpdateParser.Parsed p = parser.parse(update);
    assertThat(p.event()).isInstanceOf(InboundEvent.Ignored.class);
    assertThat(p.reachableChat()).contains("100000001");
    assertThat(p.blockedChat()).isEmpty();
  }

  @Test
  void getUpdatesBatchParsesTextAndIgnoresChannelPostsAndServiceMessages() {
    List<UpdateParser.Parsed> parsed = new ArrayList<>();
    fixture("getUpdates_response.json").get("result").forEach(u -> parsed.add(parser.parse(u)));
    assertThat(message(parsed.get(0)).content().asText()).isEqualTo("test");
    assertThat(message(parsed.get(0)).messageId()).isEqualTo("100000001:15");
    assertThat(parsed.get(1).event().eventType()).isEqualTo("ignored:channel_post");
    assertThat(parsed.get(2).event().eventType()).isEqualTo("ignored:message:left_chat_member");
  }

  @Test
  void groupMigrationIsRemembered() {
    ObjectNode update = Json.mapper().createObjectNode();
    update.put("update_id", 5);
    update.set("message", fixture("message_group_migrate_to_chat_id.json"));
    UpdateParser.Parsed p = parser.parse(update);
    assertThat(p.event()).isInstanceOf(InboundEvent.Ignored.class);
    assertThat(p.migration()).contains(new UpdateParser.Migration("-200000002", "-1001000000004"));
  }

  @Test
  void unknownKindsAreIgnoredNeverAnError() {
    JsonNode update = Json.mapper().createObjectNode().put("update_id", 77)
        .set("message_reaction_count", Json.mapper().createObjectNode().put("x", 1));
    UpdateParser.Parsed p = parser.parse(update);
    assertThat(p.event()).isEqualTo(
        new InboundEvent.Ignored("update:77:message_reaction_count", "message_reaction_count"));
  }

  @Test
  void unreadableKnownKindsAreIgnoredToo() {
    JsonNode update = Json.mapper().createObjectNode().put("update_id", 78)
        .put("callback_query", "not an object");
    assertThat(parser.parse(update).event().eventType()).startsWith("ignored:callback_query");
  }

  @Test
  void messagesFromOtherBotsAreIgnored() {
    JsonNode update = fixture("update_private_text.json").deepCopy();
    ((ObjectNode) update.get("message").get("from")).put("is_bot", true);
    assertThat(parser.parse(update).event().eventType()).isEqualTo("ignored:message:from_bot");
  }

  @Test
  void rejectsAnythingThatIsNotAnUpdate() {
    assertThatThrownBy(() -> parser.parse(Json.mapper().createObjectNode().put("x", 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyFixtureUpdateHasADistinctKey() {
    Set<String> keys = new HashSet<>();
    for (String f : List.of("update_private_text.json", "update_edited_message.json",
        "update_photo_caption.json", "update_document.json", "update_voice.json",
        "update_location.json", "update_contact.json", "update_message_bot_command.json",
        "update_callback_query.json", "update_my_chat_member_kicked.json")) {
      assertThat(keys.add(parse(f).event().idempotencyKey())).as(f).isTrue();
      assertThat(parse(f).event().idempotencyKey()).as("stable " + f)
          .isEqualTo(parse(f).event().idempotencyKey());
    }
  }

  /** Kinds without a shared fixture: built from the voice fixture with the documented fields. */
  private InboundMessage withContent(String field, String json) {
    JsonNode update = fixture("update_voice.json").deepCopy();
    ObjectNode m = (ObjectNode) update.get("message");
    m.remove("voice");
    try {
      m.set(field, Json.mapper().readTree(json));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return message(parser.parse(update));
  }

  @Test
  void videoStickerAnimationAndVenueAreModelled() {
    assertThat(withContent("video", "{\"file_id\":\"V1\",\"mime_type\":\"video/mp4\","
        + "\"file_name\":\"clip.mp4\",\"duration\":3}").content())
        .isEqualTo(new MessageContent.Media(MediaKind.VIDEO, "V1", "video/mp4", "", "clip.mp4"));
    assertThat(withContent("sticker", "{\"file_id\":\"S1\",\"is_animated\":false,"
        + "\"is_video\":true,\"emoji\":\"x\"}").content())
        .isEqualTo(new MessageContent.Media(MediaKind.STICKER, "S1", "video/webm", "", ""));
    assertThat(withContent("venue", "{\"location\":{\"latitude\":1.5,\"longitude\":2.5},"
        + "\"title\":\"Shop\",\"address\":\"Main St 1\"}").content())
        .isEqualTo(new MessageContent.Location(1.5, 2.5, "Shop", "Main St 1"));
    assertThat(withContent("animation", "{\"file_id\":\"A1\"}").content())
        .isEqualTo(new MessageContent.Media(MediaKind.VIDEO, "A1", "video/mp4", "", ""));
  }

  @Test
  void pollsAndOtherContentKindsAreIgnored() {
    JsonNode update = fixture("update_voice.json").deepCopy();
    ObjectNode m = (ObjectNode) update.get("message");
    m.remove("voice");
    m.putObject("poll").put("question", "?");
    assertThat(parser.parse(update).event().eventType()).isEqualTo("ignored:message:poll");
  }

  @Test
  void anAnonymousGroupAdminIsTheSenderChat() {
    JsonNode update = fixture("update_message_bot_command.json").deepCopy();
    ObjectNode m = (ObjectNode) update.get("message");
    m.remove("from");
    m.putObject("sender_chat").put("id", -1001000000001L).put("title", "Test Support Group");
    m.put("text", "Where is order 12?");
    InboundMessage in = message(parser.parse(update));
    assertThat(in.senderId()).isEqualTo("-1001000000001");
    assertThat(in.senderName()).isEqualTo("Test Support Group");
  }
}
