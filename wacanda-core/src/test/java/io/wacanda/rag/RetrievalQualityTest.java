package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrieval quality of the offline defaults on a small fictional help centre ({@code
 * src/test/resources/rag/helpcentre}: 16 articles about orders, shipping, returns, payments and
 * accounts in Markdown, HTML and plain text) with questions phrased the way customers write,
 * not copied from the articles.
 *
 * <p>Known limits, deliberately not in the list: questions sharing no word or word part with the
 * article ("where is my package" for a page saying "parcel"; "which cards do you accept" for a
 * page listing "Visa, Mastercard") need a semantic embedding model.
 */
class RetrievalQualityTest {

  private static final Logger LOG = LoggerFactory.getLogger(RetrievalQualityTest.class);
  private static final TenantId SHOP = TenantId.of("fernbrook");

  /** Question, expected document id. */
  private static final String[][] QUESTIONS = {
      {"how do I return an item", "returns/returns-policy.md"},
      {"When do I get my money back after sending something back?", "returns/refunds.md"},
      {"How long does a refund take to reach my card?", "returns/refunds.md"},
      {"Can I swap a cushion cover for another colour?", "returns/exchanges.txt"},
      {"Can I return a pillow I opened?", "returns/returns-policy.md"},
      {"How do I track my order?", "orders/order-status.md"},
      {"I want to cancel my purchase", "orders/changing-or-cancelling-an-order.md"},
      {"Can I send my order to a different address?", "orders/changing-or-cancelling-an-order.md"},
      {"Is there a minimum order amount?", "orders/placing-an-order.md"},
      {"Do you deliver to Canada?", "shipping/international-shipping.html"},
      {"Will I have to pay customs fees on delivery to the US?",
          "shipping/international-shipping.html"},
      {"How much is next-day delivery?", "shipping/shipping-options-and-costs.md"},
      {"Is shipping free?", "shipping/shipping-options-and-costs.md"},
      {"My vase arrived broken", "shipping/missing-or-damaged-parcels.md"},
      {"The parcel says delivered but it's not here", "shipping/missing-or-damaged-parcels.md"},
      {"Can I pay with PayPal?", "payments/payment-methods.html"},
      {"Can I pay in instalments?", "payments/payment-methods.html"},
      {"I need an invoice with my company's VAT number", "payments/invoices-and-vat.txt"},
      {"Does a gift voucher expire?", "payments/gift-cards.md"},
      {"I can't remember my password", "accounts/password-and-login.md"},
      {"How do I change my email address?", "accounts/password-and-login.md"},
      {"How can I remove my account and personal data?", "accounts/deleting-your-account.html"},
      {"Stop sending me promotional emails", "accounts/newsletter-and-marketing.md"},
      {"Can I order without creating an account?", "accounts/creating-an-account.md"},
  };

  private static DefaultRagEngine engine;
  private static HnswVectorIndex vectors;
  private static HashingEmbeddingModel embedder;

  @BeforeAll
  static void ingestHelpCentre() throws URISyntaxException {
    vectors = HnswVectorIndex.create();
    embedder = HashingEmbeddingModel.create();
    engine = DefaultRagEngine.builder().vectorIndex(vectors).embeddingModel(embedder).build();
    Path dir = Path.of(RetrievalQualityTest.class.getResource("/rag/helpcentre").toURI());
    DirectoryIngestResult result = engine.ingestDirectory(SHOP, dir);
    assertThat(result.documents()).isEqualTo(16);
  }

  /** 1-based rank of the expected document among the distinct documents retrieved, 0 if absent. */
  private static int rank(List<String> documentIds, String expected) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(documentIds));
    return distinct.indexOf(expected) + 1;
  }

  private static void assertQuality(String what, List<Integer> ranks) {
    long hit1 = ranks.stream().filter(r -> r == 1).count();
    long hit3 = ranks.stream().filter(r -> r >= 1 && r <= 3).count();
    double hitAt1 = (double) hit1 / ranks.size();
    double hitAt3 = (double) hit3 / ranks.size();
    LOG.info("{}: hit@1 {} ({}/{}), hit@3 {}", what, hitAt1, hit1, ranks.size(), hitAt3);
    assertThat(hitAt1).as(what + " hit@1").isGreaterThanOrEqualTo(0.8);
    assertThat(hitAt3).as(what + " hit@3").isEqualTo(1.0);
  }

  @Test
  void hybridRetrievalFindsTheRightArticleForParaphrasedQuestions() {
    List<Integer> ranks = new ArrayList<>();
    for (String[] q : QUESTIONS) {
      Answer answer = engine.answer(SHOP, q[0], List.of());
      int r = rank(answer.sources().stream().map(Source::documentId).toList(), q[1]);
      LOG.info("rank {} conf {} for '{}'", r, String.format("%.2f", answer.confidence()), q[0]);
      ranks.add(r);
    }

    assertQuality("hybrid", ranks);
  }

  @Test
  void hashingEmbeddingsAloneFindTheRightArticle() {
    List<Integer> ranks = new ArrayList<>();
    for (String[] q : QUESTIONS) {
      List<String> ids = vectors.search(SHOP, embedder.embed(q[0]), 8).stream()
          .map(h -> h.chunkId().substring(0, h.chunkId().lastIndexOf('#'))).toList();
      ranks.add(rank(ids, q[1]));
    }

    assertQuality("vector only", ranks);
  }

  @Test
  void unrelatedQuestionsGetLowOrNoConfidence() {
    Set<String> unrelated = Set.of("What is the capital of France?",
        "Who won the football match yesterday?", "Is the moon made of cheese?",
        "What's the weather like tomorrow?", "hello", "thanks!");

    for (String q : unrelated) {
      assertThat(engine.answer(SHOP, q, List.of()).confidence()).as(q).isLessThan(0.4);
    }
  }
}
