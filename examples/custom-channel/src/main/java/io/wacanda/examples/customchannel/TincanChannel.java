package io.wacanda.examples.customchannel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.integration.ChannelContext;
import io.wacanda.security.ApiKeys;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of one Tincan integration (step 2 of the guide in the README).
 *
 * <p>Inbound: {@code GET} is Tincan's verification handshake ({@code tincan.verify_token} must
 * equal the {@code verify_token} setting; the {@code tincan.challenge} is echoed). {@code POST}
 * carries a batch {@code {"events":[...]}} signed in {@code Tincan-Signature}; the raw bytes are
 * verified before anything is parsed. {@code message.created} becomes a message,
 * {@code message.delivered}/{@code message.read} delivery reports, {@code contact.unsubscribed} a
 * closed conversation; any other event kind is kept as {@link InboundEvent.Ignored}.
 *
 * <p>Outbound: {@code POST {api_url}/v2/conversations/{id}/messages} with {@code X-Tincan-Token}
 * and {@code Idempotency-Key}. 429 (with {@code retry_after_ms} in the body) and 5xx, timeouts and
 * broken connections are {@link RetryableException}s, so the inbox retries them; 401/403/404 and
 * other 4xx are final. Thread-safe: it holds only immutable state and the shared client.
 */
final class TincanChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(TincanChannel.class);
  static final ObjectMapper JSON = new ObjectMapper();
  /** Every request to Tincan gives up after this long. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Tincan texts hold 2,000 characters and 4 quick replies of 25 characters; no media sends. */
  static final ChannelLimits LIMITS = new ChannelLimits(2000, 4, 25, false);
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final ChannelContext context;
  private final TincanSignature signature;
  private final String apiUrl;
  private final String token;
  private final String verifyToken;

  TincanChannel(ChannelContext context) {
    this.context = context;
    this.signature = new TincanSignature(
        context.settings().require(TincanIntegrationProvider.SIGNING_SECRET), context.clock());
    this.apiUrl = stripSlash(context.settings().require(TincanIntegrationProvider.API_URL));
    this.token = context.settings().require(TincanIntegrationProvider.BOT_TOKEN);
    this.verifyToken = context.settings().require(TincanIntegrationProvider.VERIFY_TOKEN);
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public WebhookResult handleWebhook(HttpRequest request) {
    if (request.method().equals("GET")) {
      return handshake(request);
    }
    if (!request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, "Tincan webhooks are GET or POST");
    }
    // 1. Verify the raw bytes, before any parsing.
    signature.verify(request.header(TincanSignature.HEADER).orElse(null), request.body());
    // 2. Parse; unknown kinds are kept, malformed bodies are refused with a clear error.
    JsonNode root;
    try {
      root = JSON.readTree(request.body());
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "Tincan webhook is not valid JSON");
    }
    if (root == null || !root.path("events").isArray()) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON,
          "Tincan webhook must be {\"events\":[...]}");
    }
    Instant now = context.clock().instant();
    List<InboundEvent> events = new ArrayList<>();
    for (JsonNode e : root.get("events")) {
      String id = e.path("id").asText("");
      if (id.isBlank()) {
        log.debug("Tincan event without an id skipped for integration {}",
            context.integration().id());
        continue;
      }
      events.add(event(e, id, now));
    }
    // 3. Wacanda stores these, then answers Tincan with this empty 200.
    return WebhookResult.of(events);
  }

  private WebhookResult handshake(HttpRequest request) {
    String given = request.queryParam("tincan.verify_token").orElse("");
    if (!ApiKeys.constantTimeEquals(given, verifyToken)) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "wrong tincan.verify_token");
    }
    String challenge = request.queryParam("tincan.challenge").orElse("");
    if (!CHALLENGE.matcher(challenge).matches()) {
      throw WacandaException.invalid("tincan.challenge must be 1-128 characters of A-Za-z0-9_-");
    }
    return WebhookResult.handshake(HttpResponse.text(200, challenge));
  }

  private static InboundEvent event(JsonNode e, String id, Instant now) {
    String type = e.path("type").asText("");
    Instant at = instant(e.path("created_at").asText("")).orElse(now);
    switch (type) {
      case "message.created":
        return new InboundEvent.Message(message(e.path("message"), at));
      case "message.delivered":
      case "message.read": {
        String messageId = e.path("message_id").asText("");
        if (messageId.isBlank()) {
          return new InboundEvent.Ignored(id, type);
        }
        return new InboundEvent.Status(messageId, e.path("conversation_id").asText(""),
            type.equals("message.read") ? DeliveryState.READ : DeliveryState.DELIVERED, at, "");
      }
      case "contact.unsubscribed":
        return new InboundEvent.ConversationClosed(id, required(e, "contact_id"),
            "unsubscribed");
      default:
        return new InboundEvent.Ignored(id, type.isBlank() ? "unknown" : type);
    }
  }

  private static InboundMessage message(JsonNode m, Instant at) {
    String messageId = required(m, "id");
    String sender = required(m.path("from"), "id");
    String chat = m.path("conversation_id").asText(sender);
    String text = m.path("text").asText("");
    MessageContent content;
    JsonNode quickReply = m.path("quick_reply");
    JsonNode attachment = m.path("attachments").path(0);
    if (quickReply.hasNonNull("payload")) {
      content = new MessageContent.InteractiveReply(quickReply.get("payload").asText(),
          quickReply.path("title").asText(""));
    } else if (attachment.hasNonNull("url")) {
      content = new MessageContent.Media(attachment.path("kind").asText("").equals("image")
          ? MessageContent.MediaKind.IMAGE : MessageContent.MediaKind.DOCUMENT,
          attachment.get("url").asText(), attachment.path("mime").asText(""), text,
          attachment.path("name").asText(""));
    } else if (!text.isBlank()) {
      content = new MessageContent.Text(text);
    } else {
      content = new MessageContent.Unsupported(m.path("kind").asText("empty"));
    }
    return new InboundMessage(messageId, chat, sender, m.path("from").path("name").asText(""), at,
        content, m.path("reply_to").asText(""));
  }

  private static String required(JsonNode node, String field) {
    String v = node.path(field).asText("");
    if (v.isBlank() || v.length() > 256) {
      throw WacandaException.invalid("Tincan event field '" + field
          + "' is required (at most 256 characters)");
    }
    return v;
  }

  // --------------------------------------------------------------- outbound

  @Override
  public SendResult send(OutboundMessage message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("text", message.text());
    if (!message.buttons().isEmpty()) {
      ArrayNode replies = body.putArray("quick_replies");
      message.buttons().forEach(b -> replies.addObject().put("payload", b.id())
          .put("title", b.title()));
    }
    String path = "/v2/conversations/"
        + URLEncoder.encode(message.recipientId(), StandardCharsets.UTF_8).replace("+", "%20")
        + "/messages";
    java.net.http.HttpResponse<byte[]> res = call("POST", path, write(body),
        message.idempotencyKey());
    int s = res.statusCode();
    if (s == 200 || s == 201) {
      JsonNode m = read(res.body()).path("message");
      return new SendResult(m.path("id").asText(""),
          instant(m.path("created_at").asText("")).orElse(context.clock().instant()));
    }
    throw failure(res, "send");
  }

  /** {@code GET /v2/bot}: who the token belongs to. */
  JsonNode bot() {
    java.net.http.HttpResponse<byte[]> res = call("GET", "/v2/bot", null, null);
    if (res.statusCode() == 200) {
      return read(res.body()).path("bot");
    }
    throw failure(res, "bot lookup");
  }

  /** {@code GET /v2/webhook}: where Tincan posts events for this bot. */
  JsonNode webhook() {
    java.net.http.HttpResponse<byte[]> res = call("GET", "/v2/webhook", null, null);
    if (res.statusCode() == 200) {
      return read(res.body());
    }
    throw failure(res, "webhook lookup");
  }

  /** {@code PUT /v2/webhook}: points Tincan at this integration's webhook URL. */
  @Override
  public void start() {
    if (!context.settings().getBoolean(TincanIntegrationProvider.REGISTER_WEBHOOK, false)) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("url", context.webhookUrl());
    body.put("verify_token", verifyToken);
    java.net.http.HttpResponse<byte[]> res = call("PUT", "/v2/webhook", write(body), null);
    if (res.statusCode() / 100 != 2) {
      throw failure(res, "webhook registration");
    }
    log.info("Tincan now posts events of integration {} to {}", context.integration().id(),
        context.webhookUrl());
  }

  private java.net.http.HttpResponse<byte[]> call(String method, String path, byte[] body,
      String idempotencyKey) {
    // The API URL is user input: the URL guard checks it before every request.
    URI uri = context.urlGuard().check(apiUrl + path);
    java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("X-Tincan-Token", token)
        .header("Accept", "application/json")
        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      req.header("Idempotency-Key", idempotencyKey);
    }
    String what = "Tincan " + method + " " + path.replaceAll("conversations/[^/]+",
        "conversations/{id}") + " for integration " + context.integration().id();
    try {
      return context.httpClient().send(req.build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, what + " timed out", e);
    } catch (ConnectException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR, what + ": connection refused", e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.CHANNEL_ERROR,
          what + " failed (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException(ErrorCode.UNAVAILABLE, what + " interrupted", e);
    }
  }

  /** Retryable for 429 and 5xx, final otherwise; never includes the token or the body text. */
  private WacandaException failure(java.net.http.HttpResponse<byte[]> res, String operation) {
    int s = res.statusCode();
    String what = "Tincan answered " + s + " to the " + operation + " of integration "
        + context.integration().id();
    if (s == 429) {
      long ms = read(res.body()).path("retry_after_ms").asLong(-1);
      return new RetryableException(ErrorCode.RATE_LIMITED, what,
          ms >= 0 ? Duration.ofMillis(ms) : null, null);
    }
    if (s >= 500) {
      return new RetryableException(ErrorCode.CHANNEL_ERROR, what, null);
    }
    String hint = s == 401 || s == 403 ? "; check bot_token"
        : s == 404 ? "; the conversation or bot does not exist" : "";
    return new WacandaException(ErrorCode.CHANNEL_ERROR, what + hint);
  }

  @Override
  public ChannelLimits limits() {
    return LIMITS;
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] write(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static Optional<Instant> instant(String iso) {
    try {
      return iso.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static String stripSlash(String url) {
    String u = url.strip();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }
}
