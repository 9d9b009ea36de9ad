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

/**
 * Answers from a ~50-document knowledge base stay the same when two threads ask at once (the
 * indexes are shared). Speed is measured in the benchmarks module, not here.
 */
class ConcurrentAnswersTest {

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
        Path.of(ConcurrentAnswersTest.class.getResource("/rag/helpcentre").toURI()));
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
  void concurrentAnswersEqualSingleThreadedOnes() throws Exception {
    DefaultRagEngine engine = engineWithFiftyDocuments();
    assertThat(engine.knowledgeStore().listDocuments(SHOP)).hasSize(50);
    List<String> expected = new ArrayList<>();
    for (String q : QUESTIONS) {
      expected.add(engine.answer(SHOP, q, List.of()).text());
    }
    int perThread = 400;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        futures.add(pool.submit(() -> {
          int same = 0;
          for (int i = 0; i < perThread; i++) {
            int q = i % QUESTIONS.length;
            if (engine.answer(SHOP, QUESTIONS[q], List.of()).text().equals(expected.get(q))) {
              same++;
            }
          }
          return same;
        }));
      }
      int same = 0;
      for (Future<Integer> f : futures) {
        same += f.get(120, TimeUnit.SECONDS);
      }
      assertThat(same).isEqualTo(2 * perThread);
    } finally {
      pool.shutdownNow();
    }
  }
}
