package io.wacanda.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import io.wacanda.testing.Fixtures;
import io.wacanda.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class StandardWebhooksTest {

  @TestFactory
  List<DynamicTest> verifiesEveryVectorOfTheSharedFixtures() throws Exception {
    JsonNode root = Json.mapper().readTree(Fixtures.bytes("standard-webhooks/vectors.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : root.get("vectors")) {
      tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(v.get("now").asLong()));
        StandardWebhooks hooks = StandardWebhooks.of(v.get("secret").asText(), clock);
        JsonNode h = v.get("headers");
        byte[] body = v.get("payload").asText().getBytes(StandardCharsets.UTF_8);
        String id = h.hasNonNull("webhook-id") ? h.get("webhook-id").asText() : null;
        String ts = h.hasNonNull("webhook-timestamp") ? h.get("webhook-timestamp").asText() : null;
        String sig = h.hasNonNull("webhook-signature") ? h.get("webhook-signature").asText() : null;
        if (v.get("valid").asBoolean()) {
          hooks.verify(id, ts, sig, body);
        } else {
          assertThatThrownBy(() -> hooks.verify(id, ts, sig, body))
              .isInstanceOf(WacandaException.class)
              .extracting(e -> ((WacandaException) e).code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        }
      }));
    }
    assertThat(tests).hasSizeGreaterThan(3);
    return tests;
  }

  @Test
  void signsTheSpecReferenceVector() {
    StandardWebhooks hooks = StandardWebhooks.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        MutableClock.at("2021-02-25T15:02:10Z"));
    assertThat(hooks.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void headersItSignsVerifyAndAChangedBodyDoesNot() {
    MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    StandardWebhooks hooks = StandardWebhooks.of(StandardWebhooks.generateSecret(), clock);
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    var h = hooks.headers("msg_1", body);
    hooks.verify(h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature"), body);
    assertThatThrownBy(() -> hooks.verify(h.get("webhook-id"), h.get("webhook-timestamp"),
        h.get("webhook-signature"), "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(WacandaException.class);
  }

  @Test
  void rejectsTimestampsOutsideTheToleranceEitherWay() {
    MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    StandardWebhooks hooks = StandardWebhooks.of(StandardWebhooks.generateSecret(), clock);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    var h = hooks.headers("msg_1", body);
    clock.advance(java.time.Duration.ofMinutes(6));
    assertThatThrownBy(() -> hooks.verify("msg_1", h.get("webhook-timestamp"),
        h.get("webhook-signature"), body)).hasMessageContaining("tolerance");
    clock.advance(java.time.Duration.ofMinutes(-12));
    assertThatThrownBy(() -> hooks.verify("msg_1", h.get("webhook-timestamp"),
        h.get("webhook-signature"), body)).hasMessageContaining("tolerance");
  }

  @Test
  void refusesMalformedSecrets() {
    assertThatThrownBy(() -> StandardWebhooks.of("whsec_!!!", MutableClock.at("2026-01-01T00:00:00Z")))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> StandardWebhooks.of("whsec_c2hvcnQ=", MutableClock.at("2026-01-01T00:00:00Z")))
        .hasMessageContaining("too short");
  }
}
