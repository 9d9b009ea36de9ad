package io.wacanda.whatsapp.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.ConnectionControl;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.MessageContent.MediaKind;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.integration.ChannelContext;
import io.wacanda.security.ApiKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of one {@code whatsapp-baileys} integration: WhatsApp Web through an Evolution API
 * v2 gateway. Thread-safe.
 *
 * <p>Webhooks (POST only) are authenticated before anything is stored: the
 * {@code x-wacanda-secret} header this channel registers with the gateway, compared in constant
 * time before parsing; or the envelope's {@code apikey} (the gateway's global key or the instance
 * token this channel created the instance with). Anything else gets 401.
 *
 * <p>Sending: text (split by the engine at 4,096 characters; no buttons, WhatsApp Web has none:
 * the engine sends a numbered menu), media by URL ({@code sendMedia}, {@code sendWhatsAppAudio},
 * {@code sendSticker}). Numbers not on WhatsApp are final failures; a closed session is retried
 * and triggers a reconnect.
 */
final class BaileysChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(BaileysChannel.class);
  static final int MAX_TEXT_LENGTH = 4096;
  private static final ChannelLimits LIMITS = new ChannelLimits(MAX_TEXT_LENGTH, 0, 0, true);

  private final ChannelContext context;
  private final String integrationId;
  private final String instance;
  private final String gatewayApiKey;
  private final String instanceToken;
  private final String webhookSecret;
  private final GatewayClient client;
  private final BaileysConnection connection;
  private final GatewayWebhookParser parser;
  private final AtomicBoolean closed = new AtomicBoolean();

  BaileysChannel(ChannelContext context, Scheduler scheduler, Duration requestTimeout) {
    this.context = context;
    this.integrationId = context.integration().id();
    this.instance = context.settings().require(BaileysIntegrationProvider.INSTANCE_NAME);
    this.gatewayApiKey = context.settings().require(BaileysIntegrationProvider.GATEWAY_API_KEY);
    this.webhookSecret = context.settings().require(BaileysIntegrationProvider.WEBHOOK_SECRET);
    this.instanceToken = instanceToken(gatewayApiKey, instance);
    this.client = new GatewayClient(context.httpClient(), context.urlGuard(),
        context.settings().require(BaileysIntegrationProvider.GATEWAY_URL), gatewayApiKey,
        instance, requestTimeout);
    this.connection = new BaileysConnection(context, client, instance, instanceToken,
        webhookSecret, scheduler);
    boolean answerGroups = context.settings().get(BaileysIntegrationProvider.GROUPS)
        .map(v -> v.equals("answer")).orElse(false);
    this.parser = new GatewayWebhookParser(instance, answerGroups, connection,
        context.clock()::instant);
  }

  /**
   * The token this integration gives the instance it creates: derived from the API key and the
   * instance name, so it survives restarts without being stored, and the gateway echoes it as
   * {@code apikey} in its webhooks.
   */
  static String instanceToken(String apiKey, String instance) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] d = mac.doFinal(("wacanda-instance:" + instance).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Connects when the integration is enabled; failures are reported as status, never thrown. */
  @Override
  public void start() {
    connection.connect();
  }

  @Override
  public Optional<ConnectionControl> connectionControl() {
    return Optional.of(connection);
  }

  // ------------------------------------------------------------------ webhooks

  @Override
  public WebhookResult handleWebhook(HttpRequest request) {
    if (!request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, "gateway webhooks are POST only");
    }
    Optional<String> secret = request.header(BaileysConnection.SECRET_HEADER);
    boolean byHeader = false;
    if (secret.isPresent()) {
      if (!ApiKeys.constantTimeEquals(secret.get(), webhookSecret)) {
        throw unauthenticated();
      }
      byHeader = true;
    }
    JsonNode root;
    try {
      root = GatewayClient.JSON.readTree(request.body());
    } catch (IOException e) {
      if (!byHeader) {
        throw unauthenticated();
      }
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "gateway webhook body is not JSON");
    }
    if (root == null || !root.isObject()) {
      if (!byHeader) {
        throw unauthenticated();
      }
      throw new WacandaException(ErrorCode.MALFORMED_JSON,
          "gateway webhook body must be a JSON object");
    }
    if (!byHeader) {
      String apikey = root.path("apikey").asText("");
      boolean ok = !apikey.isEmpty() && (ApiKeys.constantTimeEquals(apikey, gatewayApiKey)
          | ApiKeys.constantTimeEquals(apikey, instanceToken));
      if (!ok) {
        throw unauthenticated();
      }
    }
    List<InboundEvent> events = parser.parse(root);
    log.debug("Gateway webhook for integration {}: {} events", integrationId, events.size());
    return WebhookResult.of(events);
  }

  private static WacandaException unauthenticated() {
    return new WacandaException(ErrorCode.BAD_SIGNATURE, "gateway webhook is not authenticated: "
        + "send the " + BaileysConnection.SECRET_HEADER + " header registered by connect, or the "
        + "gateway's apikey in the body");
  }

  // ------------------------------------------------------------------- sending

  @Override
  public SendResult send(OutboundMessage message) {
    String number = Jids.number(message.recipientId());
    if (number.isEmpty()) {
      throw WacandaException.invalid("recipient must be a phone number or a WhatsApp JID");
    }
    String text = message.text();
    String last = null;
    if (message.media().isPresent()) {
      OutboundMessage.Media media = message.media().get();
      boolean captionable = media.kind() == MediaKind.IMAGE || media.kind() == MediaKind.VIDEO
          || media.kind() == MediaKind.DOCUMENT;
      String caption = media.caption();
      if (captionable && caption.isEmpty() && !text.isEmpty()) {
        caption = text;
        text = "";
      }
      last = sendMedia(number, media, captionable ? caption : "");
    }
    if (!text.isBlank()) {
      ObjectNode body = GatewayClient.JSON.createObjectNode();
      body.put("number", number);
      body.put("text", text);
      body.put("linkPreview", false);
      last = post("message/sendText", body, number);
    }
    if (last == null) {
      throw WacandaException.invalid("nothing to send: the message has no text or media");
    }
    return new SendResult(last, context.clock().instant());
  }

  private String sendMedia(String number, OutboundMessage.Media media, String caption) {
    ObjectNode body = GatewayClient.JSON.createObjectNode();
    body.put("number", number);
    String url = media.url().toString();
    switch (media.kind()) {
      case AUDIO:
      case VOICE:
        body.put("audio", url);
        return post("message/sendWhatsAppAudio", body, number);
      case STICKER:
        body.put("sticker", url);
        return post("message/sendSticker", body, number);
      default:
        body.put("mediatype", media.kind().name().toLowerCase(Locale.ROOT));
        body.put("media", url);
        if (!caption.isEmpty()) {
          body.put("caption", caption);
        }
        if (media.kind() == MediaKind.DOCUMENT) {
          String path = media.url().getPath() == null ? "" : media.url().getPath();
          String file = path.substring(path.lastIndexOf('/') + 1);
          if (!file.isEmpty()) {
            body.put("fileName", file);
          }
        }
        return post("message/sendMedia", body, number);
    }
  }

  private String post(String action, ObjectNode body, String number) {
    GatewayClient.Answer a = client.post(client.instancePath(action), body);
    String what = "send to " + number + " through instance " + instance;
    if (a.ok()) {
      String id = a.body().path("key").path("id").asText("");
      if (id.isEmpty()) {
        throw new WacandaException(ErrorCode.CHANNEL_ERROR, what
            + ": the gateway answered without a message id");
      }
      parser.rememberOwn(id);
      log.debug("Sent {} through instance {} of integration {}", id, instance, integrationId);
      return id;
    }
    String err = a.errorText();
    String lower = err.toLowerCase(Locale.ROOT);
    if (a.status() == 401 || a.status() == 403) {
      connection.onKeyRejected(a);
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, what + " failed: the gateway rejected "
          + "gateway_api_key (HTTP " + a.status() + ")");
    }
    if (a.status() == 404) {
      connection.onInstanceMissing();
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, what + " failed: instance " + instance
          + " does not exist on the gateway; connect again");
    }
    if (a.body().path("response").path("message").path(0).path("exists").isBoolean()
        && !a.body().path("response").path("message").path(0).path("exists").asBoolean()) {
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, what + " failed: " + number
          + " is not on WhatsApp");
    }
    if (lower.contains("connection closed") || lower.contains("not connected")) {
      connection.onSessionClosed();
      throw new RetryableException(ErrorCode.CHANNEL_ERROR, what + " failed: the WhatsApp "
          + "session is closed; reconnecting", null);
    }
    if (a.status() == 429 || a.status() >= 500) {
      throw new RetryableException(a.status() == 429 ? ErrorCode.RATE_LIMITED
          : ErrorCode.CHANNEL_ERROR, what + " failed: HTTP " + a.status() + " (" + err + ")",
          null);
    }
    throw new WacandaException(ErrorCode.CHANNEL_ERROR, what + " failed: HTTP " + a.status()
        + " (" + err + ")");
  }

  @Override
  public ChannelLimits limits() {
    return LIMITS;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      connection.close();
    }
  }

  GatewayClient client() {
    return client;
  }

  BaileysConnection connection() {
    return connection;
  }

  GatewayWebhookParser parser() {
    return parser;
  }

  @Override
  public String toString() {
    return "BaileysChannel[integration=" + integrationId + ", instance=" + instance + "]";
  }
}
