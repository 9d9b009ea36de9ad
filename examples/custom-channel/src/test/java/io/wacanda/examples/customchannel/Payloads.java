package io.wacanda.examples.customchannel;

import io.wacanda.TenantId;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationSettings;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Tincan sample payloads from the test resources, and channel contexts built from public types. */
final class Payloads {
  static final String TOKEN = "tc_bot_S3cr3t-T0ken-never-logged";
  static final String SIGNING_SECRET = "tincan-signing-secret-0123456789";
  static final String VERIFY_TOKEN = "verify-me-please";
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private Payloads() {}

  static String text(String name) {
    try (InputStream in = Payloads.class.getResourceAsStream("/tincan/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource tincan/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> settings(String apiUrl) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("bot_token", TOKEN);
    s.put("api_url", apiUrl);
    s.put("signing_secret", SIGNING_SECRET);
    s.put("verify_token", VERIFY_TOKEN);
    return s;
  }

  static ChannelContext context(Map<String, String> settings, UrlGuard guard, Clock clock) {
    Integration integration = new Integration("int_tincan", TenantId.of("t"), "tincan", "Tincan",
        true, IntegrationStatus.of(ConnectionState.CONNECTED, "", clock.instant()), Map.of(),
        Optional.empty(), "0".repeat(64), "wk_x", clock.instant(), clock.instant());
    return new ChannelContext(integration, new IntegrationSettings(settings,
        Set.of("bot_token", "signing_secret", "verify_token")),
        "http://localhost:8080/webhooks/int_tincan", CLIENT, clock, guard,
        ChannelContext.Events.NONE);
  }
}
