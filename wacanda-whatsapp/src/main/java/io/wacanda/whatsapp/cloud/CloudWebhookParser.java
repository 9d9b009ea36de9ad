package io.wacanda.whatsapp.cloud;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a verified {@code whatsapp_business_account} envelope into normalized events: every entry,
 * every change; messages of each type, statuses, system errors; changes for another phone number
 * and unknown fields become {@link InboundEvent.Ignored}. Duplicates inside one batch are dropped
 * (first wins) and the result is ordered by the platform's timestamp. Stateless.
 */
final class CloudWebhookParser {
  private static final Logger log = LoggerFactory.getLogger(CloudWebhookParser.class);

  /** Hint appended to a 131047 failure so operators know what to do. */
  static final String TEMPLATE_HINT = "only an approved template can reach this customer now "
      + "(WhatsAppCloudChannel.sendTemplate)";

  private final String phoneNumberId;
  private final Supplier<Instant> now;

  CloudWebhookParser(String phoneNumberId, Supplier<Instant> now) {
    this.phoneNumberId = phoneNumberId;
    this.now = now;
  }

  private record Timed(Instant at, InboundEvent event) {}

  List<InboundEvent> parse(JsonNode root) {
    List<Timed> out = new ArrayList<>();
    String object = root.path("object").asText("");
    if (!object.equals("whatsapp_business_account")) {
      out.add(new Timed(Instant.EPOCH, new InboundEvent.Ignored(
          "object:" + object + ":" + hash(root), "object." + (object.isEmpty() ? "none" : object))));
      return List.of(out.get(0).event());
    }
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        parseChange(change, out);
      }
    }
    // Stable: equal timestamps keep the order Meta sent them in.
    out.sort(Comparator.comparing(Timed::at));
    Map<String, InboundEvent> unique = new LinkedHashMap<>();
    for (Timed t : out) {
      unique.putIfAbsent(t.event().idempotencyKey(), t.event());
    }
    if (unique.size() < out.size()) {
      log.debug("Dropped {} duplicate events inside one WhatsApp batch",
          out.size() - unique.size());
    }
    return List.copyOf(unique.values());
  }

  private void parseChange(JsonNode change, List<Timed> out) {
    String field = change.path("field").asText("");
    JsonNode value = change.path("value");
    if (!field.equals("messages")) {
      out.add(new Timed(Instant.EPOCH,
          new InboundEvent.Ignored("field:" + field + ":" + hash(change), "field." + field)));
      return;
    }
    String pnid = value.path("metadata").path("phone_number_id").asText("");
    if (!pnid.isEmpty() && !pnid.equals(phoneNumberId)) {
      log.debug("Change for phone number {} ignored; this integration serves {}", pnid,
          phoneNumberId);
      out.add(new Timed(Instant.EPOCH, new InboundEvent.Ignored(
          "number:" + pnid + ":" + hash(change), "other_phone_number")));
      return;
    }
    Map<String, String> names = new HashMap<>();
    for (JsonNode c : value.path("contacts")) {
      String waId = c.path("wa_id").asText("");
      String name = c.path("profile").path("name").asText("");
      if (!waId.isEmpty()) {
        names.put(waId, name);
      }
      String userId = c.path("user_id").asText("");
      if (!userId.isEmpty()) {
        names.putIfAbsent(userId, name);
      }
    }
    for (JsonNode m : value.path("messages")) {
      out.add(message(m, names));
    }
    for (JsonNode s : value.path("statuses")) {
      out.add(status(s));
    }
    for (JsonNode e : value.path("errors")) {
      log.warn("WhatsApp reported a system error for phone number {}: code {} {}", phoneNumberId,
          e.path("code").asText("?"), e.path("title").asText(""));
      out.add(new Timed(Instant.EPOCH,
          new InboundEvent.Ignored("error:" + hash(e), "system_error")));
    }
  }

  private Timed message(JsonNode m, Map<String, String> names) {
    String id = m.path("id").asText("");
    String type = m.path("type").asText("unknown");
    Instant at = epochSeconds(m.path("timestamp"));
    if (id.isEmpty()) {
      return new Timed(at, new InboundEvent.Ignored("noid:" + hash(m), "message_without_id"));
    }
    // Newer payloads can omit "from" for business-scoped user ids; fall back to from_user_id.
    String from = m.path("from").asText("");
    if (from.isEmpty()) {
      from = m.path("from_user_id").asText("");
    }
    MessageContent content = content(m, type);
    if (from.isEmpty() || content == null) {
      if (type.equals("unsupported")) {
        JsonNode err = m.path("errors").path(0);
        log.debug("Unsupported WhatsApp message {} (code {}) stored and ignored", id,
            err.path("code").asText("?"));
      }
      String kind = type.equals("interactive")
          ? "interactive." + m.path("interactive").path("type").asText("unknown") : type;
      return new Timed(at, new InboundEvent.Ignored(id, kind));
    }
    JsonNode ctx = m.path("context");
    String replyTo = ctx.path("forwarded").asBoolean(false) ? "" : ctx.path("id").asText("");
    return new Timed(at, new InboundEvent.Message(new InboundMessage(id, from, from,
        names.getOrDefault(from, ""), at, content, replyTo)));
  }

  /** The normalized content, or null for kinds the engine does not act on. */
  private static MessageContent content(JsonNode m, String type) {
    switch (type) {
      case "text":
        return new MessageContent.Text(m.path("text").path("body").asText(""));
      case "image":
        return media(m.path("image"), MediaKind.IMAGE);
      case "video":
        return media(m.path("video"), MediaKind.VIDEO);
      case "audio":
        return media(m.path("audio"), m.path("audio").path("voice").asBoolean(false)
            ? MediaKind.VOICE : MediaKind.AUDIO);
      case "document":
        return media(m.path("document"), MediaKind.DOCUMENT);
      case "sticker":
        return media(m.path("sticker"), MediaKind.STICKER);
      case "location": {
        JsonNode l = m.path("location");
        return new MessageContent.Location(l.path("latitude").asDouble(),
            l.path("longitude").asDouble(), l.path("name").asText(""),
            l.path("address").asText(""));
      }
      case "contacts": {
        JsonNode c = m.path("contacts").path(0);
        return new MessageContent.Contact(c.path("name").path("formatted_name").asText(""),
            c.path("phones").path(0).path("phone").asText(""));
      }
      case "interactive": {
        JsonNode i = m.path("interactive");
        String sub = i.path("type").asText("");
        if (sub.equals("button_reply") || sub.equals("list_reply")) {
          JsonNode r = i.path(sub);
          String rid = r.path("id").asText("");
          return rid.isEmpty() ? null
              : new MessageContent.InteractiveReply(rid, r.path("title").asText(""));
        }
        return null;
      }
      case "button": {
        JsonNode b = m.path("button");
        String payload = b.path("payload").asText("");
        String text = b.path("text").asText("");
        return payload.isEmpty() && text.isEmpty() ? null
            : new MessageContent.InteractiveReply(payload.isEmpty() ? text : payload, text);
      }
      case "reaction": {
        JsonNode r = m.path("reaction");
        String target = r.path("message_id").asText("");
        return target.isEmpty() ? null
            : new MessageContent.Reaction(target, r.path("emoji").asText(""));
      }
      default:
        // "unsupported", "system", "order", "request_welcome", "ephemeral", anything new.
        return null;
    }
  }

  private static MessageContent media(JsonNode node, MediaKind kind) {
    String mediaId = node.path("id").asText("");
    if (mediaId.isEmpty()) {
      return null;
    }
    return new MessageContent.Media(kind, mediaId, node.path("mime_type").asText(""),
        node.path("caption").asText(""), node.path("filename").asText(""));
  }

  private Timed status(JsonNode s) {
    String id = s.path("id").asText("");
    String status = s.path("status").asText("").toLowerCase(Locale.ROOT);
    Instant at = epochSeconds(s.path("timestamp"));
    DeliveryState state = switch (status) {
      case "sent" -> DeliveryState.SENT;
      case "delivered" -> DeliveryState.DELIVERED;
      case "read" -> DeliveryState.READ;
      case "failed" -> DeliveryState.FAILED;
      default -> null;
    };
    if (id.isEmpty() || state == null) {
      return new Timed(at, new InboundEvent.Ignored("status:" + (id.isEmpty() ? hash(s) : id)
          + ":" + status, "status." + (status.isEmpty() ? "unknown" : status)));
    }
    return new Timed(at, new InboundEvent.Status(id, s.path("recipient_id").asText(""), state, at,
        errors(s.path("errors"))));
  }

  /** "131047 Re-engagement message: details; ..." for each error, with a hint for 131047. */
  static String errors(JsonNode errors) {
    List<String> parts = new ArrayList<>();
    for (JsonNode e : errors) {
      int code = e.path("code").asInt(-1);
      StringBuilder b = new StringBuilder();
      b.append(code).append(' ').append(e.path("title").asText(e.path("message").asText("")));
      String details = e.path("error_data").path("details").asText("");
      if (!details.isEmpty()) {
        b.append(": ").append(details);
      }
      if (code == GraphError.REENGAGEMENT) {
        b.append(" — ").append(TEMPLATE_HINT);
      }
      parts.add(b.toString());
    }
    return String.join("; ", parts);
  }

  private Instant epochSeconds(JsonNode ts) {
    try {
      String v = ts.asText("");
      return v.isEmpty() ? now.get() : Instant.ofEpochSecond(Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      return now.get();
    }
  }

  static String hash(JsonNode node) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(node.toString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
