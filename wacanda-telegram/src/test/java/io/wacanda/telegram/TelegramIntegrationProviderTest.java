package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.integration.FieldKind;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationRegistry;
import io.wacanda.integration.IntegrationTemplate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelegramIntegrationProviderTest {
  private final TelegramIntegrationProvider provider = new TelegramIntegrationProvider();

  private static Map<String, String> valid() {
    Map<String, String> s = new HashMap<>();
    s.put("bot_token", Contexts.TOKEN);
    s.put("mode", "polling");
    s.put("api_base_url", "https://api.telegram.org");
    s.put("allowed_updates", TelegramIntegrationProvider.DEFAULT_ALLOWED_UPDATES);
    return s;
  }

  @Test
  void isFoundByServiceLoader() {
    IntegrationRegistry registry = IntegrationRegistry.discover(getClass().getClassLoader());
    assertThat(registry.find("telegram")).get()
        .isInstanceOf(TelegramIntegrationProvider.class);
  }

  @Test
  void templateHasTheIssuesFieldsWithSecretsMarkedSecret() {
    IntegrationTemplate t = provider.template();
    assertThat(t.type()).isEqualTo("telegram");
    assertThat(t.fields()).extracting(FieldSpec::name).containsExactly("bot_token", "mode",
        "api_base_url", "allowed_updates", "secret_token", "parse_mode", "drop_pending_updates",
        "delete_webhook_on_stop");
    assertThat(t.field("bot_token").orElseThrow().kind()).isEqualTo(FieldKind.SECRET);
    assertThat(t.field("bot_token").orElseThrow().required()).isTrue();
    assertThat(t.field("secret_token").orElseThrow().kind()).isEqualTo(FieldKind.SECRET);
    assertThat(t.field("mode").orElseThrow().options()).containsExactly("webhook", "polling");
    assertThat(t.field("mode").orElseThrow().defaultValue()).contains("webhook");
    assertThat(t.field("api_base_url").orElseThrow().kind()).isEqualTo(FieldKind.URL);
    assertThat(t.field("api_base_url").orElseThrow().defaultValue())
        .contains("https://api.telegram.org");
  }

  @Test
  void generatesADifferentValidSecretTokenEachTime() {
    String a = provider.generatedSettings(Map.of()).get("secret_token");
    String b = provider.generatedSettings(Map.of()).get("secret_token");
    assertThat(a).matches("[A-Za-z0-9_-]{1,256}").hasSize(43).isNotEqualTo(b);
  }

  @Test
  void acceptsValidSettings() {
    provider.validate(valid());
    Map<String, String> s = valid();
    s.put("allowed_updates", "[\"message\", \"callback_query\"]");
    s.put("secret_token", "abc_DEF-123");
    s.put("parse_mode", "HTML");
    provider.validate(s);
    assertThat(TelegramSettings.from(s).allowedUpdates())
        .containsExactly("message", "callback_query");
  }

  @Test
  void rejectsAMalformedTokenWithoutEchoingIt() {
    Map<String, String> s = valid();
    s.put("bot_token", "123456:short/../../x");
    assertThatThrownBy(() -> provider.validate(s)).isInstanceOfSatisfying(WacandaException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("bot_token").doesNotContain("short/../../x");
        });
  }

  @Test
  void rejectsBadSecretsUrlsAndUpdateKinds() {
    Map<String, String> secret = valid();
    secret.put("secret_token", "has spaces!");
    assertThatThrownBy(() -> provider.validate(secret)).hasMessageContaining("secret_token")
        .hasMessageNotContaining("has spaces");
    Map<String, String> url = valid();
    url.put("api_base_url", "ftp://api.telegram.org");
    assertThatThrownBy(() -> provider.validate(url)).hasMessageContaining("api_base_url");
    Map<String, String> query = valid();
    query.put("api_base_url", "https://user:pw@api.telegram.org/?x=1");
    assertThatThrownBy(() -> provider.validate(query)).hasMessageContaining("api_base_url");
    Map<String, String> kinds = valid();
    kinds.put("allowed_updates", "message,Callback-Query");
    assertThatThrownBy(() -> provider.validate(kinds)).hasMessageContaining("allowed_updates");
  }

  @Test
  void settingsNeverShowSecretsInToString() {
    Map<String, String> s = valid();
    s.put("secret_token", Contexts.SECRET);
    assertThat(TelegramSettings.from(s).toString()).doesNotContain(Contexts.TOKEN)
        .doesNotContain(Contexts.SECRET).contains("<redacted>");
  }

  @Test
  void explicitConfigurationIsKept() {
    TelegramConfig config = TelegramConfig.builder().pollTimeout(Duration.ofSeconds(50)).build();
    IntegrationProvider p = new TelegramIntegrationProvider(config);
    assertThat(((TelegramIntegrationProvider) p).config().pollTimeout())
        .isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void configurationRejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> TelegramConfig.builder().pollTimeout(Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollTimeout");
    assertThatThrownBy(() -> TelegramConfig.builder().pollLimit(0))
        .hasMessageContaining("pollLimit");
    assertThatThrownBy(() -> TelegramConfig.builder()
        .backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)).build())
        .hasMessageContaining("minBackoff");
    assertThatThrownBy(() -> TelegramConfig.builder()
        .chatPacing(Duration.ofSeconds(1), Duration.ofSeconds(3), 0))
        .hasMessageContaining("burst");
    TelegramConfig d = TelegramConfig.defaults();
    assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.pollTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.newBuilder().build().toString()).isEqualTo(d.toString());
  }
}
