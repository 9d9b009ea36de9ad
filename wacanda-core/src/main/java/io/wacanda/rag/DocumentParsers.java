package io.wacanda.rag;

import io.wacanda.WacandaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable, ordered set of {@link DocumentParser}s; the first that {@linkplain
 * DocumentParser#supports(String) supports} a document's media type parses it. Thread-safe.
 *
 * <pre>{@code
 * DocumentParsers parsers = DocumentParsers.defaults().with(new MyPdfParser());
 * }</pre>
 */
public final class DocumentParsers {

  private static final Map<String, String> EXTENSIONS = Map.of(
      "txt", "text/plain",
      "text", "text/plain",
      "md", "text/markdown",
      "markdown", "text/markdown",
      "html", "text/html",
      "htm", "text/html",
      "xhtml", "text/html",
      "pdf", "application/pdf");

  private static final DocumentParsers DEFAULTS = new DocumentParsers(List.of(
      DocumentParser.plainText(), DocumentParser.markdown(), DocumentParser.html()));

  private final List<DocumentParser> parsers;

  private DocumentParsers(List<DocumentParser> parsers) {
    this.parsers = List.copyOf(parsers);
  }

  /** Plain text, Markdown and HTML. */
  public static DocumentParsers defaults() {
    return DEFAULTS;
  }

  /** Exactly these parsers, tried in order. */
  public static DocumentParsers of(DocumentParser... parsers) {
    List<DocumentParser> list = new ArrayList<>(parsers.length);
    for (DocumentParser p : parsers) {
      list.add(Objects.requireNonNull(p, "parser"));
    }
    return new DocumentParsers(list);
  }

  /** A copy with {@code parser} tried before the parsers already here. */
  public DocumentParsers with(DocumentParser parser) {
    Objects.requireNonNull(parser, "parser");
    List<DocumentParser> list = new ArrayList<>(parsers.size() + 1);
    list.add(parser);
    list.addAll(parsers);
    return new DocumentParsers(list);
  }

  /** The parsers, in the order they are tried. */
  public List<DocumentParser> parsers() {
    return parsers;
  }

  /**
   * The first parser for a media type; parameters ({@code ; charset=utf-8}) and case are ignored.
   */
  public Optional<DocumentParser> parserFor(String mediaType) {
    String type = baseType(mediaType);
    for (DocumentParser p : parsers) {
      if (p.supports(type)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a document with the parser for its media type.
   *
   * @throws WacandaException {@code INVALID_REQUEST} when no parser reads the media type
   */
  public ParsedDocument parse(Document document) {
    DocumentParser parser = parserFor(document.mediaType()).orElseThrow(() ->
        WacandaException.invalid("no parser for media type '" + baseType(document.mediaType())
            + "' of document " + document.id() + "; supported by default: text/plain, "
            + "text/markdown, text/html"));
    return parser.parse(document);
  }

  /**
   * The media type for a file name by its extension: {@code .txt .text} plain text, {@code .md
   * .markdown} Markdown, {@code .html .htm .xhtml} HTML, {@code .pdf} PDF (read only when a PDF
   * parser, such as the {@code wacanda-documents-pdf} module's, is added); empty for anything
   * else.
   */
  public static Optional<String> mediaTypeFor(String fileName) {
    Objects.requireNonNull(fileName, "fileName");
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    String name = fileName.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      return Optional.empty();
    }
    return Optional.ofNullable(EXTENSIONS.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }

  static String baseType(String mediaType) {
    int semi = mediaType.indexOf(';');
    String base = semi >= 0 ? mediaType.substring(0, semi) : mediaType;
    return base.strip().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "DocumentParsers" + parsers;
  }
}
