package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
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
import io.wacanda.http.HttpResponse;
import io.wacanda.integration.ChannelContext;
import io.wacanda.internal.Json;
import io.wacanda.security.ApiKeys;
import io.wacanda.telegram.TelegramSettings.Mode;
import io.wacanda.telegram.TelegramText.ParseMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Telegram channel of one integration (one bot).
 *
 * <p><b>Inbound.</b> In webhook mode {@link #start()} registers the integration's webhook URL with
 * {@code setWebhook} (secret token, allowed updates); every webhook must carry
 * {@code X-Telegram-Bot-Api-Secret-Token} equal to the integration's {@code secret_token}
 * (constant-time) or is refused with BAD_SIGNATURE before anything is parsed. In polling mode
 * {@link #start()} starts a {@link LongPoller}, which stores each batch through
 * {@link ChannelContext.Events#store} before it confirms it to Telegram. Both paths parse with
 * {@link UpdateParser}: one {@link InboundEvent} per Update. Callback queries are answered (in
 * webhook mode inside the webhook's answer, as Telegram allows; when polling, right after storing).
 *
 * <p><b>Outbound.</b> {@link #send} paces per chat and per bot ({@link SendPacer}; it may block the
 * calling inbox worker up to the configured maximum wait), renders text for the configured
 * {@code parse_mode}, attaches buttons as an inline keyboard, sends media by URL, splits texts over
 * 4,096 characters, follows {@code migrate_to_chat_id} (remembered for later sends), turns 429
 * into a retryable RATE_LIMITED with Telegram's {@code retry_after}, and turns 403 into a final
 * failure: the chat is remembered as unreachable (later sends are refused without a call) and, for
 * a private chat, a {@link InboundEvent.ConversationClosed} is stored so the engine closes the
 * session.
 *
 * <p>{@link #close()} stops polling, and in webhook mode deletes the webhook when
 * {@code delete_webhook_on_stop} is true (the default) and this channel had set it. Thread-safe.
 */
final class TelegramChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(TelegramChannel.class);
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  /** 4,096 characters per message; 10 inline buttons of at most 64 characters; media by URL. */
  static final ChannelLimits LIMITS = new ChannelLimits(TelegramText.MAX_MESSAGE, 10, 64, true);
  private static final int MAX_CALLBACK_DATA_BYTES = 64;
  private static final int MAX_REMEMBERED_CHATS = 100_000;
  private static final int MAX_MIGRATION_HOPS = 3;

  private final ChannelContext context;
  private final TelegramSettings settings;
  private final String integrationId;
  private final BotApi api;
  private final UpdateParser parser;
  private final SendPacer pacer;
  private final Optional<LongPoller> poller;
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  private final Map<String, String> migrated = new ConcurrentHashMap<>();
  private final AtomicBoolean webhookSet = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  TelegramChannel(ChannelContext context, TelegramConfig config) {
    this.context = context;
    this.settings = TelegramSettings.from(context.settings().asMap());
    this.integrationId = context.integration().id();
    this.api = new BotApi(context.httpClient(), context.urlGuard(), settings.apiBaseUrl(),
        settings.botToken(), config.requestTimeout(), integrationId);
    this.parser = new UpdateParser(context.clock());
    this.pacer = new SendPacer(context.clock(), config);
    this.poller = settings.mode() == Mode.POLLING
        ? Optional.of(new LongPoller(integrationId, api, config, settings.allowedUpdates(),
            settings.dropPendingUpdates(), context.webhookUrl(), this::storeBatch,
            context.events()::statusChanged, context.clock()))
        : Optional.empty();
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Webhook mode: {@code setWebhook} (throws if Telegram refuses, so the integration shows the
   * error). Polling mode: starts the polling thread, which reports its own status.
   */
  @Override
  public void start() {
    if (closed.get()) {
      return;
    }
    if (poller.isPresent()) {
      poller.get().connect();
      return;
    }
    String url = context.webhookUrl();
    if (!url.startsWith("https://")) {
      log.warn("Webhook URL of integration {} is not HTTPS; Telegram only delivers to HTTPS URLs "
          + "on ports 443, 80, 88 or 8443 (set Wacanda's publicBaseUrl, or use polling mode)",
          integrationId);
    }
    ObjectNode p = Json.mapper().createObjectNode();
    p.put("url", url);
    p.put("secret_token", settings.secretToken());
    if (!settings.allowedUpdates().isEmpty()) {
      ArrayNode allowed = p.putArray("allowed_updates");
      settings.allowedUpdates().forEach(allowed::add);
    }
    if (settings.dropPendingUpdates()) {
      p.put("drop_pending_updates", true);
    }
    api.call("setWebhook", p).resultOrThrow("setWebhook for integration " + integrationId);
    webhookSet.set(true);
    log.info("Telegram webhook of integration {} set to {}", integrationId, url);
  }

  @Override
  public Optional<ConnectionControl> connectionControl() {
    return poller.map(p -> p);
  }

  /** Stops polling; deletes the webhook this channel set when so configured. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    poller.ifPresent(LongPoller::stop);
    if (webhookSet.get() && settings.deleteWebhookOnStop()) {
      try {
        api.call("deleteWebhook", Json.mapper().createObjectNode())
            .resultOrThrow("deleteWebhook for integration " + integrationId);
        log.info("Telegram webhook of integration {} deleted", integrationId);
      } catch (WacandaException e) {
        log.warn("Could not delete the Telegram webhook of integration {}: {}", integrationId,
            e.getMessage());
      }
    }
  }

  @Override
  public ChannelLimits limits() {
    return LIMITS;
  }

  // ------------------------------------------------------------------ inbound

  @Override
  public WebhookResult handleWebhook(HttpRequest request) {
    if (!request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, "Telegram webhooks are POST only");
    }
    String expected = settings.secretToken();
    String given = request.header(SECRET_HEADER).orElse(null);
    if (expected.isEmpty() || !ApiKeys.constantTimeEquals(given, expected)) {
      throw new WacandaException(ErrorCode.BAD_SIGNATURE, "Telegram webhook for integration "
          + integrationId + " has a missing or wrong " + SECRET_HEADER);
    }
    JsonNode update;
    try {
      update = Json.mapper().readTree(request.body());
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON, "Telegram webhook body is not JSON");
    }
    UpdateParser.Parsed parsed;
    try {
      parsed = parser.parse(update);
    } catch (IllegalArgumentException e) {
      throw new WacandaException(ErrorCode.MALFORMED_JSON,
          "Telegram webhook body is not an Update: " + e.getMessage());
    }
    remember(parsed);
    HttpResponse response = parsed.callbackQueryId().map(id -> {
      // Telegram runs a method named in the webhook's answer: the client's spinner stops at once.
      ObjectNode answer = Json.mapper().createObjectNode();
      answer.put("method", "answerCallbackQuery");
      answer.put("callback_query_id", id);
      return HttpResponse.json(200, Json.write(answer));
    }).orElse(HttpResponse.empty(200));
    return new WebhookResult(List.of(parsed.event()), response);
  }

  /** The polling path: parse, remember, store durably, then answer callback queries. */
  private void storeBatch(List<JsonNode> updates) {
    List<InboundEvent> events = new ArrayList<>(updates.size());
    List<String> callbacks = new ArrayList<>();
    for (JsonNode u : updates) {
      UpdateParser.Parsed parsed;
      try {
        parsed = parser.parse(u);
      } catch (IllegalArgumentException e) {
        log.debug("Skipped an update of integration {} without update_id", integrationId);
        continue;
      }
      remember(parsed);
      events.add(parsed.event());
      parsed.callbackQueryId().ifPresent(callbacks::add);
    }
    if (!events.isEmpty()) {
      context.events().store(events);
    }
    for (String id : callbacks) {
      answerCallbackQuery(id);
    }
  }

  private void answerCallbackQuery(String id) {
    ObjectNode p = Json.mapper().createObjectNode();
    p.put("callback_query_id", id);
    try {
      BotApi.Reply r = api.call("answerCallbackQuery", p);
      if (!r.ok()) {
        log.debug("answerCallbackQuery of integration {} answered {} {}", integrationId,
            r.errorCode(), r.description());
      }
    } catch (WacandaException e) {
      log.debug("answerCallbackQuery of integration {} failed: {}", integrationId,
          e.getMessage());
    }
  }

  private void remember(UpdateParser.Parsed parsed) {
    parsed.reachableChat().ifPresent(unreachable::remove);
    parsed.blockedChat().ifPresent(this::markUnreachable);
    parsed.migration().ifPresent(m -> rememberMigration(m.from(), m.to()));
  }

  private void markUnreachable(String chatId) {
    if (unreachable.size() < MAX_REMEMBERED_CHATS) {
      unreachable.add(chatId);
    }
  }

  private void rememberMigration(String from, String to) {
    if (!from.equals(to) && migrated.size() < MAX_REMEMBERED_CHATS) {
      migrated.put(from, to);
      log.info("Telegram chat {} of integration {} moved to {}", from, integrationId, to);
    }
  }

  /** Whether sends to this chat are refused because it blocked the bot or removed it. */
  boolean isUnreachable(String chatId) {
    return unreachable.contains(chatId);
  }

  // ------------------------------------------------------------------ outbound

  @Override
  public SendResult send(OutboundMessage message) {
    ChatAddress to = followMigrations(ChatAddress.parse(message.recipientId()));
    if (unreachable.contains(to.chatId())) {
      throw new WacandaException(ErrorCode.CHANNEL_ERROR, "Telegram chat " + to.chatId()
          + " of integration " + integrationId
          + " blocked the bot or removed it; not sending until it writes again");
    }
    List<Step> steps = plan(message);
    String platformId = "";
    for (Step step : steps) {
      Delivered d = deliver(to, step, message.idempotencyKey());
      to = d.to();
      platformId = d.platformMessageId();
    }
    return new SendResult(platformId, context.clock().instant());
  }

  private ChatAddress followMigrations(ChatAddress address) {
    ChatAddress a = address;
    for (int i = 0; i < MAX_MIGRATION_HOPS; i++) {
      String next = migrated.get(a.chatId());
      if (next == null) {
        break;
      }
      a = a.withChat(next);
    }
    return a;
  }

  /** One Bot API call of a send; {@code plainText} is the fallback when entities do not parse. */
  private record Step(String method, ObjectNode params, String textField, String plainText) {
    Step withoutFormatting() {
      ObjectNode p = params.deepCopy();
      p.remove("parse_mode");
      p.put(textField, plainText);
      return new Step(method, p, textField, plainText);
    }
  }

  private record Delivered(String platformMessageId, ChatAddress to) {}

  private List<Step> plan(OutboundMessage message) {
    ParseMode mode = settings.parseMode();
    List<Step> steps = new ArrayList<>();
    String text = message.text().strip();
    if (message.media().isPresent()) {
      OutboundMessage.Media media = message.media().get();
      String scheme = media.url().getScheme() == null ? ""
          : media.url().getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw WacandaException.invalid("Telegram fetches media by http(s) URL; got scheme '"
            + scheme + "'");
      }
      String field = mediaField(media.kind());
      ObjectNode p = Json.mapper().createObjectNode();
      p.put(field, media.url().toString());
      String caption = media.caption().strip();
      if (media.kind() != MediaKind.STICKER) {
        if (caption.isEmpty() && !text.isEmpty() && text.length() <= TelegramText.MAX_CAPTION) {
          caption = text;
          text = "";
        }
        if (caption.length() > TelegramText.MAX_CAPTION) {
          caption = TelegramText.split(caption, TelegramText.MAX_CAPTION).get(0);
        }
        if (!caption.isEmpty()) {
          p.put("caption", TelegramText.render(caption, mode));
          if (mode != ParseMode.NONE) {
            p.put("parse_mode", mode.wire);
          }
        }
      }
      steps.add(new Step(mediaMethod(media.kind()), p, "caption", caption));
    }
    if (!text.isEmpty()) {
      for (String part : TelegramText.split(text, TelegramText.MAX_MESSAGE)) {
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("text", TelegramText.render(part, mode));
        if (mode != ParseMode.NONE) {
          p.put("parse_mode", mode.wire);
        }
        steps.add(new Step("sendMessage", p, "text", part));
      }
    }
    if (steps.isEmpty()) {
      throw WacandaException.invalid("nothing to send to Telegram chat " + message.recipientId()
          + ": the message has neither text nor media");
    }
    if (!message.buttons().isEmpty()) {
      steps.get(steps.size() - 1).params().set("reply_markup", keyboard(message.buttons()));
    }
    return steps;
  }

  private static ObjectNode keyboard(List<OutboundMessage.Button> buttons) {
    ObjectNode markup = Json.mapper().createObjectNode();
    ArrayNode rows = markup.putArray("inline_keyboard");
    for (OutboundMessage.Button b : buttons) {
      if (b.id().getBytes(StandardCharsets.UTF_8).length > MAX_CALLBACK_DATA_BYTES) {
        throw WacandaException.invalid("button id '" + b.id() + "' is longer than Telegram's "
            + MAX_CALLBACK_DATA_BYTES + "-byte callback_data");
      }
      rows.addArray().addObject().put("text", b.title()).put("callback_data", b.id());
    }
    return markup;
  }

  private Delivered deliver(ChatAddress address, Step first, String idempotencyKey) {
    ChatAddress to = address;
    Step step = first;
    boolean formattingDropped = false;
    for (int hop = 0; hop <= MAX_MIGRATION_HOPS + 1; hop++) {
      pacer.acquire(to);
      ObjectNode p = step.params().deepCopy();
      Object chat = to.jsonValue();
      if (chat instanceof Long id) {
        p.put("chat_id", id);
      } else {
        p.put("chat_id", (String) chat);
      }
      to.threadId().ifPresent(t -> p.put("message_thread_id", t));
      String what = step.method() + " to Telegram chat " + to.chatId() + " of integration "
          + integrationId;
      BotApi.Reply r = api.call(step.method(), p);
      if (r.ok()) {
        return new Delivered(to.chatId() + ":" + r.result().path("message_id").asText(""), to);
      }
      if (r.migrateTo().isPresent()) {
        String next = Long.toString(r.migrateTo().get());
        rememberMigration(to.chatId(), next);
        to = to.withChat(next);
        continue;
      }
      if (r.errorCode() == 429) {
        pacer.backOff(to, r.retryAfter().orElse(java.time.Duration.ofSeconds(1)));
        throw r.failure(what);
      }
      if (r.errorCode() == 403) {
        unreachable(to, r.description(), idempotencyKey);
        throw r.failure(what);
      }
      if (r.errorCode() == 400 && !formattingDropped && p.has("parse_mode")
          && r.description().toLowerCase(Locale.ROOT).contains("can't parse entities")) {
        log.warn("Telegram could not parse the {} entities of a message for integration {}; "
            + "sent without formatting", settings.parseMode().wire, integrationId);
        step = step.withoutFormatting();
        formattingDropped = true;
        continue;
      }
      throw r.failure(what);
    }
    throw new WacandaException(ErrorCode.CHANNEL_ERROR, "Telegram chat " + address.chatId()
        + " of integration " + integrationId + " keeps moving; gave up after "
        + MAX_MIGRATION_HOPS + " migrations");
  }

  /**
   * Telegram refused the chat for good (blocked, deactivated, kicked). Remember it and, for a
   * private chat (where the chat id is the customer's id), store a ConversationClosed so the
   * engine closes the session: the channel SPI has no other way to say so yet.
   */
  private void unreachable(ChatAddress to, String description, String idempotencyKey) {
    markUnreachable(to.chatId());
    log.info("Telegram chat {} of integration {} is unreachable ({}); sends to it stop until it "
        + "writes again", to.chatId(), integrationId, description);
    if (to.isPrivate()) {
      try {
        context.events().store(List.of(new InboundEvent.ConversationClosed(
            "blocked:" + to.chatId() + ":" + idempotencyKey, to.chatId(),
            "Telegram refused delivery: " + description)));
      } catch (RuntimeException e) {
        log.warn("Could not record that chat {} of integration {} is closed: {}", to.chatId(),
            integrationId, e.toString());
      }
    }
  }

  private static String mediaMethod(MediaKind kind) {
    return switch (kind) {
      case IMAGE -> "sendPhoto";
      case AUDIO -> "sendAudio";
      case VOICE -> "sendVoice";
      case VIDEO -> "sendVideo";
      case DOCUMENT -> "sendDocument";
      case STICKER -> "sendSticker";
    };
  }

  private static String mediaField(MediaKind kind) {
    return switch (kind) {
      case IMAGE -> "photo";
      case AUDIO -> "audio";
      case VOICE -> "voice";
      case VIDEO -> "video";
      case DOCUMENT -> "document";
      case STICKER -> "sticker";
    };
  }

  @Override
  public String toString() {
    return "TelegramChannel[integration=" + integrationId + ", mode=" + settings.mode() + "]";
  }
}
