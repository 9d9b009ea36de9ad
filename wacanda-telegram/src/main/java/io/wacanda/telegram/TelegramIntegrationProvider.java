package io.wacanda.telegram;

import io.wacanda.channel.Channel;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.security.ApiKeys;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code telegram} integration type: a Telegram bot, receiving updates by webhook (the default;
 * authenticated by a per-integration {@code secret_token}) or by long polling (for hosts without a
 * public HTTPS URL), answering through the Bot API. Found by {@link java.util.ServiceLoader} with
 * {@link TelegramConfig#defaults()}; register an instance built with another {@link TelegramConfig}
 * by hand to change timeouts or pacing (and turn discovery off, or the type id is provided twice).
 *
 * <p>Template fields: {@code bot_token} (secret, required), {@code mode} ({@code webhook} |
 * {@code polling}, default {@code webhook}), {@code api_base_url} (default
 * {@value #DEFAULT_API_BASE_URL}), {@code allowed_updates} (default
 * {@value #DEFAULT_ALLOWED_UPDATES}), {@code secret_token} (secret, generated on create),
 * {@code parse_mode} ({@code none} | {@code MarkdownV2} | {@code HTML}, default {@code none}),
 * {@code drop_pending_updates} (default false), {@code delete_webhook_on_stop} (default true).
 * Stateless and thread-safe.
 */
public final class TelegramIntegrationProvider implements IntegrationProvider {
  public static final String TYPE = "telegram";
  /** Telegram's Bot API server. */
  public static final String DEFAULT_API_BASE_URL = "https://api.telegram.org";
  /** What a customer-service bot needs; {@code my_chat_member} tells when a customer blocks it. */
  public static final String DEFAULT_ALLOWED_UPDATES =
      "message,edited_message,callback_query,my_chat_member";

  private static final IntegrationTemplate TEMPLATE = new IntegrationTemplate(TYPE, "Telegram",
      "A Telegram bot: customers write to it in Telegram, the assistant answers there.",
      List.of(
          FieldSpec.required("bot_token", "Bot token", FieldKind.SECRET,
              "The token @BotFather gave for the bot, like 123456789:AA... Kept encrypted."),
          FieldSpec.select("mode", "How updates arrive", List.of("webhook", "polling"), "webhook",
              "webhook: Telegram posts to this integration's HTTPS URL (needs a public URL). "
                  + "polling: Wacanda asks Telegram with long polling (works behind NAT; one "
                  + "process per bot)."),
          FieldSpec.optional("api_base_url", "Bot API server", FieldKind.URL,
              DEFAULT_API_BASE_URL,
              "Change only for a self-hosted Bot API server or a test double."),
          FieldSpec.optional("allowed_updates", "Update kinds", FieldKind.TEXT,
              DEFAULT_ALLOWED_UPDATES,
              "Comma-separated update kinds Telegram should send; other kinds are ignored."),
          FieldSpec.optional("secret_token", "Webhook secret", FieldKind.SECRET, null,
              "Sent by Telegram in X-Telegram-Bot-Api-Secret-Token on every webhook; generated "
                  + "when empty (1-256 characters of A-Z a-z 0-9 _ -)."),
          FieldSpec.select("parse_mode", "Formatting", List.of("none", "MarkdownV2", "HTML"),
              "none", "none sends replies as plain text. MarkdownV2 or HTML renders **bold**, "
                  + "`code` and [links](https://...) in replies; everything else is escaped."),
          FieldSpec.optional("drop_pending_updates", "Drop pending updates on start",
              FieldKind.BOOLEAN, "false",
              "Discard updates Telegram queued while the integration was off, on every start. "
                  + "Customers' messages from that time are lost: leave false unless you mean it."),
          FieldSpec.optional("delete_webhook_on_stop", "Delete webhook on stop",
              FieldKind.BOOLEAN, "true",
              "Webhook mode: call deleteWebhook when the channel stops (disable, delete, settings "
                  + "change, and also process shutdown). Set false when several app instances "
                  + "serve this integration.")));

  private final TelegramConfig config;

  /** A provider with {@link TelegramConfig#defaults()}; what {@link java.util.ServiceLoader} uses. */
  @jakarta.inject.Inject
  public TelegramIntegrationProvider() {
    this(TelegramConfig.defaults());
  }

  public TelegramIntegrationProvider(TelegramConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public IntegrationTemplate template() {
    return TEMPLATE;
  }

  /** Checks the token's shape, the secret's alphabet, the base URL and the update kinds. */
  @Override
  public void validate(Map<String, String> settings) {
    TelegramSettings.from(settings);
  }

  /** A 43-character random {@code secret_token} (URL-safe base64 of 32 random bytes). */
  @Override
  public Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of("secret_token", ApiKeys.randomToken(32));
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new TelegramChannel(context, config);
  }

  @Override
  public IntegrationTest connectivityTest() {
    return new TelegramConnectivityTest(config);
  }

  public TelegramConfig config() {
    return config;
  }
}
