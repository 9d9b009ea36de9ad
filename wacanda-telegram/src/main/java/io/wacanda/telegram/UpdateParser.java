package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.MessageContent.MediaKind;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one Telegram Update into one normalized {@link InboundEvent}, plus what the channel should
 * remember (a chat that blocked the bot or came back, a group that became a supergroup, a callback
 * query to answer). Never throws for an Update with an {@code update_id}: unknown or unreadable kinds
 * become {@link InboundEvent.Ignored}.
 *
 * <p>Idempotency: a message's id is {@code <chat_id>:<message_id>} (Telegram numbers messages per
 * chat and never reuses a number in a chat), an edit adds {@code :e<edit_date>} so each edit is a new
 * event, a callback query is {@code cb:<id>}. These keys do not depend on {@code update_id}, whose
 * sequence restarts at a random value after a quiet week. Ignored kinds, which have no such id, use
 * {@code update_id} and their kind. Thread-safe.
 */
final class UpdateParser {
  private static final Logger log = LoggerFactory.getLogger(UpdateParser.class);
  private static final Pattern START = Pattern.compile("^/start(@\\w+)?(\\s.*)?$",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  /** Message fields that describe a message rather than carry its content. */
  private static final Set<String> META = Set.of("message_id", "message_thread_id", "from",
      "sender_chat", "sender_boost_count", "sender_business_bot", "date", "business_connection_id",
      "chat", "forward_origin", "forward_from", "forward_from_chat", "forward_from_message_id",
      "forward_signature", "forward_sender_name", "forward_date", "is_topic_message",
      "is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story",
      "via_bot", "edit_date", "has_protected_content", "is_from_offline", "media_group_id",
      "author_signature", "entities", "caption_entities", "caption", "link_preview_options",
      "effect_id", "show_caption_above_media", "has_media_spoiler", "reply_markup",
      "paid_star_count", "left_chat_participant", "new_chat_participant");

  private final Clock clock;

  UpdateParser(Clock clock) {
    this.clock = clock;
  }

  /** What one Update means. */
  record Parsed(InboundEvent event, Optional<String> callbackQueryId,
      Optional<String> blockedChat, Optional<String> reachableChat,
      Optional<Migration> migration) {

    static Parsed of(InboundEvent event) {
      return new Parsed(event, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty());
    }

    Parsed reachable(String chatId) {
      return new Parsed(event, callbackQueryId, blockedChat, Optional.of(chatId), migration);
    }

    Parsed blocked(String chatId) {
      return new Parsed(event, callbackQueryId, Optional.of(chatId), reachableChat, migration);
    }

    Parsed answering(String callbackId) {
      return new Parsed(event, Optional.of(callbackId), blockedChat, reachableChat, migration);
    }

    Parsed migrating(String from, String to) {
      return new Parsed(event, callbackQueryId, blockedChat, reachableChat,
          Optional.of(new Migration(from, to)));
    }
  }

  /** A group that became a supergroup: sends to {@code from} go to {@code to}. */
  record Migration(String from, String to) {}

  /**
   * Parses one Update object.
   *
   * @throws IllegalArgumentException when it is not an object with a numeric {@code update_id}
   */
  Parsed parse(JsonNode update) {
    if (update == null || !update.isObject() || !update.path("update_id").canConvertToLong()) {
      throw new IllegalArgumentException("not a Telegram Update (no update_id)");
    }
    long updateId = update.get("update_id").asLong();
    String kind = kindOf(update);
    try {
      switch (kind) {
        case "message":
          return message(updateId, update.get(kind), false);
        case "edited_message":
          return message(updateId, update.get(kind), true);
        case "callback_query":
          return callback(updateId, update.get(kind));
        case "my_chat_member":
          return myChatMember(updateId, update.get(kind));
        default:
          return Parsed.of(ignored(updateId, kind));
      }
    } catch (RuntimeException e) {
      log.debug("Update {} of kind {} is unreadable ({}); stored as ignored", updateId, kind,
          e.getClass().getSimpleName());
      return Parsed.of(ignored(updateId, kind + ":unreadable"));
    }
  }

  private static String kindOf(JsonNode update) {
    Iterator<String> names = update.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("update_id")) {
        return n;
      }
    }
    return "empty";
  }

  private Parsed message(long updateId, JsonNode m, boolean edited) {
    JsonNode chat = m.path("chat");
    if (!chat.path("id").canConvertToLong()) {
      return Parsed.of(ignored(updateId, "message:no_chat"));
    }
    String chatId = chat.get("id").asText();
    if (m.path("migrate_to_chat_id").canConvertToLong()) {
      return Parsed.of(ignored(updateId, "message:migrate_to_chat_id"))
          .migrating(chatId, m.get("migrate_to_chat_id").asText());
    }
    if (m.path("migrate_from_chat_id").canConvertToLong()) {
      return Parsed.of(ignored(updateId, "message:migrate_from_chat_id"))
          .migrating(m.get("migrate_from_chat_id").asText(), chatId);
    }
    if (chat.path("type").asText("").equals("channel")) {
      return Parsed.of(ignored(updateId, "message:channel"));
    }
    JsonNode from = m.path("from");
    String senderId;
    String senderName;
    if (from.path("id").canConvertToLong()) {
      if (from.path("is_bot").asBoolean(false)) {
        return Parsed.of(ignored(updateId, "message:from_bot"));
      }
      senderId = from.get("id").asText();
      senderName = nameOf(from);
    } else if (m.path("sender_chat").path("id").canConvertToLong()) {
      senderId = m.get("sender_chat").get("id").asText();
      senderName = m.get("sender_chat").path("title").asText("");
    } else {
      senderId = chatId;
      senderName = chat.path("title").asText(nameOf(chat));
    }
    Optional<MessageContent> content = contentOf(m);
    if (content.isEmpty()) {
      return Parsed.of(ignored(updateId, "message:" + firstContentKey(m))).reachable(chatId);
    }
    if (content.get() instanceof MessageContent.Text t && START.matcher(t.body()).matches()) {
      // Every private conversation opens with /start; it is not a question to answer.
      return Parsed.of(ignored(updateId, "bot_command:start")).reachable(chatId);
    }
    String replyTo = replyAddress(chatId, m);
    String messageId = chatId + ":" + m.path("message_id").asLong();
    Instant at = Instant.ofEpochSecond(m.path("date").asLong(0));
    if (edited) {
      long editDate = m.path("edit_date").asLong(0);
      messageId += ":e" + editDate;
      if (editDate > 0) {
        at = Instant.ofEpochSecond(editDate);
      }
    }
    String replyToId = m.path("reply_to_message").path("message_id").canConvertToLong()
        ? chatId + ":" + m.get("reply_to_message").get("message_id").asLong() : "";
    InboundMessage message = new InboundMessage(messageId, replyTo, senderId, senderName, at,
        content.get(), replyToId);
    return Parsed.of(new InboundEvent.Message(message)).reachable(chatId);
  }

  private static String replyAddress(String chatId, JsonNode m) {
    if (m.path("is_topic_message").asBoolean(false)
        && m.path("message_thread_id").canConvertToLong()) {
      return chatId + "/" + m.get("message_thread_id").asLong();
    }
    return chatId;
  }

  static Optional<MessageContent> contentOf(JsonNode m) {
    String caption = m.path("caption").asText("");
    if (m.hasNonNull("text")) {
      return Optional.of(new MessageContent.Text(m.get("text").asText()));
    }
    if (m.hasNonNull("animation")) {
      return Optional.of(media(MediaKind.VIDEO, m.get("animation"), "video/mp4", caption));
    }
    if (m.path("photo").isArray() && m.get("photo").size() > 0) {
      JsonNode best = null;
      long bestArea = -1;
      for (JsonNode size : m.get("photo")) {
        long area = size.path("width").asLong(0) * size.path("height").asLong(0);
        if (area >= bestArea) {
          best = size;
          bestArea = area;
        }
      }
      return Optional.of(new MessageContent.Media(MediaKind.IMAGE,
          best.path("file_id").asText(), "image/jpeg", caption, ""));
    }
    if (m.hasNonNull("video")) {
      return Optional.of(media(MediaKind.VIDEO, m.get("video"), "video/mp4", caption));
    }
    if (m.hasNonNull("video_note")) {
      return Optional.of(media(MediaKind.VIDEO, m.get("video_note"), "video/mp4", caption));
    }
    if (m.hasNonNull("voice")) {
      return Optional.of(media(MediaKind.VOICE, m.get("voice"), "audio/ogg", caption));
    }
    if (m.hasNonNull("audio")) {
      return Optional.of(media(MediaKind.AUDIO, m.get("audio"), "audio/mpeg", caption));
    }
    if (m.hasNonNull("document")) {
      return Optional.of(media(MediaKind.DOCUMENT, m.get("document"), "", caption));
    }
    if (m.hasNonNull("sticker")) {
      JsonNode s = m.get("sticker");
      String mime = s.path("is_animated").asBoolean(false) ? "application/x-tgsticker"
          : s.path("is_video").asBoolean(false) ? "video/webm" : "image/webp";
      return Optional.of(new MessageContent.Media(MediaKind.STICKER,
          s.path("file_id").asText(), mime, "", ""));
    }
    if (m.hasNonNull("venue")) {
      JsonNode v = m.get("venue");
      JsonNode loc = v.path("location");
      return Optional.of(new MessageContent.Location(loc.path("latitude").asDouble(),
          loc.path("longitude").asDouble(), v.path("title").asText(""),
          v.path("address").asText("")));
    }
    if (m.hasNonNull("location")) {
      JsonNode loc = m.get("location");
      return Optional.of(new MessageContent.Location(loc.path("latitude").asDouble(),
          loc.path("longitude").asDouble(), "", ""));
    }
    if (m.hasNonNull("contact")) {
      JsonNode c = m.get("contact");
      return Optional.of(new MessageContent.Contact(nameOf(c), c.path("phone_number").asText("")));
    }
    return Optional.empty();
  }

  private static MessageContent.Media media(MediaKind kind, JsonNode file, String defaultMime,
      String caption) {
    return new MessageContent.Media(kind, file.path("file_id").asText(),
        file.path("mime_type").asText(defaultMime), caption, file.path("file_name").asText(""));
  }

  private static String firstContentKey(JsonNode m) {
    Iterator<String> names = m.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!META.contains(n)) {
        return n;
      }
    }
    return "empty";
  }

  private Parsed callback(long updateId, JsonNode cb) {
    String id = cb.path("id").asText("");
    if (id.isEmpty()) {
      return Parsed.of(ignored(updateId, "callback_query:no_id"));
    }
    JsonNode from = cb.path("from");
    JsonNode message = cb.path("message");
    String chatId = message.path("chat").path("id").canConvertToLong()
        ? message.get("chat").get("id").asText() : from.path("id").asText("");
    if (!cb.hasNonNull("data") || chatId.isEmpty() || !from.path("id").canConvertToLong()) {
      // Game or inline-message callbacks: nothing to answer, but stop the client's spinner.
      return Parsed.of(ignored(updateId, "callback_query")).answering(id);
    }
    String data = cb.get("data").asText();
    String title = "";
    for (JsonNode row : message.path("reply_markup").path("inline_keyboard")) {
      for (JsonNode button : row) {
        if (title.isEmpty() && data.equals(button.path("callback_data").asText(null))) {
          title = button.path("text").asText("");
        }
      }
    }
    String replyToId = message.path("message_id").canConvertToLong()
        ? chatId + ":" + message.get("message_id").asLong() : "";
    InboundMessage in = new InboundMessage("cb:" + id, replyAddress(chatId, message),
        from.get("id").asText(), nameOf(from), clock.instant(),
        new MessageContent.InteractiveReply(data, title), replyToId);
    return Parsed.of(new InboundEvent.Message(in)).answering(id).reachable(chatId);
  }

  private Parsed myChatMember(long updateId, JsonNode u) {
    JsonNode chat = u.path("chat");
    if (!chat.path("id").canConvertToLong()) {
      return Parsed.of(ignored(updateId, "my_chat_member:no_chat"));
    }
    String chatId = chat.get("id").asText();
    String status = u.path("new_chat_member").path("status").asText("unknown");
    long date = u.path("date").asLong(0);
    boolean gone = status.equals("kicked") || status.equals("left");
    String key = "member:" + chatId + ":" + date + ":" + status;
    if (chat.path("type").asText("").equals("private")) {
      if (gone) {
        // The customer blocked the bot (or deleted the chat): close the session, stop sending.
        return Parsed.of(new InboundEvent.ConversationClosed("blocked:" + chatId + ":" + date,
            chatId, "the customer blocked the bot on Telegram")).blocked(chatId);
      }
      return Parsed.of(new InboundEvent.Ignored(key, "my_chat_member:" + status))
          .reachable(chatId);
    }
    Parsed p = Parsed.of(new InboundEvent.Ignored(key, "my_chat_member:" + status));
    return gone ? p.blocked(chatId) : p.reachable(chatId);
  }

  private static InboundEvent.Ignored ignored(long updateId, String kind) {
    return new InboundEvent.Ignored("update:" + updateId + ":" + kind, kind);
  }

  private static String nameOf(JsonNode person) {
    String name = (person.path("first_name").asText("") + " "
        + person.path("last_name").asText("")).strip();
    if (name.isEmpty()) {
      name = person.path("username").asText("");
    }
    return name;
  }
}
