package io.wacanda.whatsapp.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Graph API error the {@link FakeGraphApi} answers with, in Meta's envelope
 * ({@code {"error":{"message","type","code","error_subcode","error_data","fbtrace_id"}}}).
 *
 * @param httpStatus the HTTP status of the answer
 */
public record GraphError(int httpStatus, int code, int subcode, String type, String message,
    String details) {

  public GraphError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
    details = details == null ? "" : details;
  }

  /** 130429: the business number's throughput was reached (Meta's documented sample). */
  public static GraphError throughputLimit() {
    return new GraphError(400, 130429, 2494055, "OAuthException", "(#130429) Rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
            + "number in a short period of time");
  }

  /** 131056: too many messages to the same user. */
  public static GraphError pairRateLimit() {
    return new GraphError(400, 131056, 2494055, "OAuthException",
        "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
            + "number to the same phone number in a short period of time.");
  }

  /** 4: the application's request limit. */
  public static GraphError appRateLimit() {
    return new GraphError(400, 4, -1, "OAuthException", "(#4) Application request limit reached",
        "");
  }

  /** 80007: the WhatsApp Business Account's rate limit. */
  public static GraphError accountRateLimit() {
    return new GraphError(400, 80007, -1, "OAuthException",
        "(#80007) Rate limit issues", "");
  }

  /** 131047: more than 24 hours since the customer's last message. */
  public static GraphError reEngagement() {
    return new GraphError(400, 131047, -1, "OAuthException", "(#131047) Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last "
            + "replied to this number.");
  }

  /** 190: the access token expired or is invalid. */
  public static GraphError tokenExpired() {
    return new GraphError(401, 190, 463, "OAuthException",
        "Error validating access token: Session has expired.", "");
  }

  /** 190: a token Graph cannot parse (what a wrong token gets). */
  public static GraphError invalidToken() {
    return new GraphError(401, 190, -1, "OAuthException",
        "Invalid OAuth access token - Cannot parse access token", "");
  }

  /** 100: an invalid parameter. */
  public static GraphError invalidParameter() {
    return new GraphError(400, 100, 33, "GraphMethodException", "(#100) Invalid parameter", "");
  }

  /** Any code. */
  public static GraphError of(int httpStatus, int code, String message) {
    return new GraphError(httpStatus, code, -1, "OAuthException", message, "");
  }

  Map<String, Object> envelope(String traceId) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("message", message);
    e.put("type", type);
    e.put("code", code);
    if (!details.isEmpty()) {
      e.put("error_data", Map.of("messaging_product", "whatsapp", "details", details));
    }
    if (subcode > 0) {
      e.put("error_subcode", subcode);
    }
    e.put("fbtrace_id", traceId);
    return Map.of("error", e);
  }
}
