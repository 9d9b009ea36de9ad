package io.wacanda;

import java.util.Objects;

/**
 * Root of every exception Wacanda throws. Unchecked; carries a stable {@link ErrorCode}. Subtypes
 * say what the caller does next: {@link RetryableException} may succeed later, everything else is
 * final for the given input. Messages name ids and settings, never secrets.
 */
public class WacandaException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public WacandaException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public WacandaException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }

  public static WacandaException invalid(String message) {
    return new WacandaException(ErrorCode.INVALID_REQUEST, message);
  }

  public static WacandaException notFound(String what, String id) {
    return new WacandaException(ErrorCode.NOT_FOUND, what + " not found: " + id);
  }

  public static WacandaException conflict(String message) {
    return new WacandaException(ErrorCode.CONFLICT, message);
  }
}
