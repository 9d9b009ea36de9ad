package io.wacanda.rag;

/**
 * Turns a {@link Document}'s raw content of one media type into plain-text sections under their
 * headings. Implementations are stateless and thread-safe. The built-ins are {@link #plainText()},
 * {@link #markdown()} and {@link #html()}; {@link DocumentParsers} picks one by media type.
 */
public interface DocumentParser {

  /**
   * Whether this parser reads the media type.
   *
   * @param mediaType lower case, without parameters ({@code text/html}, not {@code text/html;
   *     charset=utf-8})
   */
  boolean supports(String mediaType);

  /**
   * Parses the document. The title is the document's own title when it has one, else the title
   * the {@link Document} carries.
   *
   * @throws io.wacanda.WacandaException with {@code INVALID_REQUEST} if the content cannot be read
   */
  ParsedDocument parse(Document document);

  /** {@code text/plain}: one section, paragraphs separated by blank lines. */
  static DocumentParser plainText() {
    return PlainTextParser.INSTANCE;
  }

  /**
   * {@code text/markdown}: ATX ({@code #}) and setext headings make the heading path; YAML front
   * matter {@code title:} is the title, else the first level-1 heading; inline markup, links and
   * images are reduced to their text; lists and tables become text lines; fenced code is kept.
   */
  static DocumentParser markdown() {
    return MarkdownParser.INSTANCE;
  }

  /**
   * {@code text/html} (jsoup): the main content ({@code <main>}, {@code [role=main]}, a single
   * {@code <article>}, else {@code <body>}) without {@code nav}, {@code footer}, {@code script},
   * {@code style}, {@code aside}, page-level {@code header} and other non-content elements;
   * {@code h1..h6} make the heading path; list items and table rows become text lines.
   */
  static DocumentParser html() {
    return HtmlParser.INSTANCE;
  }
}
