package io.wacanda.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text for Telegram: splitting at the 4,096-character limit, and rendering the engine's plain,
 * Markdown-flavoured replies for a {@code parse_mode}.
 *
 * <p>Rendering keeps a small, unambiguous subset of Markdown that answers commonly carry
 * ({@code **bold**}, {@code `code`}, fenced {@code ```code blocks```}, {@code [label](https://...)})
 * and escapes everything else, so any text renders as written and Telegram never refuses it with
 * "can't parse entities". Unbalanced markers stay literal. Stateless.
 */
final class TelegramText {
  /** Telegram's limit for one message, in UTF-16 code units after entity parsing. */
  static final int MAX_MESSAGE = 4096;
  /** Telegram's limit for a media caption. */
  static final int MAX_CAPTION = 1024;

  private static final String MARKDOWN_V2_SPECIAL = "_*[]()~`>#+-=|{}.!\\";
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?…。](\\s)");
  private static final Pattern LINK =
      Pattern.compile("\\[([^\\]\\n]{1,1000})\\]\\((https?://[^\\s)]{1,2000})\\)");
  private static final Pattern LANGUAGE = Pattern.compile("^([A-Za-z0-9_+#-]{1,32})\\n");

  private TelegramText() {}

  /** How a text is marked up on the wire. */
  enum ParseMode {
    NONE(""), MARKDOWN_V2("MarkdownV2"), HTML("HTML");

    final String wire;

    ParseMode(String wire) {
      this.wire = wire;
    }

    static ParseMode fromSetting(String value) {
      if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) {
        return NONE;
      }
      if (value.equalsIgnoreCase("MarkdownV2")) {
        return MARKDOWN_V2;
      }
      if (value.equalsIgnoreCase("HTML")) {
        return HTML;
      }
      throw new IllegalArgumentException("unknown parse_mode " + value);
    }
  }

  // ------------------------------------------------------------------ splitting

  /**
   * Splits text into parts of at most {@code max} UTF-16 units, preferring paragraph breaks, then
   * line breaks, then sentence ends, then spaces; never splits a surrogate pair; drops no
   * non-whitespace character. A text that fits comes back as one part.
   */
  static List<String> split(String text, int max) {
    if (max < 16) {
      throw new IllegalArgumentException("max must be >= 16, was " + max);
    }
    List<String> parts = new ArrayList<>();
    String rest = text.strip();
    while (rest.length() > max) {
      int cut = lastBreak(rest, max);
      String part = rest.substring(0, cut).strip();
      if (!part.isEmpty()) {
        parts.add(part);
      }
      rest = rest.substring(cut).strip();
    }
    if (!rest.isEmpty() || parts.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }

  private static int lastBreak(String s, int max) {
    String window = s.substring(0, max + 1 <= s.length() ? max + 1 : max);
    int minUseful = max / 3;
    int p = window.lastIndexOf("\n\n", max);
    if (p >= minUseful) {
      return p;
    }
    p = window.lastIndexOf('\n', max);
    if (p >= minUseful) {
      return p;
    }
    int sentence = -1;
    Matcher m = SENTENCE_END.matcher(window);
    while (m.find()) {
      if (m.start(1) <= max) {
        sentence = m.start(1);
      }
    }
    if (sentence >= minUseful) {
      return sentence;
    }
    p = window.lastIndexOf(' ', max);
    if (p >= minUseful) {
      return p;
    }
    int cut = max;
    if (Character.isHighSurrogate(s.charAt(cut - 1)) && Character.isLowSurrogate(s.charAt(cut))) {
      cut--;
    }
    return cut;
  }

  // ------------------------------------------------------------------ rendering

  /** Renders text for the parse mode; {@link ParseMode#NONE} returns it unchanged. */
  static String render(String text, ParseMode mode) {
    if (mode == ParseMode.NONE) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (text.startsWith("```", i)) {
        int end = text.indexOf("```", i + 3);
        if (end > i + 3) {
          String body = text.substring(i + 3, end);
          String language = "";
          Matcher lang = LANGUAGE.matcher(body);
          if (lang.find()) {
            language = lang.group(1);
            body = body.substring(lang.end());
          }
          pre(out, body, language, mode);
          i = end + 3;
          continue;
        }
      } else if (text.charAt(i) == '`') {
        int end = text.indexOf('`', i + 1);
        int newline = text.indexOf('\n', i + 1);
        if (end > i + 1 && (newline < 0 || newline > end)) {
          code(out, text.substring(i + 1, end), mode);
          i = end + 1;
          continue;
        }
      } else if (text.startsWith("**", i)) {
        int end = text.indexOf("**", i + 2);
        if (end > i + 2) {
          String inner = text.substring(i + 2, end);
          if (!Character.isWhitespace(inner.charAt(0))
              && !Character.isWhitespace(inner.charAt(inner.length() - 1))
              && inner.indexOf('\n') < 0) {
            bold(out, inner, mode);
            i = end + 2;
            continue;
          }
        }
      } else if (text.charAt(i) == '[') {
        Matcher link = LINK.matcher(text);
        link.region(i, n);
        if (link.lookingAt()) {
          link(out, link.group(1), link.group(2), mode);
          i = link.end();
          continue;
        }
      }
      literal(out, text.charAt(i), mode);
      i++;
    }
    return out.toString();
  }

  /** Escapes text so it renders literally in MarkdownV2. */
  static String escapeMarkdownV2(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      literal(out, text.charAt(i), ParseMode.MARKDOWN_V2);
    }
    return out.toString();
  }

  /** Escapes text so it renders literally in HTML mode. */
  static String escapeHtml(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      literal(out, text.charAt(i), ParseMode.HTML);
    }
    return out.toString();
  }

  private static void literal(StringBuilder out, char c, ParseMode mode) {
    if (mode == ParseMode.MARKDOWN_V2) {
      if (MARKDOWN_V2_SPECIAL.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    } else {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        default -> out.append(c);
      }
    }
  }

  private static void bold(StringBuilder out, String inner, ParseMode mode) {
    if (mode == ParseMode.MARKDOWN_V2) {
      out.append('*').append(escapeMarkdownV2(inner)).append('*');
    } else {
      out.append("<b>").append(escapeHtml(inner)).append("</b>");
    }
  }

  private static void code(StringBuilder out, String inner, ParseMode mode) {
    if (mode == ParseMode.MARKDOWN_V2) {
      out.append('`').append(escapeCode(inner)).append('`');
    } else {
      out.append("<code>").append(escapeHtml(inner)).append("</code>");
    }
  }

  private static void pre(StringBuilder out, String body, String language, ParseMode mode) {
    if (mode == ParseMode.MARKDOWN_V2) {
      out.append("```").append(language).append('\n').append(escapeCode(body)).append("```");
    } else if (language.isEmpty()) {
      out.append("<pre>").append(escapeHtml(body)).append("</pre>");
    } else {
      out.append("<pre><code class=\"language-")
          .append(escapeHtml(language.toLowerCase(Locale.ROOT))).append("\">")
          .append(escapeHtml(body)).append("</code></pre>");
    }
  }

  private static void link(StringBuilder out, String label, String url, ParseMode mode) {
    if (mode == ParseMode.MARKDOWN_V2) {
      out.append('[').append(escapeMarkdownV2(label)).append("](")
          .append(url.replace("\\", "\\\\").replace(")", "\\)")).append(')');
    } else {
      out.append("<a href=\"").append(escapeHtml(url).replace("\"", "&quot;")).append("\">")
          .append(escapeHtml(label)).append("</a>");
    }
  }

  /** Inside {@code code} and {@code pre} entities only {@code `} and {@code \} are escaped. */
  private static String escapeCode(String s) {
    return s.replace("\\", "\\\\").replace("`", "\\`");
  }
}
