package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {

  private static final TenantId T = TenantId.of("t");
  private final ExtractiveAnswerer answerer = new ExtractiveAnswerer();

  private static ExtractiveAnswerer.Passage passage(String doc, String title, String text,
      double score) {
    KnowledgeChunk chunk = new KnowledgeChunk(doc + "#0", T, doc, 0, "", text, new float[] {1});
    return new ExtractiveAnswerer.Passage(ChunkEntry.of(chunk, title, doc, java.util.Map.of()), score);
  }

  private String answer(String question, ExtractiveAnswerer.Passage... passages) {
    return answerer.answer(TextAnalyzer.stems(question), List.of(passages), stem -> 1.0);
  }

  @Test
  void quotesTheBestSentenceAndTheNextOneSayingWhereItComesFrom() {
    String text = answer("how do I return an item", passage("returns", "Returns policy",
        "We love our customers. You can return items within 30 days. Items must be unused. "
            + "Shipping is free.", 0.5));

    assertThat(text).isEqualTo("""
        Here is what I found in our help centre:

        You can return items within 30 days. Items must be unused.

        Source: Returns policy""");
  }

  @Test
  void saysItDoesNotKnowWithoutPassages() {
    assertThat(answerer.answer(List.of("refund"), List.of(), s -> 1.0))
        .isEqualTo(ExtractiveAnswerer.DEFAULT_NO_ANSWER).contains("don't know");
  }

  @Test
  void quotesAListWithTheLineIntroducingIt() {
    String text = answer("can I pay with paypal", passage("pay", "Payment methods",
        "Payments are secure.\n\nYou can pay with:\n- Visa\n- PayPal\n- Klarna\n\nThanks.", 0.4));

    assertThat(text).isEqualTo("""
        Here is what I found in our help centre:

        You can pay with:
        - Visa
        - PayPal
        - Klarna

        Source: Payment methods""");
  }

  @Test
  void quotesATableRowWithItsHeader() {
    String text = answer("express delivery cost", passage("ship", "Shipping",
        "Option | Days | Cost\nStandard | 3 | £4\nExpress delivery | 1 | £8", 0.4));

    assertThat(text).contains("Option | Days | Cost\nExpress delivery | 1 | £8")
        .doesNotContain("Standard");
  }

  @Test
  void addsAnotherPassageOnlyWhenItCoversTheQuestion() {
    ExtractiveAnswerer.Passage top = passage("refunds", "Refunds",
        "Refunds reach your card in 5 days.", 0.5);
    ExtractiveAnswerer.Passage helpful = passage("paypal", "PayPal",
        "PayPal refunds reach you within a day.", 0.3);
    ExtractiveAnswerer.Passage unrelated = passage("gift", "Gift cards",
        "Gift cards last two years.", 0.3);

    assertThat(answer("refund card paypal", top, helpful))
        .contains("Refunds reach your card in 5 days.\nPayPal refunds reach you within a day.")
        .endsWith("Sources: Refunds; PayPal");
    assertThat(answer("refund card paypal", top, unrelated))
        .doesNotContain("Gift").endsWith("Source: Refunds");
  }

  @Test
  void staysWithinTheCharacterBudget() {
    ExtractiveAnswerer small = new ExtractiveAnswerer("Intro:", "No.", 3, 60);
    String longSentence = "Returns are accepted " + "for a long time ".repeat(5) + "indeed.";

    String text = small.answer(List.of("return"), List.of(passage("r", "R",
        "Returns are free. " + longSentence, 0.5)), s -> 1.0);

    assertThat(text).isEqualTo("Intro:\n\nReturns are free.\n\nSource: R");
  }
}
