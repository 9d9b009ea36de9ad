package io.wacanda.integration;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An integration's connection state, with a human-readable message (never a secret) and when it
 * was entered.
 */
public record IntegrationStatus(ConnectionState state, String message, Instant since) {
  public IntegrationStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    message = message == null ? "" : message;
  }

  public static IntegrationStatus of(ConnectionState state, String message, Instant since) {
    return new IntegrationStatus(state, message, since);
  }

  public Optional<String> messageIfAny() {
    return message.isEmpty() ? Optional.empty() : Optional.of(message);
  }
}
