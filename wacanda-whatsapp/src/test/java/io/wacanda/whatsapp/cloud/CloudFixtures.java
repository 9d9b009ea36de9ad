package io.wacanda.whatsapp.cloud;

import io.wacanda.http.HttpRequest;
import io.wacanda.testing.Fixtures;
import io.wacanda.whatsapp.TestContexts;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Settings matching the anonymized fixtures, and signed requests built from their bytes. */
final class CloudFixtures {
  static final String PHONE_NUMBER_ID = "100000000000002";
  static final String APP_SECRET = "test-app-secret-1234567890";
  static final String ACCESS_TOKEN = "EAAG-test-access-token-never-logged";
  static final String VERIFY_TOKEN = "verify-me-please";
  static final String CUSTOMER = "15550000001";
  static final Set<String> SECRETS = Set.of("access_token", "app_secret", "verify_token");
  static final List<String> WEBHOOKS = List.of("webhook_text.json", "webhook_image.json",
      "webhook_video_caption.json", "webhook_interactive_button_reply.json",
      "webhook_interactive_list_reply.json", "webhook_button_quick_reply.json",
      "webhook_location.json", "webhook_reaction.json", "webhook_unsupported.json",
      "webhook_status_sent.json", "webhook_status_read.json",
      "webhook_status_failed_131047.json");

  private CloudFixtures() {}

  static Map<String, String> settings(String baseUrl) {
    return Map.of("phone_number_id", PHONE_NUMBER_ID, "access_token", ACCESS_TOKEN,
        "app_secret", APP_SECRET, "verify_token", VERIFY_TOKEN, "api_base_url", baseUrl,
        "api_version", "v26.0", "business_account_id", "100000000000001");
  }

  static WhatsAppCloudChannel channel(String baseUrl, RecordingEvents events, Clock clock) {
    return new WhatsAppCloudChannel(TestContexts.context(WhatsAppCloudIntegrationProvider.TYPE,
        settings(baseUrl), SECRETS, events, clock), java.time.Duration.ofSeconds(5));
  }

  static byte[] bytes(String file) {
    return Fixtures.bytes("whatsapp-cloud/" + file);
  }

  static HttpRequest post(byte[] body, Map<String, List<String>> headers) {
    return new HttpRequest("POST", "/webhooks/int_test1", Map.of(), headers, body, "127.0.0.1");
  }

  static HttpRequest signed(byte[] body) {
    return post(body, Map.of("X-Hub-Signature-256",
        List.of(WebhookSignature.sign(APP_SECRET, body))));
  }

}
