package io.wacanda.examples.customchannel;

import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.security.ApiKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tincan} integration type (step 1 of the guide in the README). Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/io.wacanda.integration.IntegrationProvider},
 * so putting this jar on the class path is all a host does. Stateless and thread-safe.
 *
 * <p>Settings: {@code bot_token} (secret, required), {@code api_url} (required, https; http only to
 * localhost), {@code signing_secret} and {@code verify_token} (secrets, generated when empty),
 * {@code register_webhook} (default false: when true the channel points Tincan at the integration's
 * webhook URL when it starts).
 */
public final class TincanIntegrationProvider implements IntegrationProvider {
  /** The type id, as used in {@code POST /admin/integrations {"type":"tincan",...}}. */
  public static final String TYPE = "tincan";
  static final String BOT_TOKEN = "bot_token";
  static final String API_URL = "api_url";
  static final String SIGNING_SECRET = "signing_secret";
  static final String VERIFY_TOKEN = "verify_token";
  static final String REGISTER_WEBHOOK = "register_webhook";

  private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final IntegrationTemplate TEMPLATE = new IntegrationTemplate(TYPE, "Tincan",
      "Tincan chat: signed webhooks in, bot API out.",
      List.of(
          FieldSpec.required(BOT_TOKEN, "Bot token", FieldKind.SECRET,
              "From Tincan's bot settings; sent as X-Tincan-Token."),
          FieldSpec.required(API_URL, "API URL", FieldKind.URL,
              "Base of the Tincan bot API, e.g. https://api.tincan.example"),
          FieldSpec.optional(SIGNING_SECRET, "Signing secret", FieldKind.SECRET, null,
              "Verifies Tincan-Signature on webhooks; generated when empty (copy it to Tincan)."),
          FieldSpec.optional(VERIFY_TOKEN, "Verify token", FieldKind.SECRET, null,
              "Answers Tincan's GET handshake; generated when empty."),
          FieldSpec.optional(REGISTER_WEBHOOK, "Register webhook", FieldKind.BOOLEAN, "false",
              "Point Tincan at this integration's webhook URL when the integration starts.")));

  /** Public and argument-free: ServiceLoader instantiates it. */
  public TincanIntegrationProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public IntegrationTemplate template() {
    return TEMPLATE;
  }

  /** Wacanda already checked required fields, kinds and the URL guard; these are Tincan's rules. */
  @Override
  public void validate(Map<String, String> settings) {
    String url = settings.getOrDefault(API_URL, "");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw WacandaException.invalid("setting 'api_url' is not a URL");
    }
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    String host = String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && LOCAL_HOSTS.contains(host))) {
      throw WacandaException.invalid("setting 'api_url' must use https (http only to localhost)");
    }
    String secret = settings.getOrDefault(SIGNING_SECRET, "");
    if (secret.length() < 24) {
      throw WacandaException.invalid("setting 'signing_secret' must be at least 24 characters");
    }
    String token = settings.getOrDefault(BOT_TOKEN, "");
    if (!token.matches("[\\x21-\\x7e]{8,256}")) {
      throw WacandaException.invalid("setting 'bot_token' must be 8-256 visible characters");
    }
  }

  /** Secrets the user left empty are generated once, at creation. */
  @Override
  public Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of(SIGNING_SECRET, ApiKeys.randomToken(32), VERIFY_TOKEN, ApiKeys.randomToken(24));
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new TincanChannel(context);
  }

  @Override
  public IntegrationTest connectivityTest() {
    return new TincanConnectivityTest();
  }
}
