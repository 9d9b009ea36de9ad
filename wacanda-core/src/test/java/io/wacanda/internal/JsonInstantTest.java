package io.wacanda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Wacanda's Instant writer gives exactly {@link Instant#toString()}, in JSON and as text. */
class JsonInstantTest {

  @Test
  void writesEveryFractionShapeAsInstantToStringDoes() {
    for (String text : new String[] {
        "2026-11-27T02:27:41Z", "2026-11-27T02:27:41.100Z", "2026-11-27T02:27:41.186040Z",
        "2026-11-27T02:27:41.186040156Z", "2026-11-27T02:27:41.000000001Z",
        "2026-11-27T02:27:41.000001Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
        "2024-02-29T23:59:59.5Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
      Instant i = Instant.parse(text);
      assertThat(Json.iso(i)).isEqualTo(i.toString());
      assertThat(Json.writeString(i)).isEqualTo('"' + i.toString() + '"');
    }
  }

  @Test
  void yearsOutsideFourDigitsTakeTheGeneralFormatter() {
    for (Instant i : new Instant[] {Instant.MIN, Instant.MAX, Instant.parse("-0001-12-31T23:59:59Z"),
        Instant.parse("+10000-01-01T00:00:00.5Z")}) {
      assertThat(Json.iso(i)).isEqualTo(i.toString());
    }
  }

  @Test
  void agreesWithInstantToStringOnRandomInstants() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("+10100-01-01T00:00:00Z").getEpochSecond();
    for (int n = 0; n < 200_000; n++) {
      int nano = switch (n % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant i = Instant.ofEpochSecond(random.nextLong(min, max), nano);
      assertThat(Json.iso(i)).isEqualTo(i.toString());
    }
  }

  @Test
  void readsBackWhatItWrites() {
    Instant i = Instant.parse("2026-11-27T02:27:41.186040156Z");
    assertThat(Json.read(Json.writeString(i), Instant.class)).isEqualTo(i);
  }
}
