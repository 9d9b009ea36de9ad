package io.wacanda.knowledge;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Objects;

/**
 * A fetched page.
 *
 * @param requested the URL asked for
 * @param url the URL the content came from, after redirects
 * @param status the final HTTP status (2xx)
 * @param mediaType lower case, without parameters ({@code text/html})
 * @param charset the charset the server declared; empty when none
 * @param body the raw bytes; the accessor returns a copy
 */
public record FetchedPage(URI requested, URI url, int status, String mediaType, String charset,
    byte[] body) {

  public FetchedPage {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(mediaType, "mediaType");
    charset = charset == null ? "" : charset;
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as text, in the declared charset, else UTF-8 (bad bytes become U+FFFD). */
  public String text() {
    Charset cs = StandardCharsets.UTF_8;
    if (!charset.isEmpty()) {
      try {
        cs = Charset.forName(charset);
      } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
        cs = StandardCharsets.UTF_8;
      }
    }
    return new String(body, cs);
  }

  /** Size of the body in bytes. */
  public int size() {
    return body.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FetchedPage p && requested.equals(p.requested) && url.equals(p.url)
        && status == p.status && mediaType.equals(p.mediaType) && charset.equals(p.charset)
        && java.util.Arrays.equals(body, p.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requested, url, status, mediaType, charset,
        java.util.Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "FetchedPage[url=" + WebFetcher.safe(url) + ", status=" + status + ", mediaType="
        + mediaType + ", bytes=" + body.length + "]";
  }
}
