package io.wacanda.examples.customchannel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TincanSignatureTest {
  private final TestClock clock = new TestClock("2026-11-24T10:00:00Z");
  private final TincanSignature signature = new TincanSignature(Payloads.SIGNING_SECRET, clock);
  private final byte[] body = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);

  @Test
  void acceptsItsOwnSignatureOverTheRawBytes() {
    String header = signature.header(body);

    assertThatCode(() -> signature.verify(header, body)).doesNotThrowAnyException();
  }

  @Test
  void acceptsAnyMatchingEntryWhileASecretRotates() {
    String header = signature.header(body);
    String rotated = header.replace(",v1=", ",v1=00ff,v1=");

    assertThatCode(() -> signature.verify(rotated, body)).doesNotThrowAnyException();
  }

  @Test
  void refusesAChangedBodyAWrongSecretAReplayAndGarbage() {
    String header = signature.header(body);
    byte[] changed = "{\"events\":[ ]}".getBytes(StandardCharsets.UTF_8);
    TincanSignature other = new TincanSignature("another-secret-of-24-chars!", clock);

    assertBad(() -> signature.verify(header, changed));
    assertBad(() -> other.verify(header, body));
    assertBad(() -> signature.verify(null, body));
    assertBad(() -> signature.verify("v1=abc", body));
    assertBad(() -> signature.verify("t=soon,v1=abc", body));
    clock.advance(Duration.ofMinutes(6));
    assertBad(() -> signature.verify(header, body));
  }

  private static void assertBad(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(WacandaException.class,
        e -> org.assertj.core.api.Assertions.assertThat(e.code())
            .isEqualTo(ErrorCode.BAD_SIGNATURE));
  }
}
