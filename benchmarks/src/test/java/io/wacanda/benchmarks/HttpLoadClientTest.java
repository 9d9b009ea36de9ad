package io.wacanda.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The client against real servers on loopback. Runs are bounded by request counts (closed loop)
 * or by a short schedule (open loop), and only counts are asserted, never timings.
 */
class HttpLoadClientTest {
  private static final Duration LONG = Duration.ofMinutes(1);

  @Test
  void closedLoopSendsEveryRequestAndCountsTheAnswers() {
    try (BareServer server = BareServer.start(2, 64)) {
      String host = "127.0.0.1:" + server.address().getPort();
      HttpLoadClient.Target target = HttpLoadClient.Target.of(loopback(server.address()), 4,
          seq -> Payloads.post(host, "{\"n\":" + seq + "}"));

      HttpLoadClient.ClosedLoopResult r =
          HttpLoadClient.closedLoop(target, Duration.ZERO, LONG, 200);

      assertThat(r.completed()).isEqualTo(200);
      assertThat(r.ok()).isEqualTo(200);
      assertThat(r.errors()).isZero();
      assertThat(r.serviceTime().getTotalCount()).isEqualTo(200);
      assertThat(r.throughput()).isPositive();
    }
  }

  @Test
  void sendsTheBytesOfEachRequestOnce() throws IOException {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    HttpServer server = server(ex -> {
      seen.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
    });
    try {
      String host = "127.0.0.1:" + server.getAddress().getPort();
      HttpLoadClient.Target target = HttpLoadClient.Target.of(loopback(server.getAddress()), 3,
          seq -> Payloads.post(host, "{\"n\":" + seq + "}"));

      HttpLoadClient.closedLoop(target, Duration.ZERO, LONG, 50);

      assertThat(seen).hasSize(50).contains("{\"n\":0}", "{\"n\":49}");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void countsNon2xxAnswersAsErrorsAndPassesBodiesToTheListener() throws IOException {
    HttpServer server = server(ex -> {
      byte[] body = "{\"success\":false}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(503, body.length);
      ex.getResponseBody().write(body);
    });
    try {
      List<String> bodies = Collections.synchronizedList(new ArrayList<>());
      HttpLoadClient.Target target = new HttpLoadClient.Target(loopback(server.getAddress()), 2,
          seq -> Payloads.post("x", "{}"), true, r -> bodies.add(r.bodyAsString()));

      HttpLoadClient.ClosedLoopResult r =
          HttpLoadClient.closedLoop(target, Duration.ZERO, LONG, 20);

      assertThat(r.completed()).isEqualTo(20);
      assertThat(r.ok()).isZero();
      assertThat(r.errors()).isEqualTo(20);
      assertThat(bodies).hasSize(20).containsOnly("{\"success\":false}");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void reconnectsWhenTheServerClosesTheConnection() throws IOException {
    AtomicInteger exchanges = new AtomicInteger();
    HttpServer server = server(ex -> {
      exchanges.incrementAndGet();
      ex.getResponseHeaders().set("Connection", "close");
      ex.sendResponseHeaders(200, -1);
    });
    try {
      HttpLoadClient.Target target = HttpLoadClient.Target.of(loopback(server.getAddress()), 2,
          seq -> Payloads.post("x", "{}"));

      HttpLoadClient.ClosedLoopResult r =
          HttpLoadClient.closedLoop(target, Duration.ZERO, LONG, 30);

      assertThat(r.ok()).isEqualTo(30);
      assertThat(exchanges).hasValue(30);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void openLoopSendsTheScheduleAndRecordsEveryRequestOfTheWindow() {
    try (BareServer server = BareServer.start(2, 64)) {
      HttpLoadClient.Target target = HttpLoadClient.Target.of(loopback(server.address()), 4,
          seq -> Payloads.post("x", "{}"));

      HttpLoadClient.OpenLoopResult r = HttpLoadClient.openLoop(target, 2000,
          Duration.ofMillis(50), Duration.ofMillis(100), LONG);

      assertThat(r.intended()).isEqualTo(200);
      assertThat(r.ok()).isEqualTo(200);
      assertThat(r.errors()).isZero();
      assertThat(r.unfinished()).isZero();
      assertThat(r.latency().getTotalCount()).isEqualTo(200);
      assertThat(r.sendLag().getTotalCount()).isEqualTo(200);
      assertThat(r.latency().getMinValue()).isPositive();
    }
  }

  @Test
  void longQueueKeepsOrderWhileGrowing() {
    HttpLoadClient.LongQueue q = new HttpLoadClient.LongQueue();
    for (long i = 0; i < 700; i++) {
      q.add(i);
    }
    for (long i = 0; i < 500; i++) {
      assertThat(q.poll()).isEqualTo(i);
    }
    for (long i = 700; i < 3000; i++) {
      q.add(i);
    }
    assertThat(q.size()).isEqualTo(2500);
    for (long i = 500; i < 3000; i++) {
      assertThat(q.poll()).isEqualTo(i);
    }
    assertThat(q.isEmpty()).isTrue();
  }

  private static InetSocketAddress loopback(InetSocketAddress bound) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
  }

  private static HttpServer server(com.sun.net.httpserver.HttpHandler handler)
      throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", ex -> {
      try (ex) {
        handler.handle(ex);
      }
    });
    server.start();
    return server;
  }
}
