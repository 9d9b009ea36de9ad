package io.wacanda.examples.customchannel;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.WacandaException;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.integration.TestCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The connectivity test of the Tincan type (step 3 of the guide): {@code bot_token} (the token is
 * accepted, {@code GET /v2/bot}) and {@code webhook} (Tincan posts to this integration's webhook
 * URL, {@code GET /v2/webhook}; skipped when the token failed). Failures are failed checks, never
 * exceptions; messages hold no secret (the token is removed from any text before it is returned).
 */
final class TincanConnectivityTest implements IntegrationTest {

  @Override
  public List<TestCheck> run(ChannelContext context) {
    List<TestCheck> checks = new ArrayList<>();
    TincanChannel channel;
    try {
      channel = new TincanChannel(context);
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("configuration", Duration.ZERO, clean(e.getMessage(), context)));
      return checks;
    }
    long t0 = System.nanoTime();
    try {
      JsonNode bot = channel.bot();
      checks.add(TestCheck.pass("bot_token", since(t0),
          clean("token accepted: bot " + bot.path("name").asText("?"), context)));
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("bot_token", since(t0), clean(e.getMessage(), context)));
      checks.add(TestCheck.fail("webhook", Duration.ZERO, "not checked: the token failed"));
      return checks;
    }
    t0 = System.nanoTime();
    try {
      JsonNode hook = channel.webhook();
      String url = hook.path("url").asText("");
      boolean active = hook.path("active").asBoolean(false);
      if (url.equals(context.webhookUrl()) && active) {
        checks.add(TestCheck.pass("webhook", since(t0), "Tincan posts to this integration"));
      } else {
        checks.add(TestCheck.fail("webhook", since(t0), clean((url.isEmpty()
            ? "Tincan has no webhook URL" : "Tincan posts to " + url + (active ? "" : " (paused)"))
            + "; set it to " + context.webhookUrl() + " or enable register_webhook", context)));
      }
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("webhook", since(t0), clean(e.getMessage(), context)));
    }
    return checks;
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Defence in depth: whatever a server sent back, the token and secrets never reach a result. */
  private static String clean(String message, ChannelContext context) {
    String m = message == null ? "" : message;
    for (String name : List.of(TincanIntegrationProvider.BOT_TOKEN,
        TincanIntegrationProvider.SIGNING_SECRET, TincanIntegrationProvider.VERIFY_TOKEN)) {
      String secret = context.settings().get(name).orElse("");
      if (secret.length() >= 4) {
        m = m.replace(secret, "<redacted>");
      }
    }
    return m;
  }
}
