package io.wacanda.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The {@code whatsapp-cloud} integration type: the WhatsApp Business Cloud API (Meta's Graph API).
 * Found by {@link java.util.ServiceLoader}, or register it with
 * {@code Wacanda.builder().provider(new WhatsAppCloudIntegrationProvider())}. Stateless and
 * thread-safe.
 *
 * <p>Settings: {@code phone_number_id} (required), {@code business_account_id},
 * {@code access_token} (secret, required), {@code app_secret} (secret, required),
 * {@code verify_token} (secret, generated when empty), {@code api_base_url} (default
 * {@value #DEFAULT_API_BASE_URL}), {@code api_version} (default {@value #DEFAULT_API_VERSION}).
 */
public final class WhatsAppCloudIntegrationProvider implements IntegrationProvider {
  public static final String TYPE = "whatsapp-cloud";
  public static final String PHONE_NUMBER_ID = "phone_number_id";
  public static final String BUSINESS_ACCOUNT_ID = "business_account_id";
  public static final String ACCESS_TOKEN = "access_token";
  public static final String APP_SECRET = "app_secret";
  public static final String VERIFY_TOKEN = "verify_token";
  public static final String API_BASE_URL = "api_base_url";
  public static final String API_VERSION = "api_version";
  /** Meta's Graph API. */
  public static final String DEFAULT_API_BASE_URL = "https://graph.facebook.com";
  /** A current Graph API version; Meta keeps each for about two years. */
  public static final String DEFAULT_API_VERSION = "v26.0";

  private static final IntegrationTemplate TEMPLATE = new IntegrationTemplate(TYPE,
      "WhatsApp Business (Cloud API)",
      "Meta's WhatsApp Business Cloud API. Point the Meta app's webhook at this integration's "
          + "webhook URL with the verify token below, and subscribe to the 'messages' field.",
      List.of(
          FieldSpec.required(PHONE_NUMBER_ID, "Phone number ID", FieldKind.TEXT,
              "The ID of the business phone number (WhatsApp Manager > API setup), not the "
                  + "number itself."),
          FieldSpec.optional(BUSINESS_ACCOUNT_ID, "WhatsApp Business Account ID", FieldKind.TEXT,
              null, "Used by the connectivity test to check the app's webhook subscription."),
          FieldSpec.required(ACCESS_TOKEN, "Access token", FieldKind.SECRET,
              "A System User access token with whatsapp_business_messaging permission."),
          FieldSpec.required(APP_SECRET, "App secret", FieldKind.SECRET,
              "The Meta app's App Secret; verifies X-Hub-Signature-256 on every webhook."),
          FieldSpec.optional(VERIFY_TOKEN, "Verify token", FieldKind.SECRET, null,
              "The string Meta sends back when you register the webhook; generated when empty."),
          FieldSpec.optional(API_BASE_URL, "API base URL", FieldKind.URL, DEFAULT_API_BASE_URL,
              "Change only for a proxy or a test double."),
          FieldSpec.optional(API_VERSION, "API version", FieldKind.TEXT, DEFAULT_API_VERSION,
              "Graph API version, like v26.0.")));

  private final Duration requestTimeout;

  /** The provider with the default request timeout (15 s per Graph call). */
  @jakarta.inject.Inject
  public WhatsAppCloudIntegrationProvider() {
    this(GraphClient.REQUEST_TIMEOUT);
  }

  /** The provider with another timeout for every Graph request. */
  public WhatsAppCloudIntegrationProvider(Duration requestTimeout) {
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
    if (!settings.getOrDefault(PHONE_NUMBER_ID, "").matches("\\d{5,32}")) {
      throw WacandaException.invalid("setting 'phone_number_id' must be the numeric ID of the "
          + "phone number (WhatsApp Manager > API setup)");
    }
    String waba = settings.getOrDefault(BUSINESS_ACCOUNT_ID, "");
    if (!waba.isEmpty() && !waba.matches("\\d{5,32}")) {
      throw WacandaException.invalid("setting 'business_account_id' must be numeric");
    }
    String version = settings.getOrDefault(API_VERSION, DEFAULT_API_VERSION);
    if (!version.matches("v\\d{1,3}\\.\\d{1,2}")) {
      throw WacandaException.invalid("setting 'api_version' must look like v26.0");
    }
    String base = settings.getOrDefault(API_BASE_URL, DEFAULT_API_BASE_URL);
    if (base.contains("?") || base.contains("#")) {
      throw WacandaException.invalid("setting 'api_base_url' must not carry a query or fragment");
    }
  }

  @Override
  public Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of(VERIFY_TOKEN, ApiKeys.randomToken(24));
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new WhatsAppCloudChannel(context, requestTimeout);
  }

  /**
   * Fetches the phone number's details with the token (display number, verified name, quality
   * rating) and, when the business account is set, checks that an app is subscribed to its
   * webhooks.
   */
  @Override
  public IntegrationTest connectivityTest() {
    return this::runTest;
  }

  private List<TestCheck> runTest(ChannelContext context) {
    List<TestCheck> checks = new ArrayList<>();
    // A client of its own: a failed test reports a failed check, it does not flip the status.
    GraphClient graph = new GraphClient(context.httpClient(), context.urlGuard(),
        context.settings().get(API_BASE_URL).orElse(DEFAULT_API_BASE_URL),
        context.settings().get(API_VERSION).orElse(DEFAULT_API_VERSION),
        context.settings().require(ACCESS_TOKEN), requestTimeout, e -> { });
    String pnid = context.settings().require(PHONE_NUMBER_ID);
    long t0 = System.nanoTime();
    try {
      GraphClient.Answer a = graph.getRaw(pnid
          + "?fields=display_phone_number,verified_name,quality_rating", "phone number lookup");
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (a.ok()) {
        JsonNode b = a.body();
        checks.add(TestCheck.pass("phone_number", took, "display number "
            + b.path("display_phone_number").asText("?") + ", verified name "
            + b.path("verified_name").asText("?") + ", quality rating "
            + b.path("quality_rating").asText("UNKNOWN")));
      } else {
        GraphError e = GraphError.parse(a.status(), a.body());
        String why = e.isTokenProblem()
            ? "the access token is expired or invalid: set a new access_token"
            : e.code() == 100 ? "phone_number_id " + pnid + " does not exist or this token "
                + "cannot read it" : "the lookup failed";
        checks.add(TestCheck.fail("phone_number", took, why + " (" + e.describe() + ")"));
      }
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("phone_number", Duration.ofNanos(System.nanoTime() - t0),
          e.getMessage()));
    }
    String waba = context.settings().get(BUSINESS_ACCOUNT_ID).orElse("");
    if (!waba.isEmpty()) {
      long t1 = System.nanoTime();
      try {
        GraphClient.Answer a = graph.getRaw(waba + "/subscribed_apps", "webhook subscription");
        Duration took = Duration.ofNanos(System.nanoTime() - t1);
        int apps = a.body().path("data").size();
        if (a.ok() && apps > 0) {
          checks.add(TestCheck.pass("webhook_subscription", took, apps
              + " app(s) subscribed to the business account's webhooks"));
        } else if (a.ok()) {
          checks.add(TestCheck.fail("webhook_subscription", took, "no app is subscribed to "
              + "business account " + waba + ": POST /" + waba + "/subscribed_apps with the "
              + "app's token"));
        } else {
          checks.add(TestCheck.fail("webhook_subscription", took, "could not read the "
              + "subscriptions (" + GraphError.parse(a.status(), a.body()).describe() + ")"));
        }
      } catch (WacandaException e) {
        checks.add(TestCheck.fail("webhook_subscription",
            Duration.ofNanos(System.nanoTime() - t1), e.getMessage()));
      }
    }
    return checks;
  }
}
