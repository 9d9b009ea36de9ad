package io.wacanda.whatsapp.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.MessageContent.MediaKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an authenticated gateway post: Evolution API v2 envelopes (event names in either spelling:
 * {@code messages.upsert} or {@code MESSAGES_UPSERT}) and the simple shape
 * {@code {"instanceKey","message":{"from","body","timestamp","messageId","type"}}}. Connection and
 * QR events go to the {@link BaileysConnection}; messages and statuses become events. Own
 * ({@code fromMe}) and broadcast messages are {@link InboundEvent.Ignored}; group messages are
 * ignored or answered per the integration's {@code groups} setting. Thread-safe.
 */
final class GatewayWebhookParser {
  private static final Logger log = LoggerFactory.getLogger(GatewayWebhookParser.class);
  /** LID/phone pairs and own message ids remembered per channel. */
  static final int MEMORY = 10_000;

  private final String instance;
  private final boolean answerGroups;
  private final BaileysConnection connection;
  private final Supplier<Instant> now;
  private final Map<String, String> lidToPhone = Collections.synchronizedMap(lru());
  private final Set<String> ownIds = Collections.newSetFromMap(Collections.synchronizedMap(lru()));

  GatewayWebhookParser(String instance, boolean answerGroups, BaileysConnection connection,
      Supplier<Instant> now) {
    this.instance = instance;
    this.answerGroups = answerGroups;
    this.connection = connection;
    this.now = now;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MEMORY;
      }
    };
  }

  /** Remembers the id of a message this channel sent, so its echo is never answered. */
  void rememberOwn(String messageId) {
    if (!messageId.isEmpty()) {
      ownIds.add(messageId);
    }
  }

  /** The phone number a LID was seen with, if any. */
  String phoneOfLid(String lidJid) {
    return lidToPhone.get(lidJid);
  }

  List<InboundEvent> parse(JsonNode root) {
    if (root.has("event")) {
      return evolution(root);
    }
    if (root.path("message").isObject()) {
      return simple(root);
    }
    return List.of(new InboundEvent.Ignored("unknown:" + hash(root), "unknown_payload"));
  }

  // ----------------------------------------------------------------- Evolution

  /** {@code MESSAGES_UPSERT}, {@code messages.upsert} and {@code messages-upsert} alike. */
  static String eventName(String raw) {
    return raw.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
  }

  private List<InboundEvent> evolution(JsonNode root) {
    String event = eventName(root.path("event").asText(""));
    String inst = root.path("instance").asText("");
    if (!inst.isEmpty() && !inst.equals(instance)) {
      log.debug("Gateway event {} for instance {} ignored; this integration serves {}", event,
          inst, instance);
      return List.of(new InboundEvent.Ignored("instance:" + inst + ":" + hash(root),
          "other_instance"));
    }
    JsonNode data = root.path("data");
    switch (event) {
      case "messages.upsert": {
        List<InboundEvent> out = new ArrayList<>();
        for (JsonNode m : items(data)) {
          out.add(upsert(m));
        }
        return dedupe(out);
      }
      case "messages.update": {
        List<InboundEvent> out = new ArrayList<>();
        for (JsonNode u : items(data)) {
          out.add(statusUpdate(u, root.path("date_time").asText("")));
        }
        return dedupe(out);
      }
      case "send.message": {
        String id = data.path("key").path("id").asText("");
        rememberOwn(id);
        return List.of(new InboundEvent.Ignored("sent:" + (id.isEmpty() ? hash(data) : id),
            "send.message"));
      }
      case "connection.update":
        connection.onConnectionUpdate(data.path("state").asText(""),
            data.path("statusReason").asInt(-1), root.path("sender").asText(""));
        return List.of();
      case "qrcode.updated":
        connection.onQrCode(data.path("qrcode").path("code").asText(
            data.path("code").asText("")));
        return List.of();
      case "logout.instance":
        connection.onLogout();
        return List.of();
      default:
        return List.of(new InboundEvent.Ignored("event:" + event + ":" + hash(data),
            event.isEmpty() ? "unknown" : event));
    }
  }

  /** {@code data} is one message in v2; Baileys-style arrays and {@code messages[]} too. */
  private static List<JsonNode> items(JsonNode data) {
    List<JsonNode> out = new ArrayList<>();
    if (data.isArray()) {
      data.forEach(out::add);
    } else if (data.path("messages").isArray()) {
      data.path("messages").forEach(out::add);
    } else if (data.isObject()) {
      out.add(data);
    }
    return out;
  }

  private InboundEvent upsert(JsonNode m) {
    JsonNode key = m.path("key");
    String id = key.path("id").asText("");
    if (id.isEmpty()) {
      return new InboundEvent.Ignored("noid:" + hash(m), "message_without_id");
    }
    String remote = key.path("remoteJid").asText("");
    if (key.path("fromMe").asBoolean(false) || ownIds.contains(id)) {
      return new InboundEvent.Ignored(id, "from_me");
    }
    if (remote.isEmpty() || Jids.isBroadcast(remote)) {
      return new InboundEvent.Ignored(id, "broadcast");
    }
    Instant at = timestamp(m.path("messageTimestamp"));
    MessageContent content = content(m.path("message"), id);
    if (content == null) {
      String type = m.path("messageType").asText("unknown");
      return new InboundEvent.Ignored(id, type);
    }
    String name = m.path("pushName").asText("");
    if (Jids.isGroup(remote)) {
      String participant = firstNonEmpty(key.path("participantAlt").asText(""),
          key.path("participantPn").asText(""), key.path("participant").asText(""));
      if (!answerGroups || participant.isEmpty()) {
        return new InboundEvent.Ignored(id, "group_message");
      }
      String sender = resolve(participant, "");
      return new InboundEvent.Message(new InboundMessage(id, remote, sender, name, at, content,
          replyTo(m)));
    }
    String alt = firstNonEmpty(key.path("remoteJidAlt").asText(""),
        key.path("senderPn").asText(""));
    String sender = resolve(remote, alt);
    String chat = Jids.isPerson(remote) ? Jids.phone(remote) : remote;
    return new InboundEvent.Message(new InboundMessage(id, chat, sender, name, at, content,
        replyTo(m)));
  }

  /**
   * The stable sender id: phone digits when known (from the JID, the alternative JID or an earlier
   * message), otherwise the LID JID. Remembers LID/phone pairs.
   */
  private String resolve(String jid, String alt) {
    if (Jids.isLid(jid)) {
      String phone = alt.isEmpty() || Jids.isLid(alt) ? lidToPhone.get(jid) : Jids.phone(alt);
      if (phone != null && !phone.isEmpty()) {
        lidToPhone.put(jid, phone);
        return phone;
      }
      return jid;
    }
    if (Jids.isLid(alt)) {
      lidToPhone.put(alt, Jids.phone(jid));
    }
    return Jids.phone(jid);
  }

  private static String replyTo(JsonNode m) {
    JsonNode msg = m.path("message");
    for (String k : List.of("extendedTextMessage", "imageMessage", "videoMessage",
        "documentMessage", "audioMessage")) {
      String quoted = msg.path(k).path("contextInfo").path("stanzaId").asText("");
      if (!quoted.isEmpty()) {
        return quoted;
      }
    }
    return m.path("contextInfo").path("stanzaId").asText("");
  }

  /** The normalized content, or null for kinds not acted on (protocol messages, polls...). */
  private static MessageContent content(JsonNode msg, String id) {
    if (msg.hasNonNull("conversation")) {
      return new MessageContent.Text(msg.path("conversation").asText(""));
    }
    if (msg.path("extendedTextMessage").isObject()) {
      return new MessageContent.Text(msg.path("extendedTextMessage").path("text").asText(""));
    }
    JsonNode docWithCaption = msg.path("documentWithCaptionMessage").path("message")
        .path("documentMessage");
    if (docWithCaption.isObject()) {
      return media(docWithCaption, MediaKind.DOCUMENT, id);
    }
    if (msg.path("imageMessage").isObject()) {
      return media(msg.path("imageMessage"), MediaKind.IMAGE, id);
    }
    if (msg.path("videoMessage").isObject()) {
      return media(msg.path("videoMessage"), MediaKind.VIDEO, id);
    }
    if (msg.path("documentMessage").isObject()) {
      return media(msg.path("documentMessage"), MediaKind.DOCUMENT, id);
    }
    if (msg.path("audioMessage").isObject()) {
      return media(msg.path("audioMessage"), msg.path("audioMessage").path("ptt").asBoolean(false)
          ? MediaKind.VOICE : MediaKind.AUDIO, id);
    }
    if (msg.path("stickerMessage").isObject()) {
      return media(msg.path("stickerMessage"), MediaKind.STICKER, id);
    }
    if (msg.path("locationMessage").isObject()) {
      JsonNode l = msg.path("locationMessage");
      return new MessageContent.Location(l.path("degreesLatitude").asDouble(),
          l.path("degreesLongitude").asDouble(), l.path("name").asText(""),
          l.path("address").asText(""));
    }
    if (msg.path("contactMessage").isObject()) {
      JsonNode c = msg.path("contactMessage");
      return new MessageContent.Contact(c.path("displayName").asText(""),
          vcardPhone(c.path("vcard").asText("")));
    }
    if (msg.path("reactionMessage").isObject()) {
      JsonNode r = msg.path("reactionMessage");
      String target = r.path("key").path("id").asText("");
      return target.isEmpty() ? null : new MessageContent.Reaction(target,
          r.path("text").asText(""));
    }
    if (msg.path("buttonsResponseMessage").isObject()) {
      JsonNode b = msg.path("buttonsResponseMessage");
      return new MessageContent.InteractiveReply(b.path("selectedButtonId").asText(""),
          b.path("selectedDisplayText").asText(""));
    }
    if (msg.path("listResponseMessage").isObject()) {
      JsonNode l = msg.path("listResponseMessage");
      return new MessageContent.InteractiveReply(
          l.path("singleSelectReply").path("selectedRowId").asText(""),
          l.path("title").asText(""));
    }
    return null;
  }

  /**
   * Media by reference: the gateway message id (fetch the bytes with the gateway's
   * {@code /chat/getBase64FromMediaMessage}); the WhatsApp CDN URL is encrypted and useless alone.
   */
  private static MessageContent media(JsonNode node, MediaKind kind, String messageId) {
    return new MessageContent.Media(kind, messageId, node.path("mimetype").asText(""),
        node.path("caption").asText(""), node.path("fileName").asText(""));
  }

  private static String vcardPhone(String vcard) {
    for (String line : vcard.split("\\r?\\n")) {
      if (line.toUpperCase(Locale.ROOT).startsWith("TEL")) {
        int waid = line.indexOf("waid=");
        if (waid >= 0) {
          return line.substring(waid + 5).replaceAll("[^0-9].*$", "");
        }
        int colon = line.lastIndexOf(':');
        return colon >= 0 ? line.substring(colon + 1).strip() : "";
      }
    }
    return "";
  }

  private InboundEvent statusUpdate(JsonNode u, String dateTime) {
    String id = firstNonEmpty(u.path("keyId").asText(""), u.path("key").path("id").asText(""));
    boolean fromMe = u.path("fromMe").asBoolean(u.path("key").path("fromMe").asBoolean(false));
    JsonNode st = u.has("status") ? u.path("status") : u.path("update").path("status");
    DeliveryState state = deliveryState(st);
    if (id.isEmpty()) {
      return new InboundEvent.Ignored("update:" + hash(u), "messages.update");
    }
    if (!fromMe || state == null) {
      return new InboundEvent.Ignored("update:" + id + ":" + st.asText(""),
          fromMe ? "status." + st.asText("unknown") : "status_of_incoming");
    }
    String remote = firstNonEmpty(u.path("remoteJid").asText(""),
        u.path("key").path("remoteJid").asText(""));
    return new InboundEvent.Status(id, Jids.isPerson(remote) ? Jids.phone(remote) : remote,
        state, instant(dateTime), "");
  }

  /** Evolution's names, or Baileys' numbers (0 ERROR ... 5 PLAYED); PENDING is not a change. */
  static DeliveryState deliveryState(JsonNode status) {
    String s = status.isNumber() ? switch (status.asInt()) {
      case 0 -> "ERROR";
      case 2 -> "SERVER_ACK";
      case 3 -> "DELIVERY_ACK";
      case 4 -> "READ";
      case 5 -> "PLAYED";
      default -> "PENDING";
    } : status.asText("").toUpperCase(Locale.ROOT);
    return switch (s) {
      case "SERVER_ACK" -> DeliveryState.SENT;
      case "DELIVERY_ACK" -> DeliveryState.DELIVERED;
      case "READ", "PLAYED" -> DeliveryState.READ;
      case "ERROR", "FAILED" -> DeliveryState.FAILED;
      default -> null;
    };
  }

  // ------------------------------------------------------------------- simple

  private List<InboundEvent> simple(JsonNode root) {
    String key = root.path("instanceKey").asText("");
    if (!key.isEmpty() && !key.equals(instance)) {
      return List.of(new InboundEvent.Ignored("instance:" + key + ":" + hash(root),
          "other_instance"));
    }
    JsonNode m = root.path("message");
    String id = m.path("messageId").asText(m.path("id").asText(""));
    if (id.isEmpty()) {
      id = "simple:" + hash(m);
    }
    if (m.path("fromMe").asBoolean(false) || ownIds.contains(id)) {
      return List.of(new InboundEvent.Ignored(id, "from_me"));
    }
    String from = m.path("from").asText("");
    String type = m.path("type").asText("text").toLowerCase(Locale.ROOT);
    String body = m.path("body").asText("");
    if (from.isEmpty() || Jids.isBroadcast(from)) {
      return List.of(new InboundEvent.Ignored(id, "broadcast"));
    }
    if (!type.equals("text") && !type.equals("chat") || body.isEmpty()) {
      return List.of(new InboundEvent.Ignored(id, type));
    }
    Instant at = timestamp(m.path("timestamp"));
    String name = m.path("pushName").asText(m.path("senderName").asText(""));
    if (Jids.isGroup(from)) {
      String participant = m.path("author").asText(m.path("participant").asText(""));
      if (!answerGroups || participant.isEmpty()) {
        return List.of(new InboundEvent.Ignored(id, "group_message"));
      }
      return List.of(new InboundEvent.Message(new InboundMessage(id, from,
          resolve(participant, ""), name, at, new MessageContent.Text(body), "")));
    }
    String sender = from.contains("@") ? resolve(from, "") : Jids.number(from);
    if (sender.isEmpty()) {
      return List.of(new InboundEvent.Ignored(id, "no_sender"));
    }
    String chat = Jids.isLid(from) ? from : sender;
    return List.of(new InboundEvent.Message(new InboundMessage(id, chat, sender, name, at,
        new MessageContent.Text(body), "")));
  }

  // ------------------------------------------------------------------ helpers

  private static List<InboundEvent> dedupe(List<InboundEvent> events) {
    Map<String, InboundEvent> unique = new LinkedHashMap<>();
    events.forEach(e -> unique.putIfAbsent(e.idempotencyKey(), e));
    return List.copyOf(unique.values());
  }

  /** Epoch seconds as a number or string, Long.js {@code {low,high}}, or ISO-8601. */
  private Instant timestamp(JsonNode ts) {
    if (ts.isObject() && ts.has("low")) {
      long low = ts.path("low").asLong() & 0xffffffffL;
      long high = ts.path("high").asLong();
      return Instant.ofEpochSecond((high << 32) | low);
    }
    if (ts.isNumber()) {
      return epoch(ts.asLong());
    }
    String v = ts.asText("").strip();
    if (v.matches("\\d{1,13}")) {
      return epoch(Long.parseLong(v));
    }
    return instant(v);
  }

  /** Seconds, or milliseconds when the number is too large to be seconds. */
  private static Instant epoch(long v) {
    return v > 100_000_000_000L ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
  }

  private Instant instant(String iso) {
    if (iso == null || iso.isBlank()) {
      return now.get();
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return now.get();
    }
  }

  private static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  static String hash(JsonNode node) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(node.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
