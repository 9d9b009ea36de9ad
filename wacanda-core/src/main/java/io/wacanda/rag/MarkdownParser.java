package io.wacanda.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code text/markdown} to sections. A line-oriented reader covering what help-centre articles
 * use: front matter, ATX and setext headings, fenced code, lists, block quotes, tables, inline
 * emphasis, code, links and images. Thread-safe.
 */
final class MarkdownParser implements DocumentParser {
  static final MarkdownParser INSTANCE = new MarkdownParser();

  private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*#*[ \\t]*$");
  private static final Pattern SETEXT_1 = Pattern.compile("^ {0,3}=+[ \\t]*$");
  private static final Pattern SETEXT_2 = Pattern.compile("^ {0,3}-+[ \\t]*$");
  private static final Pattern RULE = Pattern.compile("^ {0,3}([-*_])(?:[ \\t]*\\1){2,}[ \\t]*$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+|~~~+).*$");
  private static final Pattern LIST_ITEM = Pattern.compile("^([ \\t]*)(?:[-*+]|(\\d{1,9})[.)])[ \\t]+(?:\\[[ xX]\\][ \\t]+)?(.*)$");
  private static final Pattern QUOTE = Pattern.compile("^[ \\t]{0,3}>[ \\t]?");
  private static final Pattern TABLE_SEPARATOR = Pattern.compile("^[ \\t]*\\|?[ \\t]*:?-{3,}:?[ \\t]*(?:\\|[ \\t]*:?-{3,}:?[ \\t]*)*\\|?[ \\t]*$");
  private static final Pattern LINK_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:[ \\t]*\\S+.*$");
  private static final Pattern FRONT_MATTER_TITLE = Pattern.compile("^title:[ \\t]*[\"']?(.*?)[\"']?[ \\t]*$");

  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\([^)]*\\)");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\([^)]*\\)");
  private static final Pattern REF_LINK = Pattern.compile("\\[([^\\]]+)\\]\\[[^\\]]*\\]");
  private static final Pattern AUTOLINK = Pattern.compile("<((?:https?|mailto):[^>\\s]+)>");
  private static final Pattern CODE = Pattern.compile("`+([^`]+)`+");
  private static final Pattern STRONG = Pattern.compile("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1");
  private static final Pattern EM_STAR = Pattern.compile("(?<![\\w*])\\*(?=\\S)(.+?)(?<=\\S)\\*(?![\\w*])");
  private static final Pattern EM_UNDERSCORE = Pattern.compile("(?<![\\w_])_(?=\\S)(.+?)(?<=\\S)_(?![\\w_])");
  private static final Pattern STRIKE = Pattern.compile("~~(.+?)~~");
  private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][^>]*>");
  private static final Pattern ESCAPE = Pattern.compile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|>~])");

  /** Start of the private-use block holding escaped ASCII punctuation while markup is removed. */
  private static final char ESCAPED_BASE = '\uE000';

  private MarkdownParser() {}

  @Override
  public boolean supports(String mediaType) {
    return "text/markdown".equals(mediaType) || "text/x-markdown".equals(mediaType);
  }

  @Override
  public ParsedDocument parse(Document document) {
    String[] lines = document.text().replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    Builder b = new Builder();
    int i = 0;
    String frontMatterTitle = "";
    if (lines.length > 0 && lines[0].strip().equals("---")) {
      for (int j = 1; j < lines.length; j++) {
        String l = lines[j].strip();
        if (l.equals("---") || l.equals("...")) {
          for (int k = 1; k < j; k++) {
            Matcher m = FRONT_MATTER_TITLE.matcher(lines[k].strip());
            if (m.matches()) {
              frontMatterTitle = m.group(1).strip();
            }
          }
          i = j + 1;
          break;
        }
      }
    }
    String fence = null;
    for (; i < lines.length; i++) {
      String line = lines[i];
      if (fence != null) {
        if (line.strip().startsWith(fence)) {
          fence = null;
          b.endParagraph();
        } else {
          b.line(line.stripTrailing());
        }
        continue;
      }
      Matcher fm = FENCE.matcher(line);
      if (fm.matches()) {
        b.endParagraph();
        fence = fm.group(1);
        continue;
      }
      if (line.isBlank()) {
        b.endParagraph();
        continue;
      }
      Matcher hm = ATX_HEADING.matcher(line);
      if (hm.matches()) {
        b.heading(hm.group(1).length(), inline(hm.group(2) == null ? "" : hm.group(2)));
        continue;
      }
      if (b.paragraphIsSingleLine() && SETEXT_1.matcher(line).matches()) {
        b.promoteLastLineToHeading(1);
        continue;
      }
      if (b.paragraphIsSingleLine() && SETEXT_2.matcher(line).matches()) {
        b.promoteLastLineToHeading(2);
        continue;
      }
      if (RULE.matcher(line).matches()) {
        b.endParagraph();
        continue;
      }
      if (LINK_DEFINITION.matcher(line).matches()
          || line.indexOf('|') >= 0 && TABLE_SEPARATOR.matcher(line).matches()) {
        continue;
      }
      String content = line;
      Matcher qm = QUOTE.matcher(content);
      while (qm.lookingAt()) {
        content = content.substring(qm.end());
        qm = QUOTE.matcher(content);
      }
      if (content.isBlank()) {
        b.endParagraph();
        continue;
      }
      Matcher lm = LIST_ITEM.matcher(content);
      if (lm.matches()) {
        String marker = lm.group(2) != null ? lm.group(2) + ". " : "- ";
        int indent = Math.min(lm.group(1).replace("\t", "    ").length() / 2, 4);
        b.line("  ".repeat(indent) + marker + inline(lm.group(3)));
        continue;
      }
      String trimmed = content.strip();
      if (trimmed.startsWith("|") && trimmed.length() > 1) {
        b.line(tableRow(trimmed));
        continue;
      }
      b.line(inline(trimmed));
    }
    b.endSection();
    String title = !document.title().isBlank() ? document.title()
        : !frontMatterTitle.isEmpty() ? frontMatterTitle : b.firstH1;
    return new ParsedDocument(title, b.sections);
  }

  private static String tableRow(String row) {
    String inner = row.substring(1);
    if (inner.endsWith("|")) {
      inner = inner.substring(0, inner.length() - 1);
    }
    String[] cells = inner.split("(?<!\\\\)\\|", -1);
    StringBuilder out = new StringBuilder();
    for (String cell : cells) {
      String c = inline(cell.strip());
      if (out.length() > 0) {
        out.append(" | ");
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Reduces inline markup to its text. Skips the work when no markup character is present. */
  static String inline(String s) {
    if (!hasMarkup(s)) {
      return s;
    }
    String out = protectEscapes(s);
    out = IMAGE.matcher(out).replaceAll("$1");
    out = LINK.matcher(out).replaceAll("$1");
    out = REF_LINK.matcher(out).replaceAll("$1");
    out = AUTOLINK.matcher(out).replaceAll("$1");
    out = CODE.matcher(out).replaceAll("$1");
    out = STRONG.matcher(out).replaceAll("$2");
    out = EM_STAR.matcher(out).replaceAll("$1");
    out = EM_UNDERSCORE.matcher(out).replaceAll("$1");
    out = STRIKE.matcher(out).replaceAll("$1");
    out = HTML_TAG.matcher(out).replaceAll("");
    return restoreEscapes(out);
  }

  /** Escaped punctuation becomes a private-use character so no markup pattern sees it. */
  private static String protectEscapes(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    Matcher m = ESCAPE.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      m.appendReplacement(out, "");
      out.append((char) (ESCAPED_BASE + m.group(1).charAt(0)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String restoreEscapes(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= ESCAPED_BASE && c < ESCAPED_BASE + 128) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        out.append((char) (c - ESCAPED_BASE));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  private static boolean hasMarkup(String s) {
    for (int i = 0; i < s.length(); i++) {
      switch (s.charAt(i)) {
        case '*', '_', '`', '[', '<', '~', '\\', '!':
          return true;
        default:
          break;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "MarkdownParser";
  }

  /** Accumulates sections; paragraphs end at blank lines, lines are list items or text. */
  private static final class Builder {
    final List<ParsedDocument.Section> sections = new ArrayList<>();
    final String[] headings = new String[6];
    final StringBuilder text = new StringBuilder();
    final List<String> paragraph = new ArrayList<>();
    String firstH1 = "";

    void line(String line) {
      paragraph.add(line);
    }

    boolean paragraphIsSingleLine() {
      return paragraph.size() == 1 && !paragraph.get(0).startsWith("- ");
    }

    void promoteLastLineToHeading(int level) {
      String heading = paragraph.remove(0);
      heading(level, heading.strip());
    }

    void endParagraph() {
      if (paragraph.isEmpty()) {
        return;
      }
      String joined = String.join("\n", paragraph).strip();
      paragraph.clear();
      if (joined.isEmpty()) {
        return;
      }
      if (text.length() > 0) {
        text.append("\n\n");
      }
      text.append(joined);
    }

    void heading(int level, String heading) {
      endSection();
      if (level == 1 && firstH1.isEmpty()) {
        firstH1 = heading;
      }
      headings[level - 1] = heading;
      for (int l = level; l < headings.length; l++) {
        headings[l] = null;
      }
    }

    void endSection() {
      endParagraph();
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
    }
  }
}
