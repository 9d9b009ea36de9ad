package io.wacanda.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

  @Test
  void parsesRawQueriesSkippingMalformedPairs() {
    Map<String, List<String>> q =
        HttpRequest.parseQuery("hub.mode=subscribe&x=a%20b&x=c&flag&&bad=%zz&hub.challenge=1%2B1");
    assertThat(q).containsEntry("hub.mode", List.of("subscribe"))
        .containsEntry("x", List.of("a b", "c")).containsEntry("flag", List.of(""))
        .containsEntry("hub.challenge", List.of("1+1")).doesNotContainKey("bad");
    assertThat(HttpRequest.parseQuery(null)).isEmpty();
  }

  @Test
  void looksUpHeadersIgnoringCaseAndNeverPrintsThem() {
    HttpRequest r = new HttpRequest("post", "/x", Map.of(),
        Map.of("X-Hub-Signature-256", List.of("sha256=abc")), new byte[3], "");
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.header("x-hub-signature-256")).contains("sha256=abc");
    assertThat(r.toString()).doesNotContain("abc");
  }
}
