package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wacanda.channel.OutboundMessage;
import io.wacanda.integration.ConnectionState;
import io.wacanda.telegram.testkit.FakeBotApi;
import io.wacanda.telegram.testkit.FakeBotApi.Failure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drives every logging path (start, stop, polling errors, send failures, connectivity test) at
 * DEBUG level and checks that neither the bot token nor the webhook secret reaches the log.
 */
class NoSecretsInLogsTest {

  @Test
  void neitherTheTokenNorTheSecretIsEverLogged() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Throwable[] failures = new Throwable[4];
    try (FakeBotApi fake = FakeBotApi.builder().token(Contexts.TOKEN).start()) {
      Contexts.Events events = new Contexts.Events();
      Map<String, String> webhook = new HashMap<>(Contexts.settings(fake.baseUrl(), "webhook"));
      TelegramChannel channel = new TelegramChannel(
          Contexts.context(webhook, Clock.systemUTC(), events), TelegramSendTest.NO_PACING);
      channel.start();
      fake.failNext("sendMessage", Failure.tooManyRequests(3));
      failures[0] = catchThrowable(() -> channel.send(OutboundMessage.text("42", "a", "k1")));
      fake.failNext("sendMessage", Failure.blocked());
      failures[1] = catchThrowable(() -> channel.send(OutboundMessage.text("44", "a", "k2")));
      fake.failNext("sendMessage", Failure.unauthorized());
      failures[2] = catchThrowable(() -> channel.send(OutboundMessage.text("43", "a", "k3")));
      failures[3] = catchThrowable(() -> channel.handleWebhook(
          TelegramWebhookTest.webhookRequest("{}", "wrong")));
      new TelegramConnectivityTest(TelegramConfig.defaults())
          .run(Contexts.context(webhook, Clock.systemUTC(), events));
      channel.close();

      Map<String, String> polling = new HashMap<>(Contexts.settings(fake.baseUrl(), "polling"));
      GateSleeper gate = new GateSleeper(3);
      fake.failNext("getUpdates", Failure.unauthorized());
      fake.failNext("getUpdates", Failure.conflict());
      fake.failNext("getUpdates", Failure.badGateway());
      TelegramChannel poller = new TelegramChannel(
          Contexts.context(polling, Clock.systemUTC(), events),
          TelegramSendTest.NO_PACING.newBuilder().sleeper(gate).build());
      poller.start();
      fake.enqueueText(42L, "hello");
      events.awaitStored(1, Duration.ofSeconds(10));
      events.awaitStatus(s -> s.state() == ConnectionState.CONNECTED, Duration.ofSeconds(10));
      poller.close();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("Telegram webhook of integration int_test set to")
        .contains("Telegram sendMessage of integration int_test answered 429")
        .contains("Long polling stopped for integration int_test");
    assertThat(log).doesNotContain(Contexts.TOKEN).doesNotContain(Contexts.TOKEN.split(":")[1])
        .doesNotContain(Contexts.SECRET);
    for (Throwable t : failures) {
      assertThat(t).isNotNull();
      assertThat(t.getMessage()).doesNotContain(Contexts.TOKEN.split(":")[1])
          .doesNotContain(Contexts.SECRET);
    }
  }
}
