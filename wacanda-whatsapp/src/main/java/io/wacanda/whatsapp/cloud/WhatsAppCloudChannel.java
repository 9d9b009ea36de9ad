package io.wacanda.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.MessageContent.MediaKind;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.OutboundMessage.Button;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.security.ApiKeys;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of one {@code whatsapp-cloud} integration: WhatsApp Business Cloud API webhooks in,
 * Graph API sends out. Thread-safe.
 *
 * <p>Webhooks: {@code GET} answers Meta's verification handshake (the {@code hub.challenge} as
 * plain text when {@code hub.verify_token} matches, 403 otherwise); {@code POST} verifies
 * {@code X-Hub-Signature-256} over the raw body before parsing anything (401 when missing or
 * wrong), then reads every entry and change: messages (idempotent on the {@code wamid}), statuses
 * (idempotent on id and state), and stores unsupported kinds as {@link InboundEvent.Ignored}.
 *
 * <p>Sending: text up to 4,096 characters; one to three buttons become reply buttons, four to ten
 * a list message; media by link with a caption; {@link #sendTemplate} for replies outside the
 * 24-hour window; {@link #markAsRead}. Graph errors: rate limits (4, 80007, 130429, 131056) throw
 * {@link io.wacanda.RetryableException} with a delay hint; 131047 throws
 * {@link TemplateRequiredException}; 190 (token) sets the integration's status to ERROR and throws
 * a final {@link WacandaException}. Graph takes no idempotency key, so a retry after a lost answer
 * can deliver a message twice.
 *
 * <p>Hosts reach a live channel with {@code WhatsAppCloudChannel.from(
 * wacanda.integrations().channel(integration))}.
 */
public final class WhatsAppCloudChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(WhatsAppCloudChannel.class);

  /** Characters per text message. */
  public static final int MAX_TEXT_LENGTH = 4096;
  /** Reply buttons per interactive message; more become a list. */
  public static final int MAX_REPLY_BUTTONS = 3;
  /** Rows per list message. */
  public static final int MAX_LIST_ROWS = 10;
  /** Characters per reply-button title. */
  public static final int MAX_BUTTON_TITLE = 20;
  /** Characters of an interactive message's body with reply buttons. */
  static final int MAX_BUTTON_BODY = 1024;
  /** Characters of a media caption. */
  static final int MAX_CAPTION = 1024;
  /** Label of the button that opens a list message. */
  static final String LIST_BUTTON_LABEL = "Options";
  /** Largest media file {@link #downloadMedia} reads: WhatsApp's 100 MB document limit. */
  public static final long MAX_MEDIA_BYTES = 100L * 1024 * 1024;
  private static final int MAX_CHALLENGE = 512;
  private static final ChannelLimits LIMITS = new ChannelLimits(MAX_TEXT_LENGTH, MAX_LIST_ROWS,
      MAX_BUTTON_TITLE, true);

  private final ChannelContext context;
  private final String integrationId;
  private final String phoneNumberId;
  private final String appSecret;
  private final String verifyToken;
  private final GraphClient graph;
  private final CloudWebhookParser parser;
  private final AtomicBoolean tokenBroken = new AtomicBoolean();

  WhatsAppCloudChannel(ChannelContext context, Duration requestTimeout) {
    this.context = context;
    this.integrationId = context.integration().id();
    this.phoneNumberId = context.settings().require(WhatsAppCloudIntegrationProvider.PHONE_NUMBER_ID);
    this.appSecret = context.settings().require(WhatsAppCloudIntegrationProvider.APP_SECRET);
    this.verifyToken = context.settings().require(WhatsAppCloudIntegrationProvider.VERIFY_TOKEN);
    this.graph = new GraphClient(context.httpClient(), context.urlGuard(),
        context.settings().get(WhatsAppCloudIntegrationProvider.API_BASE_URL)
            .orElse(WhatsAppCloudIntegrationProvider.DEFAULT_API_BASE_URL),
        context.settings().get(WhatsAppCloudIntegrationProvider.API_VERSION)
            .orElse(WhatsAppCloudIntegrationProvider.DEFAULT_API_VERSION),
        context.settings().require(WhatsAppCloudIntegrationProvider.ACCESS_TOKEN), requestTimeout,
        this::tokenRejected);
    this.parser = new CloudWebhookParser(phoneNumberId, context.clock()::instant);
  }

  /**
   * The WhatsApp Cloud channel behind a live channel, to call {@link #sendTemplate},
   * {@link #markAsRead} or {@link #downloadMedia}.
   *
   * @throws WacandaException INVALID_REQUEST when the channel belongs to another type
   */
  public static WhatsAppCloudChannel from(Channel channel) {
    if (channel instanceof WhatsAppCloudChannel c) {
      return c;
    }
    throw WacandaException.invalid("not a " + WhatsAppCloudIntegrationProvider.TYPE
        + " channel: " + (channel == null ? "null" : channel.getClass().getSimpleName()));
  }

  // ------------------------------------------------------------------ webhooks

  @Override
  public WebhookResult handleWebhook(HttpRequest request) {
    switch (request.method()) {
      case "GET":
        return handshake(request);
      case "POST":
        break;
      default:
        throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED,
            "WhatsApp webhooks take GET (verification) or POST");
    }
    WebhookSignature.verify(appSecret, request.header(WebhookSignature.HEADER).orElse(null),
        request.body());
    JsonNode root;
    try {
      root = GraphClient.JSON.readTree(request.body());
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "WhatsApp webhook body is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON,
          "WhatsApp webhook body must be a JSON object");
    }
    List<InboundEvent> events = parser.parse(root);
    log.debug("WhatsApp webhook for integration {}: {} events", integrationId, events.size());
    return WebhookResult.of(events);
  }

  private WebhookResult handshake(HttpRequest request) {
    String mode = request.queryParam("hub.mode").orElse("");
    String token = request.queryParam("hub.verify_token").orElse("");
    String challenge = request.queryParam("hub.challenge").orElse("");
    if (!mode.equals("subscribe") || !ApiKeys.constantTimeEquals(token, verifyToken)) {
      log.info("WhatsApp verification handshake refused for integration {}", integrationId);
      throw new WacandaException(ErrorCode.FORBIDDEN,
          "hub.verify_token does not match the integration's verify_token (or hub.mode is not "
              + "subscribe)");
    }
    if (challenge.isEmpty() || challenge.length() > MAX_CHALLENGE) {
      throw WacandaException.invalid("hub.challenge is required (at most " + MAX_CHALLENGE
          + " characters)");
    }
    log.info("WhatsApp webhook verified for integration {}", integrationId);
    return WebhookResult.handshake(HttpResponse.text(200, challenge));
  }

  // ------------------------------------------------------------------- sending

  @Override
  public SendResult send(OutboundMessage message) {
    String to = recipient(message.recipientId());
    String text = message.text();
    List<Button> buttons = message.buttons();
    String last;
    if (message.media().isPresent()) {
      OutboundMessage.Media media = message.media().get();
      boolean captionable = media.kind() == MediaKind.IMAGE || media.kind() == MediaKind.VIDEO
          || media.kind() == MediaKind.DOCUMENT;
      String caption = media.caption();
      String rest = text;
      if (captionable && caption.isEmpty() && !text.isEmpty() && text.length() <= MAX_CAPTION
          && buttons.isEmpty()) {
        caption = text;
        rest = "";
      }
      last = postMessage(to, mediaBody(to, media, captionable ? caption : ""), "media");
      if (!rest.isEmpty() || !buttons.isEmpty()) {
        last = sendTextOrButtons(to, rest, buttons);
      }
    } else {
      last = sendTextOrButtons(to, text, buttons);
    }
    return new SendResult(last, context.clock().instant());
  }

  private String sendTextOrButtons(String to, String text, List<Button> buttons) {
    if (buttons.isEmpty()) {
      if (text.isBlank()) {
        throw WacandaException.invalid("nothing to send: the message has no text, buttons or "
            + "media");
      }
      return postMessage(to, textBody(to, text), "text");
    }
    if (buttons.size() > MAX_LIST_ROWS) {
      throw WacandaException.invalid("WhatsApp carries at most " + MAX_LIST_ROWS
          + " choices in one message, got " + buttons.size());
    }
    String body = text.isBlank() ? "Please choose:" : text;
    int max = buttons.size() <= MAX_REPLY_BUTTONS ? MAX_BUTTON_BODY : MAX_TEXT_LENGTH;
    if (body.length() > max) {
      // Keep every word: the head goes as plain text, the tail carries the buttons.
      int cut = breakBefore(body, max);
      postMessage(to, textBody(to, body.substring(0, cut).strip()), "text");
      body = body.substring(cut).strip();
    }
    ObjectNode msg = base(to, "interactive");
    ObjectNode interactive = msg.putObject("interactive");
    if (buttons.size() <= MAX_REPLY_BUTTONS) {
      interactive.put("type", "button");
      interactive.putObject("body").put("text", body);
      ArrayNode arr = interactive.putObject("action").putArray("buttons");
      for (Button b : buttons) {
        arr.addObject().put("type", "reply").putObject("reply").put("id", clip(b.id(), 256))
            .put("title", clip(b.title(), MAX_BUTTON_TITLE));
      }
      return postMessage(to, msg, "buttons");
    }
    interactive.put("type", "list");
    interactive.putObject("body").put("text", body);
    ObjectNode action = interactive.putObject("action");
    action.put("button", LIST_BUTTON_LABEL);
    ArrayNode rows = action.putArray("sections").addObject().putArray("rows");
    for (Button b : buttons) {
      rows.addObject().put("id", clip(b.id(), 200)).put("title", clip(b.title(), 24));
    }
    return postMessage(to, msg, "list");
  }

  /**
   * Sends an approved template: the way to reach a customer outside the 24-hour window (for
   * example after {@link TemplateRequiredException}).
   *
   * @param recipientId the customer's WhatsApp id (phone number with country code, digits)
   * @throws io.wacanda.RetryableException on rate limits, timeouts and 5xx
   * @throws WacandaException on final failures (unknown template, bad parameters, bad token)
   */
  public SendResult sendTemplate(String recipientId, TemplateMessage template) {
    String to = recipient(recipientId);
    ObjectNode msg = base(to, "template");
    template.writeTo(msg.putObject("template"));
    String id = postMessage(to, msg, "template " + template.name());
    return new SendResult(id, context.clock().instant());
  }

  /**
   * Marks a customer's message as read (blue ticks), optionally showing "typing…" until the next
   * reply or for 25 seconds.
   */
  public void markAsRead(String messageId, boolean showTyping) {
    if (messageId == null || messageId.isBlank()) {
      throw WacandaException.invalid("messageId is required");
    }
    ObjectNode body = GraphClient.JSON.createObjectNode();
    body.put("messaging_product", "whatsapp");
    body.put("status", "read");
    body.put("message_id", messageId);
    if (showTyping) {
      body.putObject("typing_indicator").put("type", "text");
    }
    graph.post(phoneNumberId + "/messages", body,
        "mark message " + messageId + " as read on phone number " + phoneNumberId, "");
  }

  /**
   * Downloads a media file a customer sent: looks its URL up by id, then fetches it with the
   * token. Checks the size against {@link #MAX_MEDIA_BYTES} and the SHA-256 WhatsApp reports.
   */
  public MediaDownload downloadMedia(String mediaId) {
    if (mediaId == null || !mediaId.matches("[0-9A-Za-z_.-]{1,128}")) {
      throw WacandaException.invalid("mediaId must be the id from the webhook");
    }
    JsonNode meta = graph.get(mediaId, "look up media " + mediaId);
    String url = meta.path("url").asText("");
    if (url.isEmpty()) {
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, "Graph returned no URL for media "
          + mediaId);
    }
    long size = meta.path("file_size").asLong(-1);
    if (size > MAX_MEDIA_BYTES) {
      throw new WacandaException(ErrorCode.PAYLOAD_TOO_LARGE, "media " + mediaId + " has "
          + size + " bytes, more than " + MAX_MEDIA_BYTES);
    }
    byte[] bytes = graph.download(URI.create(url), MAX_MEDIA_BYTES, "download media " + mediaId);
    String sha = meta.path("sha256").asText("");
    if (!sha.isEmpty() && sha.matches("[0-9a-fA-F]{64}")
        && !sha.equalsIgnoreCase(HexFormat.of().formatHex(sha256(bytes)))) {
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, "media " + mediaId
          + " does not match the SHA-256 WhatsApp reported");
    }
    return new MediaDownload(mediaId, meta.path("mime_type").asText(""), bytes);
  }

  @Override
  public ChannelLimits limits() {
    return LIMITS;
  }

  private String postMessage(String to, ObjectNode body, String kind) {
    JsonNode res = graph.post(phoneNumberId + "/messages", body,
        "send " + kind + " to " + to + " from phone number " + phoneNumberId, to);
    String id = res.path("messages").path(0).path("id").asText("");
    if (id.isEmpty()) {
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, "Graph accepted a " + kind
          + " message to " + to + " but returned no message id");
    }
    if (tokenBroken.compareAndSet(true, false)) {
      context.events().statusChanged(IntegrationStatus.of(ConnectionState.CONNECTED,
          "access token accepted again", context.clock().instant()));
    }
    log.debug("Sent {} {} to {} on integration {}", kind, id, to, integrationId);
    return id;
  }

  private void tokenRejected(GraphError error) {
    String m = "WhatsApp Cloud API rejected the access token (" + error.describe()
        + "): set a new access_token on integration " + integrationId;
    if (tokenBroken.compareAndSet(false, true)) {
      log.error("Integration {}: {}", integrationId, m);
    }
    context.events().statusChanged(IntegrationStatus.of(ConnectionState.ERROR, m,
        context.clock().instant()));
  }

  private static ObjectNode base(String to, String type) {
    ObjectNode msg = GraphClient.JSON.createObjectNode();
    msg.put("messaging_product", "whatsapp");
    msg.put("recipient_type", "individual");
    msg.put("to", to);
    msg.put("type", type);
    return msg;
  }

  private static ObjectNode textBody(String to, String text) {
    ObjectNode msg = base(to, "text");
    msg.putObject("text").put("preview_url", false).put("body", text);
    return msg;
  }

  private static ObjectNode mediaBody(String to, OutboundMessage.Media media, String caption) {
    String type = switch (media.kind()) {
      case IMAGE -> "image";
      case VIDEO -> "video";
      case DOCUMENT -> "document";
      case STICKER -> "sticker";
      case AUDIO, VOICE -> "audio";
    };
    ObjectNode msg = base(to, type);
    ObjectNode m = msg.putObject(type);
    m.put("link", media.url().toString());
    if (!caption.isEmpty()) {
      m.put("caption", clip(caption, MAX_CAPTION));
    }
    if (media.kind() == MediaKind.DOCUMENT) {
      String path = media.url().getPath() == null ? "" : media.url().getPath();
      String file = path.substring(path.lastIndexOf('/') + 1);
      if (!file.isEmpty()) {
        m.put("filename", file);
      }
    }
    return msg;
  }

  private static String recipient(String id) {
    String to = id == null ? "" : id.strip();
    if (to.startsWith("+")) {
      to = to.substring(1);
    }
    if (to.isEmpty() || to.length() > 64) {
      throw WacandaException.invalid("recipient must be a WhatsApp id (phone number with country "
          + "code)");
    }
    return to;
  }

  private static int breakBefore(String s, int max) {
    int cut = s.lastIndexOf("\n\n", max);
    if (cut < max / 2) {
      cut = s.lastIndexOf(". ", max);
      cut = cut < 0 ? -1 : cut + 1;
    }
    if (cut < max / 2) {
      cut = s.lastIndexOf(' ', max);
    }
    return cut <= 0 ? max : cut;
  }

  private static String clip(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return s.substring(0, max - 1) + "…";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "WhatsAppCloudChannel[integration=" + integrationId + ", phoneNumberId="
        + phoneNumberId + "]";
  }

}
