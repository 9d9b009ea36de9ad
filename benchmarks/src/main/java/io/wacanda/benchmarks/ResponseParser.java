package io.wacanda.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Incremental parser of HTTP/1.1 responses on a keep-alive connection, fed with whatever bytes a
 * read returned (a response may arrive split anywhere, including inside the status line, a
 * header, a CRLF or a chunk-size line). Understands the status line, {@code Content-Length} (any
 * case), {@code Transfer-Encoding: chunked} with trailers, {@code Connection: close}, bodiless
 * statuses (1xx, 204, 304; 1xx interim responses are skipped) and, when asked, keeps the body.
 * A response that has neither a length nor chunked encoding is refused: on a keep-alive
 * connection its end cannot be known. Not thread-safe: one parser per connection.
 */
final class ResponseParser {
  /** Longest status line, header line or chunk-size line accepted. */
  static final int MAX_LINE = 8192;

  private enum State { STATUS_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS,
      DONE }

  private final boolean keepBody;
  private final StringBuilder line = new StringBuilder(128);
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private State state = State.STATUS_LINE;
  private boolean sawCr;
  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean close;
  private long remaining;

  /** @param keepBody whether {@link #body()} should hold the body (else it is skipped) */
  ResponseParser(boolean keepBody) {
    this.keepBody = keepBody;
    reset();
  }

  /** Thrown for bytes that are not a well-formed HTTP/1.x response. */
  static final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }

  /** Forgets the last response; called before reading the next one on the connection. */
  void reset() {
    state = State.STATUS_LINE;
    line.setLength(0);
    body.reset();
    sawCr = false;
    status = 0;
    contentLength = -1;
    chunked = false;
    close = false;
    remaining = 0;
  }

  /**
   * Consumes bytes from {@code in} up to the end of the current response.
   *
   * @return true when a whole response has been read; {@code in} is then positioned just after
   *     it and {@link #status()}, {@link #body()}, {@link #closeRequested()} describe it. Call
   *     {@link #reset()} before feeding the next response.
   * @throws ProtocolException on malformed input
   */
  boolean feed(ByteBuffer in) {
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case STATUS_LINE, HEADERS, CHUNK_SIZE, CHUNK_CRLF, TRAILERS -> {
          String l = readLine(in);
          if (l != null) {
            onLine(l);
          }
        }
        case BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.remaining());
          if (keepBody) {
            byte[] chunk = new byte[n];
            in.get(chunk);
            body.write(chunk, 0, n);
          } else {
            in.position(in.position() + n);
          }
          remaining -= n;
          if (remaining == 0) {
            state = state == State.BODY ? State.DONE : State.CHUNK_CRLF;
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return state == State.DONE;
  }

  /** Status code of the response read. */
  int status() {
    return status;
  }

  /** Body of the response read (empty unless the parser keeps bodies). */
  byte[] body() {
    return body.toByteArray();
  }

  String bodyAsString() {
    return body.toString(StandardCharsets.UTF_8);
  }

  /** Whether the server said it will close the connection after this response. */
  boolean closeRequested() {
    return close;
  }

  /** Reads up to CRLF (a bare LF is tolerated); null when the line is not complete yet. */
  private String readLine(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        String l = line.toString();
        line.setLength(0);
        sawCr = false;
        return l;
      }
      if (sawCr) {
        throw new ProtocolException("CR not followed by LF");
      }
      if (b == '\r') {
        sawCr = true;
      } else {
        if (line.length() >= MAX_LINE) {
          throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
        }
        line.append((char) (b & 0xff));
      }
    }
    return null;
  }

  private void onLine(String l) {
    switch (state) {
      case STATUS_LINE -> {
        status = parseStatus(l);
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (l.isEmpty()) {
          endOfHeaders();
        } else {
          header(l);
        }
      }
      case CHUNK_SIZE -> {
        long size = parseChunkSize(l);
        if (size == 0) {
          state = State.TRAILERS;
        } else {
          remaining = size;
          state = State.CHUNK_DATA;
        }
      }
      case CHUNK_CRLF -> {
        if (!l.isEmpty()) {
          throw new ProtocolException("chunk data longer than its size");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (l.isEmpty()) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private static int parseStatus(String l) {
    if (!l.startsWith("HTTP/1.") || l.length() < 12 || l.charAt(8) != ' ') {
      throw new ProtocolException("not an HTTP/1.x status line: " + abbreviate(l));
    }
    String code = l.substring(9, 12);
    if (l.length() > 12 && l.charAt(12) != ' ') {
      throw new ProtocolException("bad status code in: " + abbreviate(l));
    }
    int s = 0;
    for (int i = 0; i < 3; i++) {
      char c = code.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException("bad status code in: " + abbreviate(l));
      }
      s = s * 10 + (c - '0');
    }
    if (s < 100) {
      throw new ProtocolException("bad status code in: " + abbreviate(l));
    }
    return s;
  }

  private void header(String l) {
    int colon = l.indexOf(':');
    if (colon <= 0) {
      throw new ProtocolException("malformed header: " + abbreviate(l));
    }
    String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = l.substring(colon + 1).trim();
    switch (name) {
      case "content-length" -> {
        long n;
        try {
          n = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new ProtocolException("bad Content-Length: " + abbreviate(value));
        }
        if (n < 0 || (contentLength >= 0 && contentLength != n)) {
          throw new ProtocolException("bad or conflicting Content-Length: " + value);
        }
        contentLength = n;
      }
      case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
      case "connection" -> close |= value.toLowerCase(Locale.ROOT).contains("close");
      default -> { }
    }
  }

  private void endOfHeaders() {
    if (status < 200) {
      // An interim response (100 Continue, 103 Early Hints): the real one follows.
      status = 0;
      contentLength = -1;
      chunked = false;
      close = false;
      state = State.STATUS_LINE;
      return;
    }
    if (status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.BODY;
    } else {
      throw new ProtocolException("response " + status + " has neither Content-Length nor "
          + "chunked encoding; cannot find its end on a keep-alive connection");
    }
  }

  private static long parseChunkSize(String l) {
    int semi = l.indexOf(';');
    String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new ProtocolException("bad chunk size: " + abbreviate(l));
    }
    try {
      long size = Long.parseLong(hex, 16);
      if (size < 0) {
        throw new ProtocolException("bad chunk size: " + abbreviate(l));
      }
      return size;
    } catch (NumberFormatException e) {
      throw new ProtocolException("bad chunk size: " + abbreviate(l));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
