package io.wacanda.whatsapp.cloud;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.WacandaException;
import io.wacanda.channel.MessageContent.MediaKind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An approved WhatsApp message template to send, with its parameters: the only kind of message
 * WhatsApp delivers outside the 24-hour customer service window. The template itself (name,
 * language, text with {@code {{1}}} placeholders) is created and approved in WhatsApp Manager; this
 * fills in its parameters. Immutable; build with {@link #builder(String, String)}.
 *
 * <pre>{@code
 * TemplateMessage t = TemplateMessage.builder("order_update", "en_US")
 *     .bodyParameters("Ana", "#1234")
 *     .quickReplyPayload(0, "TRACK_1234")
 *     .build();
 * }</pre>
 */
public final class TemplateMessage {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,512}");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Za-z]{2,4})?");
  /** Buttons per template, as WhatsApp allows. */
  static final int MAX_BUTTONS = 10;

  private final String name;
  private final String language;
  private final List<String> headerParameters;
  private final Optional<HeaderMedia> headerMedia;
  private final List<String> bodyParameters;
  private final Map<Integer, String> quickReplyPayloads;
  private final Map<Integer, String> urlButtonParameters;

  /** A header image, video or document sent by link. */
  public record HeaderMedia(MediaKind kind, URI link) {
    public HeaderMedia {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(link, "link");
      if (kind != MediaKind.IMAGE && kind != MediaKind.VIDEO && kind != MediaKind.DOCUMENT) {
        throw WacandaException.invalid("a template header can be an IMAGE, VIDEO or DOCUMENT, "
            + "not " + kind);
      }
    }
  }

  private TemplateMessage(Builder b) {
    this.name = b.name;
    this.language = b.language;
    this.headerParameters = List.copyOf(b.headerParameters);
    this.headerMedia = Optional.ofNullable(b.headerMedia);
    this.bodyParameters = List.copyOf(b.bodyParameters);
    this.quickReplyPayloads = Map.copyOf(b.quickReplyPayloads);
    this.urlButtonParameters = Map.copyOf(b.urlButtonParameters);
  }

  /**
   * Starts a template message.
   *
   * @param name the template's name as approved, e.g. {@code order_update}
   * @param language its language code, e.g. {@code en_US} or {@code pt_BR}
   * @throws WacandaException INVALID_REQUEST when either is malformed
   */
  public static Builder builder(String name, String language) {
    return new Builder(name, language);
  }

  /** A template with body parameters only (the common case). */
  public static TemplateMessage of(String name, String language, String... bodyParameters) {
    return builder(name, language).bodyParameters(bodyParameters).build();
  }

  public String name() {
    return name;
  }

  public String language() {
    return language;
  }

  public List<String> bodyParameters() {
    return bodyParameters;
  }

  public List<String> headerParameters() {
    return headerParameters;
  }

  public Optional<HeaderMedia> headerMedia() {
    return headerMedia;
  }

  /** Writes the Graph {@code template} object. */
  void writeTo(ObjectNode template) {
    template.put("name", name);
    template.putObject("language").put("code", language);
    ArrayNode components = template.putArray("components");
    if (!headerParameters.isEmpty() || headerMedia.isPresent()) {
      ArrayNode params = components.addObject().put("type", "header").putArray("parameters");
      headerParameters.forEach(p -> params.addObject().put("type", "text").put("text", p));
      headerMedia.ifPresent(m -> {
        String t = m.kind().name().toLowerCase(Locale.ROOT);
        params.addObject().put("type", t).putObject(t).put("link", m.link().toString());
      });
    }
    if (!bodyParameters.isEmpty()) {
      ArrayNode params = components.addObject().put("type", "body").putArray("parameters");
      bodyParameters.forEach(p -> params.addObject().put("type", "text").put("text", p));
    }
    new TreeMap<>(quickReplyPayloads).forEach((index, payload) -> components.addObject()
        .put("type", "button").put("sub_type", "quick_reply").put("index", String.valueOf(index))
        .putArray("parameters").addObject().put("type", "payload").put("payload", payload));
    new TreeMap<>(urlButtonParameters).forEach((index, text) -> components.addObject()
        .put("type", "button").put("sub_type", "url").put("index", String.valueOf(index))
        .putArray("parameters").addObject().put("type", "text").put("text", text));
    if (components.isEmpty()) {
      template.remove("components");
    }
  }

  @Override
  public String toString() {
    // Parameters may hold customer data: keep them out of logs.
    return "TemplateMessage[" + name + ", " + language + ", " + bodyParameters.size()
        + " body parameters]";
  }

  /** Options of a {@link TemplateMessage}; setters reject bad values at once. */
  public static final class Builder {
    private final String name;
    private final String language;
    private final List<String> headerParameters = new ArrayList<>();
    private HeaderMedia headerMedia;
    private final List<String> bodyParameters = new ArrayList<>();
    private final Map<Integer, String> quickReplyPayloads = new TreeMap<>();
    private final Map<Integer, String> urlButtonParameters = new TreeMap<>();

    private Builder(String name, String language) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw WacandaException.invalid("template name must be lower-case letters, digits and _ "
            + "(as approved in WhatsApp Manager)");
      }
      if (language == null || !LANGUAGE.matcher(language).matches()) {
        throw WacandaException.invalid("template language must be a code like en or en_US");
      }
      this.name = name;
      this.language = language;
    }

    /** Values for {@code {{1}}}, {@code {{2}}}, ... of the body, in order. Default none. */
    public Builder bodyParameters(String... values) {
      for (String v : values) {
        bodyParameters.add(nonBlank(v, "body parameter"));
      }
      return this;
    }

    /** Values for a text header's placeholders. Default none. */
    public Builder headerParameters(String... values) {
      if (headerMedia != null) {
        throw WacandaException.invalid("a template header is text or media, not both");
      }
      for (String v : values) {
        headerParameters.add(nonBlank(v, "header parameter"));
      }
      return this;
    }

    /** A media header sent by link. Default none. */
    public Builder headerMedia(MediaKind kind, URI link) {
      if (!headerParameters.isEmpty()) {
        throw WacandaException.invalid("a template header is text or media, not both");
      }
      this.headerMedia = new HeaderMedia(kind, link);
      return this;
    }

    /** The payload returned when the quick-reply button at {@code index} (0-based) is tapped. */
    public Builder quickReplyPayload(int index, String payload) {
      quickReplyPayloads.put(buttonIndex(index), nonBlank(payload, "quick reply payload"));
      return this;
    }

    /** The dynamic suffix of the URL button at {@code index} (0-based). */
    public Builder urlButtonParameter(int index, String suffix) {
      urlButtonParameters.put(buttonIndex(index), nonBlank(suffix, "URL button parameter"));
      return this;
    }

    public TemplateMessage build() {
      for (Integer i : quickReplyPayloads.keySet()) {
        if (urlButtonParameters.containsKey(i)) {
          throw WacandaException.invalid("template button " + i + " has both a quick reply "
              + "payload and a URL parameter");
        }
      }
      return new TemplateMessage(this);
    }

    private static int buttonIndex(int index) {
      if (index < 0 || index >= MAX_BUTTONS) {
        throw WacandaException.invalid("template button index must be 0.." + (MAX_BUTTONS - 1));
      }
      return index;
    }

    private static String nonBlank(String v, String what) {
      if (v == null || v.isBlank()) {
        throw WacandaException.invalid(what + " must not be blank");
      }
      return v;
    }
  }
}
