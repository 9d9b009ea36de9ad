package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownParserTest {

  private static ParsedDocument parse(String markdown) {
    return DocumentParser.markdown().parse(Document.of("doc", "", "", "text/markdown", markdown));
  }

  @Test
  void headingsBecomeTheHeadingPathOfTheTextBelowThem() {
    ParsedDocument parsed = parse("""
        Intro before any heading.

        # Returns
        You can return items within 30 days.

        ## Refunds
        Refunds take 5 days.

        ### Card refunds ###
        Cards take longer.

        ## Exchanges
        Exchange for another size.
        """);

    assertThat(parsed.sections()).extracting(ParsedDocument.Section::heading).containsExactly(
        "", "Returns", "Returns > Refunds", "Returns > Refunds > Card refunds",
        "Returns > Exchanges");
    assertThat(parsed.sections().get(4).text()).isEqualTo("Exchange for another size.");
    assertThat(parsed.sections().get(0).headingPath()).isEmpty();
  }

  @Test
  void titleIsTheFirstLevelOneHeading() {
    assertThat(parse("## Sub\ntext\n# Main title\nmore").title()).isEqualTo("Main title");
  }

  @Test
  void titleFromFrontMatterWinsAndFrontMatterIsNotText() {
    ParsedDocument parsed = parse("""
        ---
        title: "Shipping options"
        tags: [shipping]
        ---
        # Shipping
        We ship worldwide.
        """);

    assertThat(parsed.title()).isEqualTo("Shipping options");
    assertThat(parsed.sections()).hasSize(1);
    assertThat(parsed.sections().get(0).text()).isEqualTo("We ship worldwide.");
  }

  @Test
  void titleGivenWithTheDocumentWins() {
    ParsedDocument parsed = DocumentParser.markdown().parse(
        Document.of("doc", "Given", "", "text/markdown", "# Own\ntext"));

    assertThat(parsed.title()).isEqualTo("Given");
  }

  @Test
  void inlineMarkupIsReducedToItsText() {
    ParsedDocument parsed = parse("Read **the** [returns policy](https://x.test/returns), "
        + "use `RETURN30` and _do not_ ship ~~cash~~ ![box](box.png) <b>ever</b> \\*really\\*.");

    assertThat(parsed.sections().get(0).text()).isEqualTo(
        "Read the returns policy, use RETURN30 and do not ship cash box ever *really*.");
  }

  @Test
  void keepsSnakeCaseAndArithmetic() {
    assertThat(parse("Set order_id and 2 * 3 * 4.").sections().get(0).text())
        .isEqualTo("Set order_id and 2 * 3 * 4.");
  }

  @Test
  void listsAndTablesBecomeTextLines() {
    ParsedDocument parsed = parse("""
        # Payment
        We accept:
        * Visa
        + Mastercard
        1. PayPal
        - [x] Gift cards

        | Method | Fee |
        |:-------|----:|
        | Card   | 0 € |
        | PayPal | 1 € |
        """);

    assertThat(parsed.sections().get(0).text()).isEqualTo("""
        We accept:
        - Visa
        - Mastercard
        1. PayPal
        - Gift cards

        Method | Fee
        Card | 0 €
        PayPal | 1 €""");
  }

  @Test
  void fencedCodeIsKeptAndItsHashLinesAreNotHeadings() {
    ParsedDocument parsed = parse("""
        # API
        Call it like this:
        ```bash
        # not a heading
        curl https://x.test
        ```
        Done.
        """);

    assertThat(parsed.sections()).hasSize(1);
    assertThat(parsed.sections().get(0).text())
        .isEqualTo("Call it like this:\n\n# not a heading\ncurl https://x.test\n\nDone.");
  }

  @Test
  void setextHeadingsAndRulesAreRecognised() {
    ParsedDocument parsed = parse("""
        Orders
        ======
        Track your order.

        Cancelling
        ----------
        Cancel within an hour.

        ***

        Still cancelling.
        """);

    assertThat(parsed.title()).isEqualTo("Orders");
    assertThat(parsed.sections()).extracting(ParsedDocument.Section::heading)
        .containsExactly("Orders", "Orders > Cancelling");
    assertThat(parsed.sections().get(1).text()).isEqualTo("Cancel within an hour.\n\nStill cancelling.");
  }

  @Test
  void blockQuotesAndHashtagsAreText() {
    ParsedDocument parsed = parse("> Note: #1 seller\n> of socks\n\n#hashtag stays");

    assertThat(parsed.sections()).containsExactly(new ParsedDocument.Section(List.of(),
        "Note: #1 seller\nof socks\n\n#hashtag stays"));
  }
}
