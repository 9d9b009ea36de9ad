package io.wacanda.whatwut;

import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.security.StandardWebhooks;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code whatwut} integration type. WhatWut is a messaging platform reached with an API key, an
 * instance id and, optionally, a URL where it wants replies pushed. Customer messages arrive through
 * Wacanda's external API ({@code action: "webhook"} with {@code data.platform: "whatwut"}, or
 * {@code action: "chat"}) or as Standard Webhooks signed events posted to the integration's webhook
 * URL; replies go to {@code POST {api_base_url}/instances/{instance_id}/messages} with the key as a
 * bearer token and the reply's idempotency key in {@code Idempotency-Key}, or, when
 * {@code webhook_url} is set, are pushed there signed with {@code webhook_secret}. The REST contract
 * is {@code whatwut-openapi.yaml} in this package.
 *
 * <p>Found by {@link java.util.ServiceLoader} with the defaults; register one built with
 * {@link #builder()} by hand (and turn discovery off, or the type is provided twice) to change
 * them. Immutable and thread-safe.
 *
 * <p>Settings (template fields):
 * <ul>
 *   <li>{@code api_key} (secret, required): bearer token of the WhatWut REST API;</li>
 *   <li>{@code instance_id} (required): 1-128 characters of {@code A-Za-z0-9._-};</li>
 *   <li>{@code api_base_url} (required): e.g. {@code https://api.whatwut.example/v1}; https, or
 *       http to a loopback host for local testing;</li>
 *   <li>{@code webhook_url} (optional): where replies are pushed instead of the REST API;</li>
 *   <li>{@code webhook_secret} (secret, optional, generated): {@code whsec_} secret signing pushed
 *       replies and verifying inbound events.</li>
 * </ul>
 */
public final class WhatWutIntegrationProvider implements IntegrationProvider {
  /** The type id. */
  public static final String TYPE = "whatwut";
  /** Timeout of every request to WhatWut or to the webhook URL: 10 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  static final String API_KEY = "api_key";
  static final String INSTANCE_ID = "instance_id";
  static final String API_BASE_URL = "api_base_url";
  static final String WEBHOOK_URL = "webhook_url";
  static final String WEBHOOK_SECRET = "webhook_secret";

  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{8,512}");
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  private static final IntegrationTemplate TEMPLATE = new IntegrationTemplate(TYPE, "WhatWut",
      "WhatWut messaging: customer messages through the external API or signed webhooks, replies "
          + "through the WhatWut API.",
      List.of(
          FieldSpec.required(API_KEY, "API key", FieldKind.SECRET,
              "The WhatWut API key of the account that owns the instance; sent as a bearer "
                  + "token, stored encrypted."),
          FieldSpec.required(INSTANCE_ID, "Instance id", FieldKind.TEXT,
              "The WhatWut instance that talks to customers (letters, digits, . _ -)."),
          FieldSpec.required(API_BASE_URL, "API base URL", FieldKind.URL,
              "Base of the WhatWut REST API, e.g. https://api.whatwut.example/v1."),
          FieldSpec.optional(WEBHOOK_URL, "Reply webhook URL", FieldKind.URL, null,
              "Where WhatWut wants replies pushed, signed per Standard Webhooks. Leave empty to "
                  + "send replies through the API."),
          FieldSpec.optional(WEBHOOK_SECRET, "Webhook signing secret", FieldKind.SECRET, null,
              "whsec_ secret that signs pushed replies and verifies events WhatWut posts to this "
                  + "integration's webhook URL; generated when empty.")));

  private final Duration requestTimeout;

  /** The provider with the defaults; what {@link java.util.ServiceLoader} instantiates. */
  @jakarta.inject.Inject
  public WhatWutIntegrationProvider() {
    this(builder());
  }

  private WhatWutIntegrationProvider(Builder b) {
    this.requestTimeout = b.requestTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Timeout of every request; default {@link #DEFAULT_REQUEST_TIMEOUT}. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public IntegrationTemplate template() {
    return TEMPLATE;
  }

  /**
   * Checks the instance id, the API key's characters, the base URL's scheme and shape, and the
   * webhook secret.
   *
   * @throws WacandaException INVALID_REQUEST naming the setting
   */
  @Override
  public void validate(Map<String, String> settings) {
    String instance = settings.getOrDefault(INSTANCE_ID, "");
    if (!INSTANCE.matcher(instance).matches()) {
      throw WacandaException.invalid(
          "setting 'instance_id' must be 1-128 characters of A-Za-z0-9._-");
    }
    String key = settings.getOrDefault(API_KEY, "");
    if (!TOKEN.matcher(key).matches()) {
      throw WacandaException.invalid(
          "setting 'api_key' must be 8-512 visible ASCII characters without spaces");
    }
    checkBaseUrl(settings.getOrDefault(API_BASE_URL, ""));
    String secret = settings.get(WEBHOOK_SECRET);
    if (secret != null && !secret.isBlank()) {
      StandardWebhooks.of(secret, Clock.systemUTC());
    }
  }

  private static void checkBaseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw WacandaException.invalid("setting 'api_base_url' is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw WacandaException.invalid("setting 'api_base_url' must not have a query or fragment");
    }
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && LOOPBACK_HOSTS.contains(host)) {
      return;
    }
    throw WacandaException.invalid("setting 'api_base_url' must use https (http only to "
        + "localhost, for testing): the API key travels in every request");
  }

  @Override
  public Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of(WEBHOOK_SECRET, StandardWebhooks.generateSecret());
  }

  @Override
  public Channel createChannel(ChannelContext context) {
    return new WhatWutChannel(context, requestTimeout);
  }

  @Override
  public IntegrationTest connectivityTest() {
    return new WhatWutConnectivityTest(requestTimeout);
  }

  @Override
  public String toString() {
    return "WhatWutIntegrationProvider[requestTimeout=" + requestTimeout + "]";
  }

  /** Options of the provider. */
  public static final class Builder {
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

    private Builder() {}

    /**
     * Timeout of every request to WhatWut and to the webhook URL (connection set-up is bounded by
     * the shared client's connect timeout). Default 10 s; 1 ms to 5 minutes.
     *
     * @throws IllegalArgumentException outside that range
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "requestTimeout");
      if (timeout.isNegative() || timeout.isZero()
          || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "requestTimeout must be between 1 ms and 5 minutes, was " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    public WhatWutIntegrationProvider build() {
      return new WhatWutIntegrationProvider(this);
    }
  }
}
