package io.wacanda.custom;

import io.wacanda.channel.Channel;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.security.StandardWebhooks;
import java.util.List;
import java.util.Map;

/**
 * The {@code custom} integration type, for any platform a host wires itself: customer messages
 * arrive through the external API ({@code chat} or {@code webhook} actions) or as Standard Webhooks
 * signed POSTs to the integration's webhook URL; replies are POSTed to {@code webhook_url}, signed
 * with {@code webhook_secret} per the Standard Webhooks specification.
 */
public final class CustomIntegrationProvider implements IntegrationProvider {
  public static final String TYPE = "custom";

  private static final IntegrationTemplate TEMPLATE = new IntegrationTemplate(TYPE,
      "Custom platform",
      "Any platform: send customer messages to the external API, receive replies on your URL.",
      List.of(
          FieldSpec.optional("webhook_url", "Reply URL", FieldKind.URL, null,
              "Where replies are POSTed, signed per Standard Webhooks. Leave empty to use only "
                  + "the synchronous chat action."),
          FieldSpec.optional("webhook_secret", "Signing secret", FieldKind.SECRET, null,
              "whsec_ secret that signs replies and verifies signed inbound webhooks; generated "
                  + "when empty."),
          FieldSpec.optional("health_url", "Health check URL", FieldKind.URL, null,
              "GET by the connectivity test; any 2xx passes."),
          FieldSpec.optional("max_text_length", "Max message length", FieldKind.NUMBER, "10000",
              "Longer replies are split into several messages.")));

  @jakarta.inject.Inject
  public CustomIntegrationProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public IntegrationTemplate template() {
    return TEMPLATE;
  }

  @Override
  public void validate(Map<String, String> settings) {
    String secret = settings.get("webhook_secret");
    if (secret != null) {
      StandardWebhooks.of(secret, java.time.Clock.systemUTC());
    }
    String max = settings.get("max_text_length");
    if (max != null) {
      int n;
      try {
        n = Integer.parseInt(max);
      } catch (NumberFormatException e) {
        throw io.wacanda.WacandaException.invalid("max_text_length must be a whole number");
      }
      if (n < 16 || n > 100_000) {
        throw io.wacanda.WacandaException.invalid("max_text_length must be 16..100000");
      }
    }
  }

  @Override
  public Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of("webhook_secret", StandardWebhooks.generateSecret());
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new CustomChannel(context);
  }

  @Override
  public IntegrationTest connectivityTest() {
    return CustomChannel::connectivityTest;
  }
}
