package io.wacanda.telegram;

import io.wacanda.WacandaException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a reply goes: a Telegram chat id, and the forum topic for messages written in one. Written
 * as {@code <chat_id>} or {@code <chat_id>/<message_thread_id>} in
 * {@link io.wacanda.channel.InboundMessage#chatId()}, so replies to a forum topic land in that
 * topic. {@code @channelusername} is accepted for sends too.
 */
record ChatAddress(String chatId, Optional<Long> threadId) {
  private static final Pattern FORMAT =
      Pattern.compile("^(-?\\d{1,20}|@[A-Za-z0-9_]{4,64})(?:/(\\d{1,20}))?$");

  static ChatAddress of(long chatId) {
    return new ChatAddress(Long.toString(chatId), Optional.empty());
  }

  static ChatAddress parse(String recipientId) {
    Matcher m = FORMAT.matcher(recipientId == null ? "" : recipientId.strip());
    if (!m.matches()) {
      throw WacandaException.invalid("recipient '" + recipientId
          + "' is not a Telegram chat id (digits, optionally /topic, or @channelname)");
    }
    return new ChatAddress(m.group(1),
        m.group(2) == null ? Optional.empty() : Optional.of(Long.parseLong(m.group(2))));
  }

  /** Groups, supergroups and channels have negative ids; users positive. */
  boolean isGroup() {
    return chatId.startsWith("-") || chatId.startsWith("@");
  }

  /** Private chats: the chat id is the customer's user id. */
  boolean isPrivate() {
    return !isGroup();
  }

  ChatAddress withChat(String newChatId) {
    return new ChatAddress(newChatId, threadId);
  }

  /** The chat id as the JSON value Telegram expects: a number, or the {@code @name} string. */
  Object jsonValue() {
    return chatId.startsWith("@") ? chatId : (Object) Long.parseLong(chatId);
  }

  @Override
  public String toString() {
    return threadId.map(t -> chatId + "/" + t).orElse(chatId);
  }
}
