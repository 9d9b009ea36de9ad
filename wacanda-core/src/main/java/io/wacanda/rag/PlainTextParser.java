package io.wacanda.rag;

import java.util.List;

/** {@code text/plain}: one untitled section. Thread-safe. */
final class PlainTextParser implements DocumentParser {
  static final PlainTextParser INSTANCE = new PlainTextParser();

  private PlainTextParser() {}

  @Override
  public boolean supports(String mediaType) {
    return "text/plain".equals(mediaType);
  }

  @Override
  public ParsedDocument parse(Document document) {
    String text = document.text().replace("\r\n", "\n").replace('\r', '\n').strip();
    List<ParsedDocument.Section> sections = text.isEmpty()
        ? List.of()
        : List.of(new ParsedDocument.Section(List.of(), text));
    return new ParsedDocument(document.title(), sections);
  }

  @Override
  public String toString() {
    return "PlainTextParser";
  }
}
