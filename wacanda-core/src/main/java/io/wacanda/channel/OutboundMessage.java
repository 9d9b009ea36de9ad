package io.wacanda.channel;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send to a customer. The engine splits texts to the channel's limits and turns
 * buttons into a numbered menu on channels without buttons before a channel sees them.
 *
 * @param recipientId the chat id to send to ({@link InboundMessage#chatId()})
 * @param idempotencyKey unique per logical send; a retried send with the same key never sends twice
 */
public record OutboundMessage(String recipientId, String text, List<Button> buttons,
    Optional<Media> media, String idempotencyKey) {

  public OutboundMessage {
    Objects.requireNonNull(recipientId, "recipientId");
    text = text == null ? "" : text;
    buttons = List.copyOf(buttons);
    Objects.requireNonNull(media, "media");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }

  public static OutboundMessage text(String recipientId, String text, String idempotencyKey) {
    return new OutboundMessage(recipientId, text, List.of(), Optional.empty(), idempotencyKey);
  }

  public OutboundMessage withText(String newText, String newKey) {
    return new OutboundMessage(recipientId, newText, buttons, media, newKey);
  }

  /** A quick-reply button: {@code id} comes back in {@link MessageContent.InteractiveReply}. */
  public record Button(String id, String title) {
    public Button {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(title, "title");
    }
  }

  /** Media sent by URL. */
  public record Media(MessageContent.MediaKind kind, URI url, String caption) {
    public Media {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(url, "url");
      caption = caption == null ? "" : caption;
    }
  }

  @Override
  public String toString() {
    return "OutboundMessage[to=" + recipientId + ", key=" + idempotencyKey + ", chars="
        + text.length() + ", buttons=" + buttons.size() + "]";
  }
}
