package io.wacanda.channel;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.wacanda.internal.Texts;
import java.util.Objects;
import java.util.Optional;

/**
 * What a customer sent, normalized across platforms. {@link #asText()} is what the conversation
 * engine reads: the text, a caption, a button title.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MessageContent.Text.class, name = "text"),
    @JsonSubTypes.Type(value = MessageContent.Media.class, name = "media"),
    @JsonSubTypes.Type(value = MessageContent.Location.class, name = "location"),
    @JsonSubTypes.Type(value = MessageContent.InteractiveReply.class, name = "interactive_reply"),
    @JsonSubTypes.Type(value = MessageContent.Reaction.class, name = "reaction"),
    @JsonSubTypes.Type(value = MessageContent.Contact.class, name = "contact"),
    @JsonSubTypes.Type(value = MessageContent.Unsupported.class, name = "unsupported")
})
public sealed interface MessageContent {

  /** The text the engine answers; empty when there is nothing to answer (a reaction, a sticker). */
  String asText();

  /** Plain text. */
  record Text(String body) implements MessageContent {
    public Text {
      body = Texts.storable(Objects.requireNonNull(body, "body"));
    }

    @Override
    public String asText() {
      return body;
    }
  }

  /** Kinds of media a platform may carry. */
  enum MediaKind { IMAGE, AUDIO, VOICE, VIDEO, DOCUMENT, STICKER }

  /**
   * A media attachment.
   *
   * @param reference a URL or the platform's media id (fetched through the channel when needed)
   * @param caption text sent with the media; empty when none
   */
  record Media(MediaKind mediaKind, String reference, String mimeType, String caption,
      String fileName) implements MessageContent {
    public Media {
      Objects.requireNonNull(mediaKind, "mediaKind");
      reference = Texts.storable(Objects.requireNonNull(reference, "reference"));
      mimeType = mimeType == null ? "" : Texts.storable(mimeType);
      caption = caption == null ? "" : Texts.storable(caption);
      fileName = fileName == null ? "" : Texts.storable(fileName);
    }

    @Override
    public String asText() {
      return caption;
    }
  }

  /** A shared location. */
  record Location(double latitude, double longitude, String name, String address)
      implements MessageContent {
    public Location {
      name = name == null ? "" : Texts.storable(name);
      address = address == null ? "" : Texts.storable(address);
    }

    @Override
    public String asText() {
      return "";
    }
  }

  /** The customer tapped a button or list row the bot sent. */
  record InteractiveReply(String id, String title) implements MessageContent {
    public InteractiveReply {
      id = Texts.storable(Objects.requireNonNull(id, "id"));
      title = title == null ? "" : Texts.storable(title);
    }

    @Override
    public String asText() {
      return title.isEmpty() ? id : title;
    }
  }

  /** An emoji reaction to an earlier message; an empty emoji removes the reaction. */
  record Reaction(String targetMessageId, String emoji) implements MessageContent {
    public Reaction {
      targetMessageId = Texts.storable(Objects.requireNonNull(targetMessageId,
          "targetMessageId"));
      emoji = emoji == null ? "" : Texts.storable(emoji);
    }

    @Override
    public String asText() {
      return "";
    }
  }

  /** A shared contact card. */
  record Contact(String name, String phone) implements MessageContent {
    public Contact {
      name = name == null ? "" : Texts.storable(name);
      phone = phone == null ? "" : Texts.storable(phone);
    }

    @Override
    public String asText() {
      return "";
    }
  }

  /** A message kind this channel does not model; kept so nothing is lost. */
  record Unsupported(String platformType) implements MessageContent {
    public Unsupported {
      platformType = platformType == null ? "unknown" : Texts.storable(platformType);
    }

    @Override
    public String asText() {
      return "";
    }
  }

  static Optional<String> textOf(MessageContent content) {
    String t = content.asText();
    return t.isBlank() ? Optional.empty() : Optional.of(t);
  }
}
