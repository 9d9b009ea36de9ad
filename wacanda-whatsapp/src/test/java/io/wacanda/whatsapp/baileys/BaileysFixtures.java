package io.wacanda.whatsapp.baileys;

import io.wacanda.http.HttpRequest;
import io.wacanda.testing.Fixtures;
import io.wacanda.whatsapp.TestContexts;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Settings matching the anonymized gateway fixtures. */
final class BaileysFixtures {
  static final String API_KEY = "TEST-GATEWAY-APIKEY";
  static final String INSTANCE = "demo";
  static final String WEBHOOK_SECRET = "wh-secret-0123456789abcdef";
  static final Set<String> SECRETS = Set.of("gateway_api_key", "webhook_secret");
  static final List<String> WEBHOOKS = List.of("messages_upsert_text_v237_lid_addressing.json",
      "messages_upsert_extended_text_normalized.json", "messages_upsert_image_caption.json",
      "send_message_fromme.json", "messages_update_status.json",
      "connection_update_close_401.json", "qrcode_updated.json");

  private BaileysFixtures() {}

  static Map<String, String> settings(String gatewayUrl, String groups) {
    Map<String, String> s = new HashMap<>();
    s.put("gateway_url", gatewayUrl);
    s.put("gateway_api_key", API_KEY);
    s.put("instance_name", INSTANCE);
    s.put("webhook_secret", WEBHOOK_SECRET);
    s.put("groups", groups);
    return s;
  }

  static BaileysChannel channel(String gatewayUrl, String groups, RecordingEvents events,
      Clock clock, Scheduler scheduler, String webhookUrl) {
    return new BaileysChannel(TestContexts.context(BaileysIntegrationProvider.TYPE,
        settings(gatewayUrl, groups), SECRETS, events, clock, webhookUrl), scheduler,
        Duration.ofSeconds(5));
  }

  static byte[] bytes(String file) {
    return Fixtures.bytes("baileys-gateway/" + file);
  }

  static HttpRequest post(byte[] body, Map<String, List<String>> headers) {
    return new HttpRequest("POST", "/webhooks/int_test1", Map.of(), headers, body, "127.0.0.1");
  }
}
