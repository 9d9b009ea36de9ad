package io.wacanda.channel;

import java.time.Instant;
import java.util.Objects;

/** The platform's acknowledgement of a send. */
public record SendResult(String platformMessageId, Instant sentAt) {
  public SendResult {
    Objects.requireNonNull(platformMessageId, "platformMessageId");
    Objects.requireNonNull(sentAt, "sentAt");
  }
}
