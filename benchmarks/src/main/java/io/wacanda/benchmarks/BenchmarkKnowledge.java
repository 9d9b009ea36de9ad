package io.wacanda.benchmarks;

import io.wacanda.TenantId;
import io.wacanda.http.WacandaHttpHandler;
import io.wacanda.rag.RagEngine;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the JMH benchmarks ({@code io.wacanda.benchmarks.jmh}) share with the load harness: the
 * sample knowledge base, the questions, the request bodies and the benchmark wiring of Wacanda.
 */
public final class BenchmarkKnowledge {
  /** Default number of distinct customers requests rotate through: 1,000. */
  public static final int SENDERS = 1000;

  private BenchmarkKnowledge() {}

  /** Loads the quickstart's sample help centre into {@code rag} for {@code tenant}. */
  public static int ingestSample(RagEngine rag, TenantId tenant) {
    return WacandaFixture.ingestSample(rag, tenant);
  }

  /** The questions the sample help centre answers with confidence. */
  public static List<String> questions() {
    return Payloads.QUESTIONS;
  }

  /** Body of an {@code action: webhook} request with a unique message id. */
  public static String webhookBody(String key, long seq) {
    String request = new String(Payloads.webhook("127.0.0.1", key, "jmh", seq, SENDERS),
        StandardCharsets.UTF_8);
    return request.substring(request.indexOf("\r\n\r\n") + 4);
  }

  /** Body of an {@code action: chat} request. */
  public static String chatBody(String key, long seq) {
    return Payloads.chatBody(key, "jmh-", seq, SENDERS);
  }

  /**
   * Wacanda as the harness wires it (sample knowledge base, rate limit raised, one custom
   * integration), not started (no inbox workers) and without an HTTP server.
   */
  public static Instance instance() {
    return new Instance(WacandaFixture.create(false, 0, 1));
  }

  /** A running benchmark instance; close it to release it. */
  public static final class Instance implements AutoCloseable {
    private final WacandaFixture fixture;

    private Instance(WacandaFixture fixture) {
      this.fixture = fixture;
    }

    public WacandaHttpHandler handler() {
      return fixture.wacanda().httpHandler();
    }

    public String apiKey() {
      return fixture.apiKey();
    }

    @Override
    public void close() {
      fixture.close();
    }
  }
}
