package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.telegram.TelegramText.ParseMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelegramTextTest {

  @Test
  void shortTextIsOnePart() {
    assertThat(TelegramText.split("  Hello there.  ", 4096)).containsExactly("Hello there.");
  }

  @Test
  void splitsAtParagraphBoundariesFirst() {
    String first = "a".repeat(3000);
    String second = "b".repeat(3000);
    List<String> parts = TelegramText.split(first + "\n\n" + second, 4096);
    assertThat(parts).containsExactly(first, second);
  }

  @Test
  void splitsAtSentenceEndsWhenAParagraphIsTooLong() {
    String sentence = "This sentence is about forty characters. ";
    String text = sentence.repeat(150).strip(); // ~6,150 characters, no line breaks
    List<String> parts = TelegramText.split(text, 4096);
    assertThat(parts).hasSize(2);
    assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(4096));
    assertThat(parts.get(0)).endsWith("characters.");
    assertThat(String.join(" ", parts)).isEqualTo(text);
  }

  @Test
  void hardCutNeverSplitsASurrogatePair() {
    String text = "x".repeat(4095) + "😀" + "y".repeat(10);
    List<String> parts = TelegramText.split(text, 4096);
    assertThat(parts.get(0)).hasSize(4095);
    assertThat(parts.get(1)).startsWith("😀");
    assertThat(String.join("", parts)).isEqualTo(text);
  }

  @Test
  void everyPartFitsAndNoCharacterIsLost() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append("word").append(i).append(i % 17 == 0 ? ".\n" : i % 5 == 0 ? ", " : " ");
    }
    String text = sb.toString().strip();
    List<String> parts = TelegramText.split(text, 1000);
    assertThat(parts).allSatisfy(p -> assertThat(p.length()).isBetween(1, 1000));
    assertThat(String.join("", parts).replaceAll("\\s", ""))
        .isEqualTo(text.replaceAll("\\s", ""));
  }

  @Test
  void escapesEveryMarkdownV2SpecialCharacter() {
    assertThat(TelegramText.escapeMarkdownV2("_*[]()~`>#+-=|{}.!\\"))
        .isEqualTo("\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\");
    assertThat(TelegramText.escapeMarkdownV2("Price: 5.99 (incl. VAT) - ok!"))
        .isEqualTo("Price: 5\\.99 \\(incl\\. VAT\\) \\- ok\\!");
  }

  @Test
  void escapesHtmlEntities() {
    assertThat(TelegramText.escapeHtml("a < b && c > \"d\""))
        .isEqualTo("a &lt; b &amp;&amp; c &gt; \"d\"");
  }

  @Test
  void noParseModeLeavesTextUntouched() {
    String text = "**bold** and 5.99 <b>";
    assertThat(TelegramText.render(text, ParseMode.NONE)).isEqualTo(text);
  }

  @Test
  void rendersTheMarkdownSubsetAsMarkdownV2() {
    String text = "Returns take **30 days**. Run `order-status 12` or see "
        + "[the policy](https://example.com/returns_(eu)). Total: 5.99!";
    assertThat(TelegramText.render(text, ParseMode.MARKDOWN_V2)).isEqualTo(
        "Returns take *30 days*\\. Run `order-status 12` or see "
            + "[the policy](https://example.com/returns_(eu)\\)\\. Total: 5\\.99\\!");
  }

  @Test
  void escapesLinkLabelsButNotPlainUrlCharacters() {
    assertThat(TelegramText.render("[v1.2 notes!](https://x.io/a-b_c?d=e)", ParseMode.MARKDOWN_V2))
        .isEqualTo("[v1\\.2 notes\\!](https://x.io/a-b_c?d=e)");
  }

  @Test
  void rendersCodeBlocksWithOnlyBacktickAndBackslashEscaped() {
    String text = "```java\nif (a.b() > 1) { x = \"`\\\"; }\n```";
    assertThat(TelegramText.render(text, ParseMode.MARKDOWN_V2))
        .isEqualTo("```java\nif (a.b() > 1) { x = \"\\`\\\\\"; }\n```");
    assertThat(TelegramText.render(text, ParseMode.HTML)).isEqualTo(
        "<pre><code class=\"language-java\">if (a.b() &gt; 1) { x = \"`\\\"; }\n</code></pre>");
  }

  @Test
  void rendersTheMarkdownSubsetAsHtml() {
    String text = "**Note** <script> & [docs](https://example.com/?a=1&b=\"2\") `x<y`";
    assertThat(TelegramText.render(text, ParseMode.HTML)).isEqualTo(
        "<b>Note</b> &lt;script&gt; &amp; <a href=\"https://example.com/?a=1&amp;b=&quot;2&quot;\">"
            + "docs</a> <code>x&lt;y</code>");
  }

  @Test
  void unbalancedMarkersStayLiteral() {
    assertThat(TelegramText.render("2 ** 3 and a `tick and [x](ftp://no)", ParseMode.MARKDOWN_V2))
        .isEqualTo("2 \\*\\* 3 and a \\`tick and \\[x\\]\\(ftp://no\\)");
    assertThat(TelegramText.render("** spaced **", ParseMode.HTML)).isEqualTo("** spaced **");
  }
}
