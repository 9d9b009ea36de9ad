package io.wacanda.spring;

import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
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

/** A host-declared integration type for tests: accepts nothing, sends nowhere, tests green. */
class EchoProvider implements IntegrationProvider {
  @Override
  public String type() {
    return "echo";
  }

  @Override
  public IntegrationTemplate template() {
    return new IntegrationTemplate("echo", "Echo", "test type declared as a bean",
        List.of(FieldSpec.optional("greeting", "Greeting", FieldKind.TEXT, "hi", "")));
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new Channel() {
      @Override
      public WebhookResult handleWebhook(HttpRequest request) {
        return WebhookResult.of(List.of());
      }

      @Override
      public SendResult send(OutboundMessage message) {
        throw new UnsupportedOperationException("echo sends nothing");
      }

      @Override
      public ChannelLimits limits() {
        return ChannelLimits.textOnly(4096);
      }
    };
  }

  @Override
  public IntegrationTest connectivityTest() {
    return context -> List.of(TestCheck.pass("echo", Duration.ZERO, "always passes"));
  }
}
