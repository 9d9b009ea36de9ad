package io.wacanda.whatwut;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.WacandaException;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.integration.TestCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code whatwut} connectivity test. Checks, in order:
 * <ol>
 *   <li>{@code api_key}: {@code GET /me} answers 200 (the key is valid);</li>
 *   <li>{@code instance}: {@code GET /instances/{instance_id}} answers 200 with status
 *       {@code active} (not run when the key check failed: it would fail the same way);</li>
 *   <li>{@code webhook_url}, only when one is set: it accepts a signed {@code wacanda.test}
 *       event with a 2xx.</li>
 * </ol>
 * Failures are failed checks, never exceptions; every message goes through {@link #scrub} so no
 * secret of the integration can appear in it, whatever a server answered.
 */
final class WhatWutConnectivityTest implements IntegrationTest {
  private final Duration timeout;

  WhatWutConnectivityTest(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public List<TestCheck> run(ChannelContext context) {
    List<TestCheck> checks = new ArrayList<>();
    WhatWutApi api;
    try {
      api = new WhatWutApi(context, timeout);
    } catch (WacandaException e) {
      checks.add(TestCheck.fail("configuration", Duration.ZERO, scrub(e.getMessage(), context)));
      return checks;
    }
    TestCheck key = timed("api_key", context, () -> {
      JsonNode info = api.apiKeyInfo();
      return "API key accepted" + WhatWutJson.text(info, "account_id")
          .map(a -> " (account " + a + ")").orElse("");
    });
    checks.add(key);
    if (key.passed()) {
      checks.add(instance(api, context));
    } else {
      checks.add(TestCheck.fail("instance", Duration.ZERO,
          "not checked: the API key check failed"));
    }
    Optional<String> url = context.settings().get(WhatWutIntegrationProvider.WEBHOOK_URL);
    if (url.isPresent()) {
      checks.add(timed("webhook_url", context, () -> {
        int s = new ReplyPush(context, url.get(), timeout).test("msg_test_" + UUID.randomUUID());
        return "signed test event accepted (" + s + ")";
      }));
    }
    return checks;
  }

  private TestCheck instance(WhatWutApi api, ChannelContext context) {
    long t0 = System.nanoTime();
    try {
      JsonNode instance = api.instance();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      String status = instance.path("status").asText("unknown");
      String message = "instance " + api.instanceId() + " is " + status;
      return status.equals("active") ? TestCheck.pass("instance", took, message)
          : TestCheck.fail("instance", took, scrub(message + "; it must be active to send and "
              + "receive", context));
    } catch (WacandaException e) {
      return TestCheck.fail("instance", Duration.ofNanos(System.nanoTime() - t0),
          scrub(e.getMessage(), context));
    }
  }

  private interface Check {
    String run();
  }

  private static TestCheck timed(String name, ChannelContext context, Check check) {
    long t0 = System.nanoTime();
    try {
      String message = check.run();
      return TestCheck.pass(name, Duration.ofNanos(System.nanoTime() - t0),
          scrub(message, context));
    } catch (WacandaException e) {
      return TestCheck.fail(name, Duration.ofNanos(System.nanoTime() - t0),
          scrub(e.getMessage(), context));
    }
  }

  /** Replaces every secret setting's value (api key, webhook secret) found in a message. */
  static String scrub(String message, ChannelContext context) {
    String m = message == null ? "" : message;
    for (String name : List.of(WhatWutIntegrationProvider.API_KEY,
        WhatWutIntegrationProvider.WEBHOOK_SECRET)) {
      Optional<String> secret = context.settings().get(name);
      if (secret.isPresent() && secret.get().length() >= 4) {
        m = m.replace(secret.get(), "<redacted>");
      }
    }
    return m;
  }
}
