package io.wacanda.whatsapp.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import java.time.Duration;
import java.util.Optional;

/**
 * The Graph API error envelope ({@code {"error":{"message","type","code","error_subcode",
 * "error_data":{"details"},"fbtrace_id"}}}) and what the connector does with each code. Branches on
 * {@code code}, never on the HTTP status or the title.
 */
record GraphError(int httpStatus, int code, int subcode, String message, String details,
    String fbtraceId) {

  /** Business number throughput reached. */
  static final int THROUGHPUT = 130429;
  /** Pair rate limit: too many messages to the same user. */
  static final int PAIR_RATE = 131056;
  /** Application request limit. */
  static final int APP_RATE = 4;
  /** WhatsApp Business Account rate limit. */
  static final int WABA_RATE = 80007;
  /** Re-engagement: more than 24 hours since the customer's last message. */
  static final int REENGAGEMENT = 131047;
  /** Access token expired or invalid. */
  static final int TOKEN = 190;
  /** Something went wrong / service unavailable: worth a few retries. */
  static final int UNKNOWN = 131000;
  static final int UNAVAILABLE = 131016;

  /** Retry hints per code; the inbox waits at least its own backoff and at most its cap. */
  static final Duration THROUGHPUT_DELAY = Duration.ofSeconds(2);
  static final Duration PAIR_RATE_DELAY = Duration.ofSeconds(6);
  static final Duration APP_RATE_DELAY = Duration.ofMinutes(1);

  static GraphError parse(int httpStatus, JsonNode body) {
    JsonNode e = body == null ? null : body.path("error");
    if (e == null || !e.isObject()) {
      return new GraphError(httpStatus, -1, -1, "", "", "");
    }
    return new GraphError(httpStatus, e.path("code").asInt(-1), e.path("error_subcode").asInt(-1),
        clip(e.path("message").asText("")), clip(e.path("error_data").path("details").asText("")),
        e.path("fbtrace_id").asText(""));
  }

  boolean isRateLimit() {
    return code == THROUGHPUT || code == PAIR_RATE || code == APP_RATE || code == WABA_RATE;
  }

  boolean isTokenProblem() {
    return code == TOKEN;
  }

  /** A short description without secrets: code, subcode, Graph's message and the trace id. */
  String describe() {
    StringBuilder b = new StringBuilder("Graph error ");
    b.append(code < 0 ? "(no code, HTTP " + httpStatus + ")" : String.valueOf(code));
    if (subcode > 0) {
      b.append(" subcode ").append(subcode);
    }
    if (!message.isEmpty()) {
      b.append(": ").append(message);
    }
    if (!details.isEmpty() && !details.equals(message)) {
      b.append(" (").append(details).append(')');
    }
    if (!fbtraceId.isEmpty()) {
      b.append(" [fbtrace_id ").append(fbtraceId).append(']');
    }
    return b.toString();
  }

  /**
   * The exception for this error. Rate limits and transient failures are retryable with a delay
   * hint; 131047 asks for a template; everything else is final.
   *
   * @param what what was attempted, e.g. "send to 15550000001 from phone number 1000"
   * @param retryAfter the HTTP Retry-After header, when Graph sent one
   */
  WacandaException toException(String what, String recipient, Optional<Duration> retryAfter) {
    String m = what + " failed: " + describe();
    if (isRateLimit()) {
      Duration hint = retryAfter.orElse(switch (code) {
        case PAIR_RATE -> PAIR_RATE_DELAY;
        case APP_RATE, WABA_RATE -> APP_RATE_DELAY;
        default -> THROUGHPUT_DELAY;
      });
      return new RetryableException(ErrorCode.RATE_LIMITED, m + "; retrying with backoff", hint,
          null);
    }
    if (code == REENGAGEMENT) {
      return new TemplateRequiredException(recipient, m);
    }
    if (code == UNKNOWN || code == UNAVAILABLE || code == 1 || code == 2 || httpStatus >= 500
        || (httpStatus == 429 && code < 0)) {
      return new RetryableException(httpStatus == 429 ? ErrorCode.RATE_LIMITED
          : ErrorCode.CHANNEL_ERROR, m, retryAfter.orElse(null), null);
    }
    if (code == TOKEN) {
      return new WacandaException(ErrorCode.CHANNEL_ERROR, m
          + "; the access token is expired or invalid: set a new access_token on the integration");
    }
    return new WacandaException(ErrorCode.CHANNEL_ERROR, m);
  }

  private static String clip(String s) {
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
  }
}
