package io.wacanda.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Elements;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * {@code text/html} to sections with jsoup. Keeps the main content, drops navigation and chrome,
 * turns headings into the heading path and lists and tables into text lines. Thread-safe.
 */
final class HtmlParser implements DocumentParser {
  static final HtmlParser INSTANCE = new HtmlParser();

  /**
   * Never content. A {@code header} inside {@code main} or {@code article} is kept (it often holds
   * the h1); forms are kept because some sites wrap the whole page in one.
   */
  private static final String NOT_CONTENT = "nav, footer, script, style, aside, noscript, "
      + "template, svg, canvas, iframe, object, embed, button, select, dialog, [hidden], "
      + "[aria-hidden=true], [role=navigation], [role=banner], [role=contentinfo], "
      + "[role=search]";

  private static final Set<String> PARAGRAPH_BLOCKS = Set.of("p", "div", "section", "article",
      "main", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "address", "details",
      "body", "hr", "fieldset");
  private static final Set<String> LINE_BLOCKS = Set.of("li", "tr", "dt", "dd", "br",
      "figcaption", "summary", "caption", "thead", "tbody", "tfoot");

  private HtmlParser() {}

  @Override
  public boolean supports(String mediaType) {
    return "text/html".equals(mediaType) || "application/xhtml+xml".equals(mediaType);
  }

  @Override
  public ParsedDocument parse(Document document) {
    org.jsoup.nodes.Document html = Jsoup.parse(document.text(), document.source());
    String pageTitle = html.title().strip();
    html.select(NOT_CONTENT).remove();
    for (Element header : html.select("header")) {
      if (header.closest("main, article, [role=main]") == null) {
        header.remove();
      }
    }
    Element root = mainContent(html);
    Walker walker = new Walker();
    NodeTraversor.filter(walker, root);
    walker.endSection();
    String title = !document.title().isBlank() ? document.title()
        : !pageTitle.isEmpty() ? pageTitle : walker.firstH1;
    return new ParsedDocument(title, walker.sections);
  }

  private static Element mainContent(org.jsoup.nodes.Document html) {
    Element main = html.selectFirst("main, [role=main]");
    if (main != null) {
      return main;
    }
    Elements articles = html.select("article");
    if (articles.size() == 1) {
      return articles.first();
    }
    return html.body();
  }

  @Override
  public String toString() {
    return "HtmlParser";
  }

  private static final class Walker implements NodeFilter {
    final List<ParsedDocument.Section> sections = new ArrayList<>();
    final String[] headings = new String[6];
    final StringBuilder text = new StringBuilder();
    final StringBuilder line = new StringBuilder();
    String firstH1 = "";
    int preDepth;
    boolean pendingParagraph;

    @Override
    public FilterResult head(Node node, int depth) {
      if (node instanceof TextNode t) {
        appendText(t.getWholeText());
        return FilterResult.CONTINUE;
      }
      if (!(node instanceof Element e)) {
        return FilterResult.CONTINUE;
      }
      String tag = e.normalName();
      int level = headingLevel(tag);
      if (level > 0) {
        endSection();
        String heading = e.text().strip();
        if (level == 1 && firstH1.isEmpty()) {
          firstH1 = heading;
        }
        headings[level - 1] = heading;
        for (int l = level; l < headings.length; l++) {
          headings[l] = null;
        }
        return FilterResult.SKIP_ENTIRELY;
      }
      switch (tag) {
        case "li" -> {
          endLine();
          Element parent = e.parent();
          if (parent != null && parent.normalName().equals("ol")) {
            line.append(e.elementSiblingIndex() + 1).append(". ");
          } else {
            line.append("- ");
          }
        }
        case "td", "th" -> {
          if (line.length() > 0) {
            line.append(" | ");
          }
        }
        case "img" -> {
          String alt = e.attr("alt").strip();
          if (!alt.isEmpty()) {
            appendText(alt);
          }
        }
        case "pre" -> {
          endParagraph();
          preDepth++;
        }
        default -> {
          if (PARAGRAPH_BLOCKS.contains(tag)) {
            endParagraph();
          } else if (LINE_BLOCKS.contains(tag)) {
            endLine();
          }
        }
      }
      return FilterResult.CONTINUE;
    }

    @Override
    public FilterResult tail(Node node, int depth) {
      if (node instanceof Element e) {
        String tag = e.normalName();
        if (tag.equals("pre")) {
          preDepth--;
          endParagraph();
        } else if (PARAGRAPH_BLOCKS.contains(tag)) {
          endParagraph();
        } else if (LINE_BLOCKS.contains(tag)) {
          endLine();
        }
      }
      return FilterResult.CONTINUE;
    }

    private static int headingLevel(String tag) {
      if (tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6') {
        return tag.charAt(1) - '0';
      }
      return 0;
    }

    private void appendText(String raw) {
      if (preDepth > 0) {
        for (int i = 0; i < raw.length(); i++) {
          char c = raw.charAt(i);
          if (c == '\n') {
            endLine();
          } else {
            line.append(c);
          }
        }
        return;
      }
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (Character.isWhitespace(c) || c == '\u00a0') {
          if (line.length() > 0 && line.charAt(line.length() - 1) != ' ') {
            line.append(' ');
          }
        } else {
          line.append(c);
        }
      }
    }

    private void endLine() {
      String l = line.toString().strip();
      line.setLength(0);
      if (l.isEmpty() || l.equals("-") || l.equals("|")) {
        return;
      }
      if (text.length() > 0) {
        text.append(pendingParagraph ? "\n\n" : "\n");
      }
      pendingParagraph = false;
      text.append(l);
    }

    private void endParagraph() {
      endLine();
      if (text.length() > 0) {
        pendingParagraph = true;
      }
    }

    void endSection() {
      endLine();
      if (text.length() > 0) {
        List<String> path = new ArrayList<>();
        for (String h : headings) {
          if (h != null && !h.isEmpty()) {
            path.add(h);
          }
        }
        sections.add(new ParsedDocument.Section(path, text.toString()));
        text.setLength(0);
      }
      pendingParagraph = false;
    }
  }
}
