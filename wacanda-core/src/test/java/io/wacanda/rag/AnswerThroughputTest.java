package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A smoke check that answering with the offline defaults stays cheap: a ~50-document knowledge
 * base answered from two threads. The floor asserted is far below what the engine does (it
 * logs the measured rate) so that a busy build machine does not fail it; the benchmarks module
 * measures properly.
 */
class AnswerThroughputTest {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerThroughputTest.class);
  private static final TenantId SHOP = TenantId.of("fernbrook");
  private static final String[] CITIES = {"Leeds", "York", "Bristol", "Bath", "Derby", "Hull",
      "Leicester", "Norwich", "Oxford", "Exeter", "Chester", "Durham", "Lincoln", "Preston",
      "Salford", "Truro", "Wells"};
  private static final String[] QUESTIONS = {"how do I return an item", "Is shipping free?",
      "When do I get my money back?", "Do you deliver to Canada?", "I forgot my password",
      "opening hours of the York store", "Can I pay with PayPal?", "parking at the Bath shop",
      "My vase arrived broken", "Does a gift voucher expire?"};

  private static DefaultRagEngine engineWithFiftyDocuments() throws URISyntaxException {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingestDirectory(SHOP,
        Path.of(AnswerThroughputTest.class.getResource("/rag/helpcentre").toURI()));
    for (int i = 0; i < 34; i++) {
      String city = CITIES[i % CITIES.length];
      String kind = i < CITIES.length ? "store" : "outlet";
      engine.ingest(SHOP, Document.of("stores/" + kind + "-" + city.toLowerCase() + ".md", "",
          "", "text/markdown", """
              # Fernbrook %s %s
              ## Opening hours
              The %s %s is open Monday to Saturday from 9:00 to 18:00 and on Sunday from 10:00 to 16:00.
              ## Parking and access
              Free parking for two hours is available behind the shop. The entrance has step-free access.
              ## Services
              Click & collect orders can be picked up at the service desk; bring your order number.
              Returns bought online can be brought to the %s %s within 30 days.
              """.formatted(city, kind, city, kind, city, kind)));
    }
    return engine;
  }

  @Test
  void answersWellOverAThousandQuestionsASecondOnTwoThreads() throws Exception {
    DefaultRagEngine engine = engineWithFiftyDocuments();
    assertThat(engine.knowledgeStore().listDocuments(SHOP)).hasSize(50);
    for (int i = 0; i < 3_000; i++) {
      engine.answer(SHOP, QUESTIONS[i % QUESTIONS.length], List.of());
    }
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      long start = System.nanoTime();
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        futures.add(pool.submit(() -> {
          int answered = 0;
          for (int i = 0; i < perThread; i++) {
            if (!engine.answer(SHOP, QUESTIONS[i % QUESTIONS.length], List.of()).text().isEmpty()) {
              answered++;
            }
          }
          return answered;
        }));
      }
      int answered = 0;
      for (Future<Integer> f : futures) {
        answered += f.get(120, TimeUnit.SECONDS);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double perSecond = answered / seconds;
      LOG.info("Answered {} questions in {} s: {} answers/s", answered,
          String.format("%.2f", seconds), String.format("%.0f", perSecond));
      assertThat(answered).isEqualTo(2 * perThread);
      assertThat(perSecond).isGreaterThan(300);
    } finally {
      pool.shutdownNow();
    }
  }
}
