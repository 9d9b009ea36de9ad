package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import io.wacanda.telegram.TelegramText.ParseMode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One integration's Telegram settings, read and checked from its template fields. Error messages
 * name the field and the rule, never the value of a secret; {@link #toString()} redacts secrets.
 */
record TelegramSettings(String botToken, Mode mode, String apiBaseUrl,
    List<String> allowedUpdates, String secretToken, ParseMode parseMode,
    boolean dropPendingUpdates, boolean deleteWebhookOnStop) {

  static final Pattern BOT_TOKEN = Pattern.compile("^\\d{1,20}:[A-Za-z0-9_-]{20,200}$");
  static final Pattern SECRET_TOKEN = Pattern.compile("^[A-Za-z0-9_-]{1,256}$");
  private static final Pattern UPDATE_KIND = Pattern.compile("^[a-z_]{1,64}$");

  /** How updates arrive. */
  enum Mode {
    WEBHOOK, POLLING;

    static Mode fromSetting(String v) {
      if (v == null || v.isBlank() || v.equalsIgnoreCase("webhook")) {
        return WEBHOOK;
      }
      if (v.equalsIgnoreCase("polling")) {
        return POLLING;
      }
      throw WacandaException.invalid("setting 'mode' must be webhook or polling");
    }
  }

  /**
   * Reads settings (template defaults already applied).
   *
   * @throws WacandaException INVALID_REQUEST naming the field and its rule
   */
  static TelegramSettings from(Map<String, String> s) {
    String token = s.getOrDefault("bot_token", "").strip();
    if (token.isEmpty()) {
      throw WacandaException.invalid("setting 'bot_token' is required");
    }
    if (!BOT_TOKEN.matcher(token).matches()) {
      throw WacandaException.invalid("setting 'bot_token' must look like the token @BotFather "
          + "gives: the bot id in digits, a colon, then letters, digits, '_' or '-'");
    }
    String secret = s.getOrDefault("secret_token", "").strip();
    if (!secret.isEmpty() && !SECRET_TOKEN.matcher(secret).matches()) {
      throw WacandaException.invalid(
          "setting 'secret_token' must be 1-256 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
    ParseMode parseMode;
    try {
      parseMode = ParseMode.fromSetting(s.get("parse_mode"));
    } catch (IllegalArgumentException e) {
      throw WacandaException.invalid("setting 'parse_mode' must be none, MarkdownV2 or HTML");
    }
    return new TelegramSettings(token, Mode.fromSetting(s.get("mode")),
        baseUrl(s.getOrDefault("api_base_url", "")), allowedUpdates(s.get("allowed_updates")),
        secret, parseMode, bool(s, "drop_pending_updates", false),
        bool(s, "delete_webhook_on_stop", true));
  }

  private static String baseUrl(String value) {
    String v = value.isBlank() ? TelegramIntegrationProvider.DEFAULT_API_BASE_URL : value.strip();
    URI uri;
    try {
      uri = new URI(v);
    } catch (URISyntaxException e) {
      throw WacandaException.invalid("setting 'api_base_url' is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw WacandaException.invalid("setting 'api_base_url' must be an http(s) URL such as "
          + TelegramIntegrationProvider.DEFAULT_API_BASE_URL);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw WacandaException.invalid(
          "setting 'api_base_url' must not carry a query, fragment or credentials");
    }
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    return v;
  }

  /** A comma- or space-separated list, or a JSON array of update kinds. */
  static List<String> allowedUpdates(String value) {
    List<String> kinds = new ArrayList<>();
    String v = value == null ? "" : value.strip();
    if (v.startsWith("[")) {
      JsonNode array;
      try {
        array = Json.mapper().readTree(v);
      } catch (IOException e) {
        throw WacandaException.invalid("setting 'allowed_updates' is not a valid JSON array");
      }
      array.forEach(n -> kinds.add(n.asText("").strip()));
    } else if (!v.isEmpty()) {
      for (String k : v.split("[,\\s]+")) {
        if (!k.isEmpty()) {
          kinds.add(k);
        }
      }
    }
    for (String k : kinds) {
      if (!UPDATE_KIND.matcher(k).matches()) {
        throw WacandaException.invalid("setting 'allowed_updates' must list update kinds such as "
            + "message, callback_query (lower case and '_'), separated by commas");
      }
    }
    return List.copyOf(kinds);
  }

  private static boolean bool(Map<String, String> s, String key, boolean def) {
    String v = s.get(key);
    return v == null || v.isBlank() ? def : Boolean.parseBoolean(v.strip());
  }

  @Override
  public String toString() {
    return "TelegramSettings[botToken=<redacted>, mode=" + mode + ", apiBaseUrl=" + apiBaseUrl
        + ", allowedUpdates=" + allowedUpdates + ", secretToken=<redacted>, parseMode="
        + parseMode + ", dropPendingUpdates=" + dropPendingUpdates + ", deleteWebhookOnStop="
        + deleteWebhookOnStop + "]";
  }
}
