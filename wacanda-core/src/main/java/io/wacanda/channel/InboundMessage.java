package io.wacanda.channel;

import io.wacanda.internal.MessageLimits;
import io.wacanda.internal.Texts;
import java.time.Instant;
import java.util.Objects;

/**
 * A customer message, normalized across platforms.
 *
 * @param messageId the platform's message id; the inbox is idempotent on it
 * @param chatId where replies go (a Telegram chat, a WhatsApp number); equals {@code senderId} in
 *     one-to-one chats
 * @param senderId the platform's id of the customer; one session per (integration, sender)
 * @param senderName display name when the platform gives one, cut to 256 characters (a display
 *     name is shown, not matched, and a longer one would not fit the stores' columns); empty
 *     otherwise
 * @param replyToMessageId the message this one replies to; empty when none
 *
 * <p>Strings here and in {@link MessageContent} never hold U+0000 (NUL) or an unpaired surrogate:
 * each becomes U+FFFD ({@code Texts.storable}), since PostgreSQL cannot store NUL and a lone
 * surrogate is not text.
 */
public record InboundMessage(
    String messageId,
    String chatId,
    String senderId,
    String senderName,
    Instant timestamp,
    MessageContent content,
    String replyToMessageId) {

  public InboundMessage {
    messageId = Texts.storable(Objects.requireNonNull(messageId, "messageId"));
    senderId = Texts.storable(Objects.requireNonNull(senderId, "senderId"));
    chatId = chatId == null || chatId.isEmpty() ? senderId : Texts.storable(chatId);
    senderName = senderName == null ? ""
        : Texts.storable(Texts.truncate(senderName, MessageLimits.ID));
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(content, "content");
    replyToMessageId = replyToMessageId == null ? "" : Texts.storable(replyToMessageId);
  }

  /** A plain text message in a one-to-one chat. */
  public static InboundMessage text(String messageId, String senderId, String senderName,
      Instant timestamp, String text) {
    return new InboundMessage(messageId, senderId, senderId, senderName, timestamp,
        new MessageContent.Text(text), "");
  }

  @Override
  public String toString() {
    // Message text is customer data: keep it out of logs.
    return "InboundMessage[id=" + messageId + ", sender=" + senderId + ", content="
        + content.getClass().getSimpleName() + "]";
  }
}
