package io.wacanda.spring;

import io.wacanda.WacandaException;
import io.wacanda.http.HttpRequest;
import io.wacanda.http.HttpResponse;
import io.wacanda.http.WacandaHttpHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * The one Spring MVC controller in front of {@link WacandaHttpHandler}: copies method, path
 * (relative to the base path), query, headers and the raw body bytes in, and status, headers and
 * body out, untouched. The body is read straight from the servlet stream, never through message
 * converters or {@code getParameter} (which would consume a form body), so signatures verify over
 * exactly the bytes the platform sent. {@code GET {base}/admin/events} is streamed by
 * {@link EventStreams}.
 */
@Controller
final class WacandaEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WacandaEndpoint.class);
  static final String BASE = "${wacanda.http.base-path:/wacanda}";

  private final WacandaHttpHandler handler;
  private final EventStreams streams;
  private final String basePath;
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AutoCloseable inProgressReport;

  WacandaEndpoint(WacandaHttpHandler handler, EventStreams streams, String basePath) {
    this.handler = handler;
    this.streams = streams;
    this.basePath = basePath;
    // Acknowledgements first: inbox workers step aside while at least as many Wacanda requests
    // are in progress as there are cores (the servlet container's pool is the host's and far
    // larger, so "all threads busy" says nothing here).
    int cores = Runtime.getRuntime().availableProcessors();
    this.inProgressReport = handler.reportRequestsWaiting(() -> inProgress.get() >= cores);
  }

  /** Wacanda requests (not event streams) being served right now. */
  int requestsInProgress() {
    return inProgress.get();
  }

  /** Withdraws the in-progress report when the context closes. */
  @Override
  public void close() throws Exception {
    inProgressReport.close();
  }

  @RequestMapping(path = {BASE + "/webhooks/**", BASE + "/external-api", BASE + "/external-api/",
      BASE + "/admin", BASE + "/admin/**", BASE + "/health"})
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    inProgress.incrementAndGet();
    try {
      int max = handler.options().maxBodyBytes();
      long declared = request.getContentLengthLong();
      byte[] body = declared > max ? null : readLimited(request.getInputStream(), max);
      HttpResponse answer = body == null
          ? handler.payloadTooLarge(toWacanda(request, new byte[0]))
          : handler.handle(toWacanda(request, body));
      write(answer, request, response);
    } finally {
      inProgress.decrementAndGet();
    }
  }

  /** The admin event stream; errors (401, too many streams) come back in the envelope. */
  @GetMapping(path = {BASE + "/admin/events", BASE + "/admin/events/"})
  public ResponseEntity<ResponseBodyEmitter> events(HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    HttpRequest wacandaRequest = toWacanda(request, new byte[0]);
    ResponseBodyEmitter emitter;
    try {
      emitter = streams.open(wacandaRequest);
    } catch (WacandaException e) {
      HttpResponse answer = streams.refusal(wacandaRequest, e);
      write(answer, request, response);
      return null;
    }
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, EventStreams.EVENT_STREAM.toString())
        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
        .header("X-Accel-Buffering", "no")
        .body(emitter);
  }

  /**
   * Answers a CORS pre-flight under the base path with the handler's own CORS policy (Spring MVC
   * would otherwise answer it itself, without the handler's allow-list).
   */
  void preflight(HttpServletRequest request, HttpServletResponse response) throws IOException {
    write(handler.handle(toWacanda(request, new byte[0])), request, response);
  }

  HttpRequest toWacanda(HttpServletRequest request, byte[] body) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    String raw = context != null && !context.isEmpty() && uri.startsWith(context)
        ? uri.substring(context.length()) : uri;
    String path = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    if (!basePath.isEmpty() && path.startsWith(basePath)) {
      path = path.substring(basePath.length());
    }
    if (path.isEmpty()) {
      path = "/";
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return new HttpRequest(request.getMethod(), path, query(request.getQueryString()), headers,
        body, request.getRemoteAddr());
  }

  /** Parses the raw query string; never {@code getParameterMap}, which reads form bodies. */
  static Map<String, List<String>> query(String raw) {
    return HttpRequest.parseQuery(raw);
  }

  /** Reads at most {@code max} bytes; null when the body is longer. */
  static byte[] readLimited(InputStream in, int max) throws IOException {
    byte[] buf = new byte[Math.min(max + 1, 8192)];
    int len = 0;
    int r;
    while ((r = in.read(buf, len, buf.length - len)) != -1) {
      len += r;
      if (len > max) {
        return null;
      }
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, Math.min(max + 1, buf.length * 2));
      }
    }
    return Arrays.copyOf(buf, len);
  }

  static void write(HttpResponse answer, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    response.setStatus(answer.status());
    answer.headers().forEach(response::setHeader);
    byte[] body = answer.body();
    boolean noBody = body.length == 0 || answer.status() == 204 || answer.status() == 304
        || "HEAD".equals(request.getMethod());
    if (noBody) {
      response.setContentLength(0);
      return;
    }
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    } catch (IOException e) {
      log.debug("Client went away on {} {}: {}", request.getMethod(), request.getRequestURI(),
          e.toString());
    }
  }
}
