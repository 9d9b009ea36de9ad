package io.wacanda.testing;

import io.wacanda.RetryableException;
import io.wacanda.ErrorCode;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.integration.TestCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel type for tests: webhooks carry {@code sender|messageId|text}, sends are recorded, and
 * the next N sends can be made to fail. Limits come from settings {@code max_text} and
 * {@code buttons}.
 */
public final class RecordingProvider implements IntegrationProvider {
  public final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
  public final AtomicInteger failNextSends = new AtomicInteger();
  /** Fails the send attempt with this 1-based number, once; -1 for none. */
  public final AtomicInteger failSendAttempt = new AtomicInteger(-1);
  private final AtomicInteger attempts = new AtomicInteger();
  /** Recipients that blocked the bot: sends to them fail with RECIPIENT_UNREACHABLE. */
  public final java.util.Set<String> blocked = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public String type() {
    return "recording";
  }

  @Override
  public IntegrationTemplate template() {
    return new IntegrationTemplate("recording", "Recording", "test channel", List.of(
        FieldSpec.optional("max_text", "Max text", FieldKind.NUMBER, "4096", ""),
        FieldSpec.optional("buttons", "Buttons", FieldKind.NUMBER, "0", ""),
        FieldSpec.optional("token", "Token", FieldKind.SECRET, null, "")));
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    ChannelLimits limits = new ChannelLimits(context.settings().getInt("max_text", 4096),
        context.settings().getInt("buttons", 0), 20, false);
    return new Channel() {
      @Override
      public WebhookResult handleWebhook(HttpRequest request) {
        String expected = context.settings().get("token").orElse("");
        if (!expected.isEmpty() && !request.header("X-Token").orElse("").equals(expected)) {
          throw new io.wacanda.WacandaException(ErrorCode.BAD_SIGNATURE, "bad token");
        }
        String[] p = request.bodyAsString().split("\\|", 3);
        return WebhookResult.of(List.of(new InboundEvent.Message(
            InboundMessage.text(p[1], p[0], "", context.clock().instant(), p[2]))));
      }

      @Override
      public SendResult send(OutboundMessage message) {
        int attempt = attempts.incrementAndGet();
        if (blocked.contains(message.recipientId())) {
          throw new io.wacanda.WacandaException(ErrorCode.RECIPIENT_UNREACHABLE,
              "bot was blocked by the user");
        }
        if (failNextSends.getAndUpdate(n -> Math.max(0, n - 1)) > 0
            || attempt == failSendAttempt.get()) {
          throw new RetryableException(ErrorCode.CHANNEL_ERROR, "simulated outage", null);
        }
        sent.add(message);
        return new SendResult("p-" + sent.size(), context.clock().instant());
      }

      @Override
      public ChannelLimits limits() {
        return limits;
      }
    };
  }

  @Override
  public IntegrationTest connectivityTest() {
    return ctx -> List.of(TestCheck.pass("recording", Duration.ofMillis(1), "ok"));
  }

  public List<String> sentTexts() {
    return sent.stream().map(OutboundMessage::text).toList();
  }
}
