package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextAnalyzerTest {

  @Test
  void stemsCommonEnglishInflectionsToOneForm() {
    assertThat(TextAnalyzer.stem("returns")).isEqualTo("return");
    assertThat(TextAnalyzer.stem("returned")).isEqualTo("return");
    assertThat(TextAnalyzer.stem("returning")).isEqualTo("return");
    assertThat(TextAnalyzer.stem("shipping")).isEqualTo("ship");
    assertThat(TextAnalyzer.stem("shipped")).isEqualTo("ship");
    assertThat(TextAnalyzer.stem("deliveries")).isEqualTo("delivery");
    assertThat(TextAnalyzer.stem("address")).isEqualTo("address");
    assertThat(TextAnalyzer.stem("addresses")).isEqualTo("address");
    assertThat(TextAnalyzer.stem("status")).isEqualTo("status");
    assertThat(TextAnalyzer.stem("bus")).isEqualTo("bus");
  }

  @Test
  void normalizesCaseAccentsAndCompatibilityForms() {
    assertThat(TextAnalyzer.normalize("Café ÉTÉ ﬁle")).isEqualTo("cafe ete file");
    assertThat(TextAnalyzer.words("don't stop—o'clock 3.5kg")).containsExactly(
        "dont", "stop", "oclock", "3", "5kg");
  }

  @Test
  void dropsStopwordsUnlessNothingElseIsLeft() {
    assertThat(TextAnalyzer.stems("How do I return an item?")).containsExactly("return", "item");
    assertThat(TextAnalyzer.terms("how do I", true)).extracting(TextAnalyzer.Term::surface)
        .containsExactly("how", "do", "i");
    assertThat(TextAnalyzer.terms("how do I", false)).isEmpty();
  }

  @Test
  void splitsSentencesButNotAbbreviationsDecimalsOrHardWraps() {
    assertThat(TextAnalyzer.sentences("""
        Returns are free, e.g. for shoes. Pay 3.50 € approx. once! Really? Yes.
        This line is hard wrapped in the middle of a long sentence that goes
        on here. And (this one ends in brackets.) Next.

        New paragraph""")).containsExactly(
        "Returns are free, e.g. for shoes.",
        "Pay 3.50 € approx. once!",
        "Really?",
        "Yes.",
        "This line is hard wrapped in the middle of a long sentence that goes on here.",
        "And (this one ends in brackets.)",
        "Next.",
        "New paragraph");
  }

  @Test
  void listItemsAndShortLinesAreSentencesOfTheirOwn() {
    assertThat(TextAnalyzer.sentences("We accept:\n- Visa\n- PayPal\n1. first\nShort line\nnext"))
        .containsExactly("We accept:", "- Visa", "- PayPal", "1. first", "Short line", "next");
  }

  @Test
  void keepsListNumbersWithTheirItemAndTableRowsApart() {
    assertThat(TextAnalyzer.sentences(
        "1. Sign in and open your orders today.\n2. Select the items.\n"
            + "Option | Delivery time taken by the courier in working days | Cost\n"
            + "Express delivery | next working day if ordered before noon | 7.95"))
        .containsExactly("1. Sign in and open your orders today.", "2. Select the items.",
            "Option | Delivery time taken by the courier in working days | Cost",
            "Express delivery | next working day if ordered before noon | 7.95");
    assertThat(TextAnalyzer.isListItem("2. Select")).isTrue();
    assertThat(TextAnalyzer.isListItem("- PayPal")).isTrue();
    assertThat(TextAnalyzer.isListItem("2024 was good")).isFalse();
  }
}
