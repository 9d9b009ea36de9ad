package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.WacandaException;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.integration.TestCheck;
import io.wacanda.internal.Json;
import io.wacanda.telegram.TelegramSettings.Mode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Telegram connectivity test. {@code bot_token}: {@code getMe} accepts the token and names the
 * bot. {@code webhook} (webhook mode): {@code getWebhookInfo} shows this integration's URL, with the
 * pending update count and Telegram's last delivery error; it fails when the URL differs or when
 * deliveries are failing now (an error in the last {@link #RECENT_ERROR} with updates pending).
 * {@code webhook} (polling mode): no other webhook blocks {@code getUpdates}. Messages never carry a
 * token, and name only the host of a URL that is not this integration's.
 */
final class TelegramConnectivityTest implements IntegrationTest {
  /** A delivery error this recent, with updates pending, fails the webhook check: 10 minutes. */
  static final Duration RECENT_ERROR = Duration.ofMinutes(10);

  private final TelegramConfig config;

  TelegramConnectivityTest(TelegramConfig config) {
    this.config = config;
  }

  @Override
  public List<TestCheck> run(ChannelContext context) {
    List<TestCheck> checks = new ArrayList<>();
    TelegramSettings settings;
    try {
      settings = TelegramSettings.from(context.settings().asMap());
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("settings", Duration.ZERO, e.getMessage()));
      return checks;
    }
    BotApi api = new BotApi(context.httpClient(), context.urlGuard(), settings.apiBaseUrl(),
        settings.botToken(), config.requestTimeout(), context.integration().id());
    checks.add(getMe(api));
    checks.add(webhook(api, settings, context));
    return checks;
  }

  private static TestCheck getMe(BotApi api) {
    long t0 = System.nanoTime();
    try {
      BotApi.Reply r = api.call("getMe", Json.mapper().createObjectNode());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (!r.ok()) {
        return TestCheck.fail("bot_token", took, r.errorCode() == 401
            ? "Telegram rejected the bot token (401 Unauthorized); copy it again from @BotFather"
            : "getMe failed: Telegram answered " + r.errorCode() + " " + r.description());
      }
      JsonNode me = r.result();
      return TestCheck.pass("bot_token", took, "token accepted for bot @"
          + me.path("username").asText("?") + " (id " + me.path("id").asText("?") + ")");
    } catch (WacandaException e) {
      return TestCheck.fail("bot_token", Duration.ofNanos(System.nanoTime() - t0),
          e.getMessage());
    }
  }

  private static TestCheck webhook(BotApi api, TelegramSettings settings,
      ChannelContext context) {
    long t0 = System.nanoTime();
    try {
      BotApi.Reply r = api.call("getWebhookInfo", Json.mapper().createObjectNode());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (!r.ok()) {
        return TestCheck.fail("webhook", took,
            "getWebhookInfo failed: Telegram answered " + r.errorCode() + " " + r.description());
      }
      JsonNode info = r.result();
      String url = info.path("url").asText("");
      String ours = context.webhookUrl();
      long pending = info.path("pending_update_count").asLong(0);
      if (settings.mode() == Mode.POLLING) {
        if (url.isEmpty()) {
          return TestCheck.pass("webhook", took, "no webhook set; long polling can run ("
              + pending + " updates pending)");
        }
        if (url.equals(ours)) {
          return TestCheck.pass("webhook", took, "this integration's old webhook is still set; "
              + "polling deletes it when it starts");
        }
        return TestCheck.fail("webhook", took, "a webhook on host " + hostOf(url)
            + " is set for this bot; getUpdates is refused (409) until it is deleted");
      }
      if (url.isEmpty()) {
        return TestCheck.fail("webhook", took, "no webhook is set; enable the integration again "
            + "to call setWebhook");
      }
      if (!url.equals(ours)) {
        return TestCheck.fail("webhook", took, "the bot's webhook points to host " + hostOf(url)
            + ", not to this integration (" + ours + ")");
      }
      StringBuilder message = new StringBuilder("webhook set to this integration; ")
          .append(pending).append(" updates pending");
      boolean failing = false;
      if (info.path("last_error_date").asLong(0) > 0) {
        Instant at = Instant.ofEpochSecond(info.get("last_error_date").asLong());
        String error = api.redact(info.path("last_error_message").asText(""));
        message.append("; last delivery error at ").append(at).append(": ").append(error);
        failing = pending > 0
            && Duration.between(at, context.clock().instant()).compareTo(RECENT_ERROR) < 0;
      }
      return failing ? TestCheck.fail("webhook", took, message.toString())
          : TestCheck.pass("webhook", took, message.toString());
    } catch (WacandaException e) {
      return TestCheck.fail("webhook", Duration.ofNanos(System.nanoTime() - t0),
          e.getMessage());
    }
  }

  private static String hostOf(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? "(unknown)" : host;
    } catch (IllegalArgumentException e) {
      return "(unparsable URL)";
    }
  }
}
