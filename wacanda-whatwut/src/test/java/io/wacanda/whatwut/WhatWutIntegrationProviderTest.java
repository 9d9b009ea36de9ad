package io.wacanda.whatwut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.WacandaException;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationRegistry;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhatWutIntegrationProviderTest {
  private final WhatWutIntegrationProvider provider = new WhatWutIntegrationProvider();

  private static Map<String, String> valid() {
    Map<String, String> s = new HashMap<>(TestContexts.settings("https://api.whatwut.example/v1"));
    s.remove("webhook_secret");
    return s;
  }

  @Test
  void isFoundByServiceLoaderBesideCoresTypes() {
    IntegrationRegistry registry = IntegrationRegistry.discover(getClass().getClassLoader());

    assertThat(registry.find("whatwut")).get().isInstanceOf(WhatWutIntegrationProvider.class);
    assertThat(registry.find("custom")).isPresent();
  }

  @Test
  void templateHasTheWhatWutFields() {
    assertThat(provider.type()).isEqualTo("whatwut");
    assertThat(provider.template().fields()).extracting(FieldSpec::name).containsExactly(
        "api_key", "instance_id", "api_base_url", "webhook_url", "webhook_secret");
    assertThat(provider.template().field("api_key").orElseThrow().kind())
        .isEqualTo(FieldKind.SECRET);
    assertThat(provider.template().field("webhook_secret").orElseThrow().kind())
        .isEqualTo(FieldKind.SECRET);
    assertThat(provider.template().field("api_base_url").orElseThrow().kind())
        .isEqualTo(FieldKind.URL);
    assertThat(provider.template().field("webhook_url").orElseThrow().required()).isFalse();
    assertThat(provider.template().fields()).filteredOn(FieldSpec::required)
        .extracting(FieldSpec::name).containsExactly("api_key", "instance_id", "api_base_url");
  }

  @Test
  void acceptsValidSettingsAndLoopbackHttpForTesting() {
    provider.validate(valid());
    Map<String, String> local = valid();
    local.put("api_base_url", "http://localhost:8089/v1");
    provider.validate(local);
    local.put("api_base_url", "http://127.0.0.1:8089");
    provider.validate(local);
  }

  @Test
  void rejectsBadSettingsNamingTheSetting() {
    assertInvalid("instance_id", "inst/../../admin", "instance_id");
    assertInvalid("instance_id", "", "instance_id");
    assertInvalid("api_key", "has a space in it", "api_key");
    assertInvalid("api_key", "short", "api_key");
    assertInvalid("api_base_url", "http://api.whatwut.example/v1", "https");
    assertInvalid("api_base_url", "https://api.whatwut.example/v1?debug=1", "query");
    assertInvalid("api_base_url", "ftp://api.whatwut.example", "https");
    assertInvalid("webhook_secret", "whsec_!!!notbase64", "whsec_");
  }

  private void assertInvalid(String key, String value, String mention) {
    Map<String, String> s = valid();
    s.put(key, value);
    WacandaException e = catchThrowableOfType(WacandaException.class, () -> provider.validate(s));
    assertThat(e).as(key + "=" + value).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).contains(mention);
  }

  @Test
  void generatesAStandardWebhooksSecret() {
    assertThat(provider.generatedSettings(valid()).get("webhook_secret")).startsWith("whsec_");
  }

  @Test
  void requestTimeoutDefaultsToTenSecondsAndRejectsNonsense() {
    assertThat(provider.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(WhatWutIntegrationProvider.builder().requestTimeout(Duration.ofMillis(300)).build()
        .requestTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThatThrownBy(() -> WhatWutIntegrationProvider.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> WhatWutIntegrationProvider.builder()
        .requestTimeout(Duration.ofMinutes(6))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void createdThroughWacandaTheKeyIsSealedAndTheBaseUrlGuarded() {
    try (Wacanda wacanda = Wacanda.builder()
        .secretKey("k", SecretCipher.deriveKey("provider-test-secret-long-enough-1234"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of("admin-token-long-enough",
            TenantId.of("t")))
        .urlGuard(UrlGuard.builder().allowLoopback(true).build())
        .build()) {
      Map<String, String> settings = valid();
      settings.put("api_base_url", "http://127.0.0.1:9/v1");
      CreatedIntegration created = wacanda.integrations().create(TenantId.of("t"), "whatwut",
          "Support", settings);

      assertThat(created.integration().settings()).doesNotContainKeys("api_key",
          "webhook_secret");
      assertThat(created.integration().settings().values())
          .doesNotContain(TestContexts.API_KEY);
      assertThat(created.integration().toString()).doesNotContain(TestContexts.API_KEY);
      assertThat(wacanda.integrations().context(created.integration()).settings()
          .require("webhook_secret")).startsWith("whsec_");
      assertThat(wacanda.integrations().context(created.integration()).settings().toString())
          .doesNotContain(TestContexts.API_KEY);
    }
    try (Wacanda strict = Wacanda.builder()
        .secretKey("k", SecretCipher.deriveKey("provider-test-secret-long-enough-1234"))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of("admin-token-long-enough",
            TenantId.of("t")))
        .build()) {
      Map<String, String> settings = valid();
      settings.put("api_base_url", "http://127.0.0.1:9/v1");
      WacandaException e = catchThrowableOfType(WacandaException.class, () ->
          strict.integrations().create(TenantId.of("t"), "whatwut", "Support", settings));
      assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
      Map<String, String> missing = valid();
      missing.remove("api_key");
      WacandaException m = catchThrowableOfType(WacandaException.class, () ->
          strict.integrations().create(TenantId.of("t"), "whatwut", "Support", missing));
      assertThat(m.getMessage()).contains("api_key");
    }
  }
}
