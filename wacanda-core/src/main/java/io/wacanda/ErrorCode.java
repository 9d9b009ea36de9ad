package io.wacanda;

/**
 * Stable, machine-readable error codes. They appear in the JSON error envelope as {@code error.code}
 * and never change meaning; the HTTP layer maps each one to a status in one place.
 */
public enum ErrorCode {
  /** The request is well-formed JSON but a field is missing or invalid. */
  INVALID_REQUEST,
  /** The body is not valid JSON (or not the expected JSON shape). */
  MALFORMED_JSON,
  /** The external API {@code action} is not one of {@code chat}, {@code webhook}, {@code status}. */
  UNKNOWN_ACTION,
  /** Missing or wrong credentials (integration key, admin token). */
  UNAUTHORIZED,
  /** A webhook whose signature or secret does not verify. */
  BAD_SIGNATURE,
  /** Authenticated, but not allowed (integration disabled, session owned by another agent). */
  FORBIDDEN,
  /** The addressed resource does not exist for this tenant. */
  NOT_FOUND,
  /** The HTTP method is not supported on this route. */
  METHOD_NOT_ALLOWED,
  /** The request conflicts with the current state (already claimed, already resolved). */
  CONFLICT,
  /** The body exceeds the configured size limit. */
  PAYLOAD_TOO_LARGE,
  /** Too many requests; retry after the advertised delay. */
  RATE_LIMITED,
  /** A URL a user typed points at a refused address (loopback, private, link-local, metadata). */
  URL_NOT_ALLOWED,
  /** A bot send was refused because a human agent owns the conversation. */
  HANDED_OFF,
  /**
   * The customer cannot be reached any more (blocked the bot, left, deleted the chat). Final: the
   * engine closes the session instead of retrying.
   */
  RECIPIENT_UNREACHABLE,
  /** The messaging platform refused or failed a call. */
  CHANNEL_ERROR,
  /** An upstream call (platform, model) timed out. */
  UPSTREAM_TIMEOUT,
  /** The service is shutting down or a dependency is unavailable. */
  UNAVAILABLE,
  /** A bug or an unexpected failure; details are in the server log, never in the response. */
  INTERNAL
}
