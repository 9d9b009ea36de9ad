package io.wacanda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The success envelope: a flat map written straight gives the bytes the general path gives. */
class EnvelopeTest {

  @Test
  void aFlatMapIsWrittenByteForByteAsTheGeneralPathWritesIt() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("event_id", "evt_abc");
    data.put("status", "PENDING");
    data.put("duplicate", false);
    data.put("platform", "quote \" backslash \\ newline \n tab \t nul \u0000 é 日本 😀 </script>"
        + " \b \f \r \u001f \u007f \u2028 / \u0080 lone \ud800 x");
    data.put("count", 42);
    data.put("big", Long.MAX_VALUE);
    data.put("ok", true);

    HttpResponse fast = Envelope.ok(202, data);

    Map<String, Object> general = new LinkedHashMap<>();
    general.put("success", true);
    general.put("data", data);
    assertThat(new String(fast.body(), StandardCharsets.UTF_8))
        .isEqualTo(new String(Json.write(general), StandardCharsets.UTF_8));
    assertThat(fast.status()).isEqualTo(202);
    assertThat(fast.headers()).containsEntry("Content-Type", HttpResponse.JSON);
    JsonNode read = Json.mapper().valueToTree(Json.read(new String(fast.body(),
        StandardCharsets.UTF_8), Map.class));
    assertThat(read.get("data").get("platform").asText()).isEqualTo(data.get("platform"));
  }

  @Test
  void nestedValuesTakeTheGeneralPath() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sources", List.of(Map.of("title", "Returns")));
    data.put("missing", null);

    String body = new String(Envelope.ok(data).body(), StandardCharsets.UTF_8);

    assertThat(body).isEqualTo(
        "{\"success\":true,\"data\":{\"sources\":[{\"title\":\"Returns\"}],\"missing\":null}}");
  }

  @Test
  void anEmptyMapIsAnEmptyDataObject() {
    assertThat(new String(Envelope.ok(Map.of()).body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"success\":true,\"data\":{}}");
  }
}
