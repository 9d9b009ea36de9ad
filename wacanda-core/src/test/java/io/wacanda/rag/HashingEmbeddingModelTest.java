package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.wacanda.WacandaException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HashingEmbeddingModelTest {

  private final HashingEmbeddingModel model = HashingEmbeddingModel.create();

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static double cosine(float[] a, float[] b) {
    return RankFusion.dot(a, b);
  }

  @Test
  void embedsIntoUnitVectorsOfTheConfiguredDimension() {
    assertThat(model.dimension()).isEqualTo(1024);
    float[] v = model.embed("Track your parcel with the link in the shipping email.");

    assertThat(v).hasSize(1024);
    assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
    assertThat(HashingEmbeddingModel.builder().dimensions(256).build().embed("parcel"))
        .hasSize(256);
  }

  @Test
  void sameTextAlwaysGivesTheSameVector() {
    String text = "Refunds are paid to the original payment method within 5 business days.";

    assertThat(model.embed(text)).containsExactly(HashingEmbeddingModel.create().embed(text));
  }

  @Test
  void textWithoutWordsIsTheZeroVector() {
    assertThat(norm(model.embed(""))).isZero();
    assertThat(norm(model.embed(" ?! ... "))).isZero();
  }

  @Test
  void questionOfOnlyStopwordsStillEmbeds() {
    assertThat(norm(model.embed("how do I"))).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void ignoresCaseAndAccents() {
    assertThat(model.embed("CAFÉ Crème")).containsExactly(model.embed("cafe creme"));
  }

  @Test
  void paraphrasedReturnQuestionIsClosestToTheReturnsPassage() {
    List<String> passages = List.of(
        "Returns: you can return items within 30 days of delivery for a full refund.",
        "Shipping: we ship to 40 countries; standard delivery takes 3 to 5 working days.",
        "Payments: we accept Visa, Mastercard, PayPal and gift cards at checkout.",
        "Accounts: reset your password from the sign-in page with the forgotten password link.",
        "Orders: you can change an order within one hour of placing it.");
    float[] question = model.embed("how do I return an item");

    double best = -1;
    int bestIndex = -1;
    for (int i = 0; i < passages.size(); i++) {
      double c = cosine(question, model.embed(passages.get(i)));
      if (c > best) {
        best = c;
        bestIndex = i;
      }
    }

    assertThat(bestIndex).isZero();
    assertThat(best).isGreaterThan(0.2);
  }

  @Test
  void sharesCharacterNgramsBetweenWordForms() {
    double related = cosine(model.embed("delivery"), model.embed("deliveries delivered"));
    double unrelated = cosine(model.embed("delivery"), model.embed("password"));

    assertThat(related).isGreaterThan(0.3);
    assertThat(unrelated).isLessThan(0.1);
  }

  @Test
  void inverseDocumentFrequencyFavoursRareTerms() {
    DocumentFrequencies df = DocumentFrequencies.create();
    for (int i = 0; i < 20; i++) {
      df.add("order number " + i);
    }
    df.add("refund of an order");
    HashingEmbeddingModel idf = HashingEmbeddingModel.builder().documentFrequencies(df).build();
    String question = "order refund";
    String rarePassage = "refund";
    String commonPassage = "order";

    double plainGap = cosine(model.embed(question), model.embed(rarePassage))
        - cosine(model.embed(question), model.embed(commonPassage));
    double idfGap = cosine(idf.embed(question), idf.embed(rarePassage))
        - cosine(idf.embed(question), idf.embed(commonPassage));

    assertThat(idfGap).isGreaterThan(plainGap + 0.2);
    assertThat(idf.documentFrequencies()).containsSame(df);
    assertThat(model.documentFrequencies()).isEmpty();
  }

  @Test
  void documentFrequenciesCountEachPassageOnceAndForgetRemovedOnes() {
    DocumentFrequencies df = DocumentFrequencies.create();
    df.add("Return returns returned");
    df.add("ship a return");

    assertThat(df.documentCount()).isEqualTo(2);
    assertThat(df.frequency("return")).isEqualTo(2);

    df.remove("ship a return");

    assertThat(df.documentCount()).isEqualTo(1);
    assertThat(df.frequency("return")).isEqualTo(1);
    assertThat(df.frequency("ship")).isZero();
    df.clear();
    assertThat(df.idf("return")).isEqualTo(1.0);
  }

  @Test
  void embedsConcurrentlyWithTheSameResults() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add("Parcel " + i + " is on its way to warehouse " + (i % 7));
    }
    List<float[]> expected = model.embedAll(texts);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<float[]>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> model.embedAll(texts)));
      }
      for (Future<List<float[]>> f : futures) {
        List<float[]> got = f.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < texts.size(); i++) {
          assertThat(got.get(i)).containsExactly(expected.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> HashingEmbeddingModel.builder().dimensions(8))
        .isInstanceOf(WacandaException.class).hasMessageContaining("dimensions");
    assertThatThrownBy(() -> HashingEmbeddingModel.builder().charNgrams(4, 3))
        .isInstanceOf(WacandaException.class).hasMessageContaining("charNgrams");
    assertThat(model.newBuilder().dimensions(512).build().dimension()).isEqualTo(512);
  }
}
