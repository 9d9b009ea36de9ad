package io.wacanda.whatsapp.baileys;

import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.integration.TestCheck;
import io.wacanda.security.ApiKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code whatsapp-baileys} integration type: WhatsApp Web through a Baileys gateway speaking
 * the Evolution API v2 protocol. Found by {@link java.util.ServiceLoader}, or register it with
 * {@code Wacanda.builder().provider(new BaileysIntegrationProvider())}. The channel offers
 * {@link io.wacanda.channel.ConnectionControl} (connect, QR code, status, logout); render the QR
 * with {@link QrCode}. Stateless and thread-safe.
 *
 * <p>Settings: {@code gateway_url} (required), {@code gateway_api_key} (secret, required),
 * {@code instance_name} (required), {@code webhook_secret} (secret, generated when empty),
 * {@code groups} ({@code ignore} by default, or {@code answer}).
 */
public final class BaileysIntegrationProvider implements IntegrationProvider {
  public static final String TYPE = "whatsapp-baileys";
  public static final String GATEWAY_URL = "gateway_url";
  public static final String GATEWAY_API_KEY = "gateway_api_key";
  public static final String INSTANCE_NAME = "instance_name";
  public static final String WEBHOOK_SECRET = "webhook_secret";
  public static final String GROUPS = "groups";
  /** Group messages are stored as ignored events, never answered. */
  public static final String GROUPS_IGNORE = "ignore";
  /** Group messages are answered in the group. */
  public static final String GROUPS_ANSWER = "answer";

  private static final IntegrationTemplate TEMPLATE = new IntegrationTemplate(TYPE,
      "WhatsApp Web (Baileys gateway)",
      "A WhatsApp number linked as a device through an Evolution API v2 gateway. Connect, then "
          + "scan the QR code with WhatsApp > Linked devices.",
      List.of(
          FieldSpec.required(GATEWAY_URL, "Gateway URL", FieldKind.URL,
              "Base URL of the Evolution API gateway, e.g. http://evolution:8080."),
          FieldSpec.required(GATEWAY_API_KEY, "Gateway API key", FieldKind.SECRET,
              "The gateway's global API key (AUTHENTICATION_API_KEY); it can create instances."),
          FieldSpec.required(INSTANCE_NAME, "Instance name", FieldKind.TEXT,
              "The gateway instance for this number; created on connect when missing."),
          FieldSpec.optional(WEBHOOK_SECRET, "Webhook secret", FieldKind.SECRET, null,
              "Sent by the gateway in the x-wacanda-secret header; generated when empty."),
          FieldSpec.select(GROUPS, "Group messages", List.of(GROUPS_IGNORE, GROUPS_ANSWER),
              GROUPS_IGNORE, "ignore: store group messages without answering; answer: reply "
                  + "in the group.")));

  private final Function<String, Scheduler> schedulers;
  private final Duration requestTimeout;

  /** The provider with the default request timeout (15 s per gateway call). */
  @jakarta.inject.Inject
  public BaileysIntegrationProvider() {
    this(name -> Scheduler.daemon(name), GatewayClient.REQUEST_TIMEOUT);
  }

  /** The provider with another timeout for every gateway request. */
  public BaileysIntegrationProvider(Duration requestTimeout) {
    this(name -> Scheduler.daemon(name), requestTimeout);
  }

  BaileysIntegrationProvider(Function<String, Scheduler> schedulers, Duration requestTimeout) {
    this.schedulers = Objects.requireNonNull(schedulers, "schedulers");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
    }
    this.requestTimeout = requestTimeout;
  }

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
    if (!settings.getOrDefault(INSTANCE_NAME, "").matches("[A-Za-z0-9_.-]{1,64}")) {
      throw WacandaException.invalid("setting 'instance_name' must be 1-64 characters of "
          + "A-Za-z0-9_.-");
    }
    String base = settings.getOrDefault(GATEWAY_URL, "");
    if (base.contains("?") || base.contains("#")) {
      throw WacandaException.invalid("setting 'gateway_url' must not carry a query or fragment");
    }
    if (settings.getOrDefault(WEBHOOK_SECRET, "").length() < 16) {
      throw WacandaException.invalid("setting 'webhook_secret' must be at least 16 characters");
    }
  }

  @Override
  public Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of(WEBHOOK_SECRET, ApiKeys.randomToken(24));
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new BaileysChannel(context,
        schedulers.apply("wacanda-baileys-" + context.integration().id()), requestTimeout);
  }

  /** Checks the gateway answers with this key and reports the instance's state. */
  @Override
  public IntegrationTest connectivityTest() {
    return this::runTest;
  }

  private List<TestCheck> runTest(ChannelContext context) {
    List<TestCheck> checks = new ArrayList<>();
    String instance = context.settings().require(INSTANCE_NAME);
    GatewayClient client = new GatewayClient(context.httpClient(), context.urlGuard(),
        context.settings().require(GATEWAY_URL), context.settings().require(GATEWAY_API_KEY),
        instance, requestTimeout);
    long t0 = System.nanoTime();
    GatewayClient.Answer a;
    try {
      a = client.get(client.instancePath("instance/connectionState"));
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("gateway", Duration.ofNanos(System.nanoTime() - t0),
          e.getMessage()));
      return checks;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    if (a.status() == 401 || a.status() == 403) {
      checks.add(TestCheck.fail("gateway", took, "the gateway rejected gateway_api_key (HTTP "
          + a.status() + ")"));
      return checks;
    }
    if (a.status() != 404 && !a.ok()) {
      checks.add(TestCheck.fail("gateway", took, "the gateway answered HTTP " + a.status()
          + " (" + a.errorText() + ")"));
      return checks;
    }
    checks.add(TestCheck.pass("gateway", took, "gateway at " + client.host()
        + " accepted the API key"));
    if (a.status() == 404) {
      checks.add(TestCheck.fail("instance", Duration.ZERO, "instance " + instance
          + " does not exist yet: connect the integration to create it"));
      return checks;
    }
    String state = a.body().path("instance").path("state").asText("unknown");
    checks.add(state.equals("open")
        ? TestCheck.pass("instance", Duration.ZERO, "instance " + instance + " is connected")
        : TestCheck.fail("instance", Duration.ZERO, "instance " + instance + " is " + state
            + ": connect and scan the QR code"));
    return checks;
  }
}
