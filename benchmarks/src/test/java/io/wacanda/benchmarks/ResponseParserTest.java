package io.wacanda.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private static final String WACANDA_ACK = "HTTP/1.1 202 Accepted\r\n"
      + "Date: Wed, 26 Nov 2026 12:00:00 GMT\r\n"
      + "Content-type: application/json; charset=utf-8\r\n"
      + "Content-length: 84\r\n\r\n"
      + "{\"success\":true,\"data\":{\"event_id\":\"evt_0123456789abcdefghij\",\"status\":\"PENDING\"}}"
      + "\n\n";
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n"
      + "5;ext=1\r\nHello\r\n"
      + "7\r\n, world\r\n"
      + "0\r\nX-Trailer: yes\r\n\r\n";

  @Test
  void readsAResponseWithContentLengthInAnyCase() {
    ResponseParser p = new ResponseParser(true);

    boolean done = p.feed(bytes(WACANDA_ACK));

    assertThat(done).isTrue();
    assertThat(p.status()).isEqualTo(202);
    assertThat(p.bodyAsString()).startsWith("{\"success\":true").hasSize(84);
    assertThat(p.closeRequested()).isFalse();
  }

  @Test
  void givesTheSameResultWhereverTheBytesAreSplit() {
    byte[] all = WACANDA_ACK.getBytes(StandardCharsets.US_ASCII);
    for (int cut = 0; cut <= all.length; cut++) {
      ResponseParser p = new ResponseParser(true);
      ByteBuffer first = ByteBuffer.wrap(all, 0, cut);
      ByteBuffer second = ByteBuffer.wrap(all, cut, all.length - cut);

      boolean early = p.feed(first);
      boolean done = early || p.feed(second);

      assertThat(early).as("complete after %d of %d bytes", cut, all.length)
          .isEqualTo(cut == all.length);
      assertThat(done).isTrue();
      assertThat(p.status()).isEqualTo(202);
      assertThat(p.body()).hasSize(84);
    }
  }

  @Test
  void readsByteByByte() {
    ResponseParser p = new ResponseParser(true);
    byte[] all = CHUNKED.getBytes(StandardCharsets.US_ASCII);
    int completedAt = -1;
    for (int i = 0; i < all.length; i++) {
      if (p.feed(ByteBuffer.wrap(all, i, 1))) {
        completedAt = i;
        break;
      }
    }

    assertThat(completedAt).isEqualTo(all.length - 1);
    assertThat(p.bodyAsString()).isEqualTo("Hello, world");
  }

  @Test
  void readsChunkedBodiesWithExtensionsAndTrailersSplitAnywhere() {
    byte[] all = CHUNKED.getBytes(StandardCharsets.US_ASCII);
    for (int cut = 0; cut < all.length; cut++) {
      ResponseParser p = new ResponseParser(true);

      boolean done = p.feed(ByteBuffer.wrap(all, 0, cut))
          || p.feed(ByteBuffer.wrap(all, cut, all.length - cut));

      assertThat(done).isTrue();
      assertThat(p.status()).isEqualTo(200);
      assertThat(p.bodyAsString()).isEqualTo("Hello, world");
    }
  }

  @Test
  void skipsBodiesWhenNotKeepingThem() {
    ResponseParser p = new ResponseParser(false);

    assertThat(p.feed(bytes(WACANDA_ACK))).isTrue();
    assertThat(p.body()).isEmpty();
    assertThat(p.status()).isEqualTo(202);
  }

  @Test
  void completesAnEmptyBodyAsTheJdkServerSendsIt() {
    // What com.sun.net.httpserver writes for sendResponseHeaders(200, -1).
    ResponseParser p = new ResponseParser(true);

    assertThat(p.feed(bytes("HTTP/1.1 200 OK\r\nDate: x\r\nContent-length: 0\r\n\r\n")))
        .isTrue();
    assertThat(p.status()).isEqualTo(200);
    assertThat(p.body()).isEmpty();
  }

  @Test
  void needsNoLengthFor204And304() {
    ResponseParser p = new ResponseParser(false);
    assertThat(p.feed(bytes("HTTP/1.1 204 No Content\r\n\r\n"))).isTrue();
    p.reset();
    assertThat(p.feed(bytes("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"))).isTrue();
    assertThat(p.status()).isEqualTo(304);
  }

  @Test
  void skipsInterimResponses() {
    ResponseParser p = new ResponseParser(true);

    boolean done = p.feed(bytes("HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));

    assertThat(done).isTrue();
    assertThat(p.status()).isEqualTo(201);
    assertThat(p.bodyAsString()).isEqualTo("ok");
  }

  @Test
  void seesConnectionClose() {
    ResponseParser p = new ResponseParser(false);

    p.feed(bytes("HTTP/1.1 503 Service Unavailable\r\nConnection: Close\r\n"
        + "Content-Length: 0\r\n\r\n"));

    assertThat(p.status()).isEqualTo(503);
    assertThat(p.closeRequested()).isTrue();
  }

  @Test
  void stopsAtTheEndOfAResponseAndReadsTheNextAfterReset() {
    ResponseParser p = new ResponseParser(true);
    String second = "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB";
    ByteBuffer two = bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA" + second);

    assertThat(p.feed(two)).isTrue();
    assertThat(p.bodyAsString()).isEqualTo("A");
    assertThat(two.remaining()).isEqualTo(second.length());
    p.reset();
    assertThat(p.feed(two)).isTrue();
    assertThat(p.status()).isEqualTo(404);
    assertThat(p.bodyAsString()).isEqualTo("B");
    assertThat(p.closeRequested()).isFalse();
  }

  @Test
  void refusesAResponseWhoseEndCannotBeFound() {
    ResponseParser p = new ResponseParser(false);

    assertThatThrownBy(() -> p.feed(bytes("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody")))
        .isInstanceOf(ResponseParser.ProtocolException.class)
        .hasMessageContaining("neither Content-Length nor chunked");
  }

  @Test
  void refusesMalformedInput() {
    assertThatThrownBy(() -> new ResponseParser(false).feed(bytes("SSH-2.0-OpenSSH\r\n")))
        .isInstanceOf(ResponseParser.ProtocolException.class)
        .hasMessageContaining("status line");
    assertThatThrownBy(() -> new ResponseParser(false).feed(bytes("HTTP/1.1 2x0 OK\r\n")))
        .isInstanceOf(ResponseParser.ProtocolException.class);
    assertThatThrownBy(() -> new ResponseParser(false)
        .feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n")))
        .hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> new ResponseParser(false)
        .feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")))
        .hasMessageContaining("conflicting");
    assertThatThrownBy(() -> new ResponseParser(false).feed(bytes("HTTP/1.1 200 OK\rX")))
        .hasMessageContaining("CR not followed by LF");
    assertThatThrownBy(() -> new ResponseParser(false)
        .feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")))
        .hasMessageContaining("chunk size");
    assertThatThrownBy(() -> new ResponseParser(false)
        .feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n")))
        .hasMessageContaining("longer than its size");
    assertThatThrownBy(() -> new ResponseParser(false)
        .feed(bytes("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseParser.MAX_LINE))))
        .hasMessageContaining("line longer");
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
