package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlParserTest {

  private static ParsedDocument parse(String html) {
    return DocumentParser.html().parse(
        Document.of("page", "", "https://help.example.test/page", "text/html", html));
  }

  @Test
  void keepsMainContentAndDropsNavigationAndChrome() {
    ParsedDocument parsed = parse("""
        <html><head><title>Returns | Help</title><style>p{color:red}</style></head>
        <body>
          <header><a href="/">Home</a> Logo</header>
          <nav><ul><li>Orders</li><li>Shipping</li></ul></nav>
          <h1>Returns</h1>
          <p>You can return items within <b>30 days</b>.</p>
          <aside>Related: gift cards</aside>
          <script>track('x')</script>
          <noscript>Enable JS</noscript>
          <footer>© Shop</footer>
        </body></html>
        """);

    assertThat(parsed.title()).isEqualTo("Returns | Help");
    assertThat(parsed.sections()).hasSize(1);
    assertThat(parsed.sections().get(0).heading()).isEqualTo("Returns");
    assertThat(parsed.sections().get(0).text()).isEqualTo("You can return items within 30 days.");
  }

  @Test
  void prefersTheMainElementAndKeepsItsArticleHeader() {
    ParsedDocument parsed = parse("""
        <body><div>Cookie banner text</div>
        <main><article><header><h1>Shipping</h1></header>
        <p>We ship in 2 days.</p></article></main></body>
        """);

    assertThat(parsed.title()).isEqualTo("Shipping");
    assertThat(parsed.sections()).singleElement().satisfies(s -> {
      assertThat(s.heading()).isEqualTo("Shipping");
      assertThat(s.text()).isEqualTo("We ship in 2 days.");
    });
  }

  @Test
  void headingsMakeTheHeadingPath() {
    ParsedDocument parsed = parse("""
        <h1>Payments</h1><p>Intro.</p>
        <h2>Cards</h2><p>Visa.</p>
        <h3>Declined</h3><p>Call your bank.</p>
        <h2>Invoices</h2><div>Download them.</div>
        """);

    assertThat(parsed.sections()).extracting(ParsedDocument.Section::heading).containsExactly(
        "Payments", "Payments > Cards", "Payments > Cards > Declined", "Payments > Invoices");
    assertThat(parsed.sections()).extracting(ParsedDocument.Section::text)
        .containsExactly("Intro.", "Visa.", "Call your bank.", "Download them.");
  }

  @Test
  void rendersListsAndTablesAsTextLines() {
    ParsedDocument parsed = parse("""
        <h2>Delivery</h2>
        <p>Options:</p>
        <ul><li>Standard</li><li>Express <em>(fast)</em></li></ul>
        <ol><li>Pick</li><li>Pay</li></ol>
        <table><tr><th>Zone</th><th>Days</th></tr>
        <tr><td>EU</td><td>3</td></tr><tr><td>World</td><td>7</td></tr></table>
        <p>Line one<br>line two</p>
        """);

    assertThat(parsed.sections().get(0).text()).isEqualTo("""
        Options:

        - Standard
        - Express (fast)

        1. Pick
        2. Pay

        Zone | Days
        EU | 3
        World | 7

        Line one
        line two""");
  }

  @Test
  void fallsBackToTheFirstHeadingForTheTitle() {
    assertThat(parse("<h1>Accounts</h1><p>x</p>").title()).isEqualTo("Accounts");
  }

  @Test
  void collapsesWhiteSpaceButKeepsPreformattedLines() {
    ParsedDocument parsed = parse("<p>  a \n\t b&nbsp;c </p><pre>x  y\nz</pre>");

    assertThat(parsed.sections().get(0).text()).isEqualTo("a b c\n\nx  y\nz");
  }

  @Test
  void keepsContentOfPagesWrappedInAForm() {
    ParsedDocument parsed = parse("""
        <body><form id="aspnetForm"><div role="search"><input name="q"><button>Go</button></div>
        <h1>Gift cards</h1><p>Gift cards are valid for 24 months.</p></form></body>""");

    assertThat(parsed.sections()).singleElement().satisfies(s -> {
      assertThat(s.heading()).isEqualTo("Gift cards");
      assertThat(s.text()).isEqualTo("Gift cards are valid for 24 months.");
    });
  }
}
