package io.wacanda.integration;

import java.time.Duration;
import java.util.Objects;

/** One check of a connectivity test: what was checked, whether it passed, how long it took. */
public record TestCheck(String name, boolean passed, Duration latency, String message) {
  public TestCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(latency, "latency");
    message = message == null ? "" : message;
  }

  public static TestCheck pass(String name, Duration latency, String message) {
    return new TestCheck(name, true, latency, message);
  }

  public static TestCheck fail(String name, Duration latency, String message) {
    return new TestCheck(name, false, latency, message);
  }
}
