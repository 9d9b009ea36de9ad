package io.wacanda.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.rag.Answer;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.HashingEmbeddingModel;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the ONNX model shipped in the jar with DJL offline ({@code ai.djl.offline=true}, set by
 * the build) and a fresh cache folder under {@code target/}, while every HTTP(S) request of the
 * JVM would go through a loopback proxy that counts connections: it must count none.
 */
class OfflineEmbeddingsTest {

  private static ServerSocket proxy;
  private static final AtomicInteger connections = new AtomicInteger();
  private static Thread acceptor;
  private static LangChain4jEmbeddingModel model;
  private static Path cache;

  @BeforeAll
  static void loadOffline() throws IOException {
    cache = Path.of(System.getProperty("DJL_CACHE_DIR", "target/djl-cache"));
    deleteTree(cache);
    Files.createDirectories(cache);
    proxy = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!proxy.isClosed()) {
        try (Socket s = proxy.accept()) {
          connections.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    }, "counting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
    for (String scheme : new String[] {"http", "https"}) {
      System.setProperty(scheme + ".proxyHost", "127.0.0.1");
      System.setProperty(scheme + ".proxyPort", String.valueOf(proxy.getLocalPort()));
    }
    System.setProperty("http.nonProxyHosts", "");

    model = OfflineEmbeddings.allMiniLmL6V2();
  }

  @AfterAll
  static void stopProxy() throws IOException {
    for (String scheme : new String[] {"http", "https"}) {
      System.clearProperty(scheme + ".proxyHost");
      System.clearProperty(scheme + ".proxyPort");
    }
    proxy.close();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(x);
      }
    }
  }

  private static double cos(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void loadsTheModelFromTheJarWithoutAnyDownload() throws IOException {
    float[] v = model.embed("Where is my parcel?");

    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(model.dimension()).isEqualTo(384);
    assertThat(v).hasSize(384);
    assertThat(cos(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(connections.get()).isZero();
    // the tokenizer's native library was unpacked from its jar into the writable cache
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.contains("tokenizers"));
    }
  }

  @Test
  void embedsMeaningNotJustWords() {
    float[] question = model.embed("How do I get my money back?");
    float[] refunds = model.embed("Refunds are paid to your card within five working days.");
    float[] delivery = model.embed("Standard delivery takes three to five working days.");

    assertThat(cos(question, refunds)).isGreaterThan(cos(question, delivery) + 0.1);
    HashingEmbeddingModel hashing = HashingEmbeddingModel.create();
    // words in common mislead the hashing model here; the neural one is not misled
    assertThat(cos(hashing.embed("How do I get my money back?"),
        hashing.embed("Refunds are paid to your card within five working days."))).isLessThan(0.1);
    assertThat(connections.get()).isZero();
  }

  @Test
  void embedsBatchesLikeSingleTextsAndBlankTextsAsZero() {
    List<float[]> batch = model.embedAll(List.of("Gift cards never expire.", "", "Hello"));

    assertThat(cos(batch.get(0), model.embed("Gift cards never expire."))).isGreaterThan(0.999);
    assertThat(batch.get(1)).containsOnly(0f);
    assertThat(batch).hasSize(3);
  }

  @Test
  void theDefaultEngineAnswersSynonymQuestionsWithThem() {
    TenantId t = TenantId.of("shop");
    DefaultRagEngine rag = DefaultRagEngine.builder().embeddingModel(model).build();
    rag.ingest(t, Document.of("refunds", "Refunds", "kb/refunds.md", "text/markdown",
        "# Refunds\n\nWe pay refunds to the original card within five working days of "
            + "receiving the parcel."));
    rag.ingest(t, Document.of("delivery", "Delivery", "kb/delivery.md", "text/markdown",
        "# Delivery\n\nStandard delivery takes three to five working days."));

    List<Source> vector = rag.search(t, "when will I get my money back", 2, RetrievalMode.VECTOR,
        RetrievalFilter.none());
    Answer answer = rag.answer(t, "when will I get my money back?", List.of());
    Answer offTopic = rag.answer(t, "Can I bring my dog to the office party?", List.of());

    assertThat(vector.get(0).documentId()).isEqualTo("refunds");
    assertThat(answer.sources().get(0).documentId()).isEqualTo("refunds");
    assertThat(answer.confidence()).isGreaterThan(0.2);
    assertThat(offTopic.confidence()).isLessThan(answer.confidence());
    assertThat(connections.get()).isZero();
  }
}
