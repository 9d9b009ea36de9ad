package io.wacanda.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.InboundMessage;
import io.wacanda.internal.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data of a signed {@code message.received} post, bounded like the external API's fields. */
class CustomChannelParseTest {

  private static JsonNode data(Map<String, Object> fields) {
    return Json.mapper().valueToTree(fields);
  }

  @Test
  void readsTheMessage() {
    InboundMessage m = CustomChannel.parseMessage(data(Map.of("sender_id", "u1", "sender_name",
        "Ana", "message", "hi", "message_id", "m-1")), "fallback", Instant.EPOCH);
    assertThat(m.messageId()).isEqualTo("m-1");
    assertThat(m.senderName()).isEqualTo("Ana");
    assertThat(m.content().asText()).isEqualTo("hi");
  }

  @Test
  void refusesFieldsLongerThanTheirBounds() {
    for (Map<String, Object> fields : java.util.List.<Map<String, Object>>of(
        Map.of("sender_id", "x".repeat(257), "message", "hi"),
        Map.of("sender_id", "u", "message", "hi", "sender_name", "n".repeat(257)),
        Map.of("sender_id", "u", "message", "hi", "message_id", "m".repeat(257)),
        Map.of("sender_id", "u", "message", "t".repeat(10_001)))) {
      assertThatThrownBy(() -> CustomChannel.parseMessage(data(fields), "f", Instant.EPOCH))
          .isInstanceOfSatisfying(WacandaException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
  }
}
