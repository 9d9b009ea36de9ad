package io.wacanda.whatsapp;

import com.sun.net.httpserver.HttpServer;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP endpoint that hands posts to a channel's {@code handleWebhook}, like Wacanda's
 * webhook route: 401 for a bad signature, the channel's answer otherwise; records the events.
 */
public final class WebhookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<Channel> channel = new AtomicReference<>();
  public final List<InboundEvent> events = new CopyOnWriteArrayList<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", ex -> {
      try (ex) {
        byte[] body = ex.getRequestBody().readAllBytes();
        Map<String, List<String>> headers = new LinkedHashMap<>(ex.getRequestHeaders());
        HttpRequest req = new HttpRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
            Map.of(), headers, body, "127.0.0.1");
        int status;
        try {
          WebhookResult r = channel.get().handleWebhook(req);
          events.addAll(r.events());
          status = r.response().status();
        } catch (WacandaException e) {
          status = switch (e.code()) {
            case BAD_SIGNATURE -> 401;
            case FORBIDDEN -> 403;
            default -> 400;
          };
        }
        ex.sendResponseHeaders(status, -1);
      }
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/int_test1";
  }

  public void attach(Channel c) {
    channel.set(c);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
