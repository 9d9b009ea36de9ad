package io.wacanda.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The requests the harness sends: whole HTTP/1.1 requests to {@code POST /external-api}. Webhook
 * requests carry a unique {@code data.message_id} (a run id and a zero-padded sequence number), so
 * every one is stored, never de-duplicated; senders and questions rotate through fixed pools so
 * sessions are reused as with real customers. Request {@code n} has the same bytes, hence size,
 * whichever server it goes to (the keys are of equal length), about 330 bytes of body.
 */
final class Payloads {
  /**
   * Questions the quickstart's sample help centre answers with confidence (checked by {@code
   * PayloadsTest}), so chat turns measure retrieval and answering, not handoffs.
   */
  static final List<String> QUESTIONS = List.of(
      "How long do I have to return an item?",
      "How do I track my order?",
      "Can I cancel my order after placing it?",
      "How much does shipping cost?",
      "Do you ship internationally?",
      "Which payment methods do you accept?",
      "My card payment was declined, what can I do?",
      "I forgot my password",
      "How do I delete my account?",
      "When will I get my refund?",
      "Can I exchange an item for a different size?",
      "How long does delivery take?");

  private Payloads() {}

  /** An {@code action: webhook} request, as a platform or a host's service would send it. */
  static byte[] webhook(String hostHeader, String key, String runId, long seq, int senders) {
    String body = "{\"action\":\"webhook\",\"integration_key\":\"" + key
        + "\",\"event_type\":\"message_received\",\"data\":{\"sender_id\":\"user-"
        + (seq % senders) + "\",\"sender_name\":\"Load Test\",\"message\":\""
        + question(seq) + "\",\"message_id\":\"" + runId + "-" + pad(seq)
        + "\",\"platform\":\"bench\"}}";
    return post(hostHeader, body);
  }

  /** An {@code action: chat} request (answered synchronously). */
  static byte[] chat(String hostHeader, String key, String senderPrefix, long seq, int senders) {
    return post(hostHeader, chatBody(key, senderPrefix, seq, senders));
  }

  static String chatBody(String key, String senderPrefix, long seq, int senders) {
    return "{\"action\":\"chat\",\"integration_key\":\"" + key + "\",\"sender_id\":\""
        + senderPrefix + (seq % senders) + "\",\"sender_name\":\"Load Test\",\"message\":\""
        + question(seq / senders) + "\"}";
  }

  static String question(long n) {
    return QUESTIONS.get((int) (n % QUESTIONS.size()));
  }

  static byte[] post(String hostHeader, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST /external-api HTTP/1.1\r\nHost: " + hostHeader
        + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + b.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }

  private static String pad(long seq) {
    String s = Long.toString(seq);
    return "000000000000".substring(Math.min(12, s.length())) + s;
  }
}
