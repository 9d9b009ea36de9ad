package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentParsersTest {

  private final DocumentParsers parsers = DocumentParsers.defaults();

  @Test
  void choosesParserByMediaTypeIgnoringParametersAndCase() {
    assertThat(parsers.parserFor("text/plain")).contains(DocumentParser.plainText());
    assertThat(parsers.parserFor("Text/Markdown; charset=UTF-8")).contains(DocumentParser.markdown());
    assertThat(parsers.parserFor(" text/html;charset=utf-8")).contains(DocumentParser.html());
    assertThat(parsers.parserFor("application/pdf")).isEmpty();
  }

  @Test
  void mapsKnownFileExtensionsToMediaTypes() {
    assertThat(DocumentParsers.mediaTypeFor("notes.txt")).contains("text/plain");
    assertThat(DocumentParsers.mediaTypeFor("faq/returns.md")).contains("text/markdown");
    assertThat(DocumentParsers.mediaTypeFor("GUIDE.MARKDOWN")).contains("text/markdown");
    assertThat(DocumentParsers.mediaTypeFor("C:\\kb\\shipping.html")).contains("text/html");
    assertThat(DocumentParsers.mediaTypeFor("index.htm")).contains("text/html");
    assertThat(DocumentParsers.mediaTypeFor("manual.PDF")).contains("application/pdf");
  }

  @Test
  void knowsNoMediaTypeForOtherFiles() {
    assertThat(DocumentParsers.mediaTypeFor("photo.png")).isEmpty();
    assertThat(DocumentParsers.mediaTypeFor("README")).isEmpty();
    assertThat(DocumentParsers.mediaTypeFor(".md")).isEmpty();
    assertThat(DocumentParsers.mediaTypeFor("trailing.")).isEmpty();
    assertThat(DocumentParsers.mediaTypeFor("dir.md/file")).isEmpty();
  }

  @Test
  void rejectsDocumentOfUnsupportedMediaTypeNamingIt() {
    Document pdf = Document.of("manual", "Manual", "", "application/pdf", "%PDF-1.7");

    assertThatThrownBy(() -> parsers.parse(pdf))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("application/pdf")
        .hasMessageContaining("manual");
  }

  @Test
  void triesAddedParserBeforeTheBuiltIns() {
    DocumentParser shouting = new DocumentParser() {
      @Override
      public boolean supports(String mediaType) {
        return mediaType.equals("text/plain");
      }

      @Override
      public ParsedDocument parse(Document document) {
        return new ParsedDocument("LOUD", List.of(new ParsedDocument.Section(List.of(),
            document.content().toUpperCase())));
      }
    };

    ParsedDocument parsed = parsers.with(shouting)
        .parse(Document.of("a", "", "", "text/plain", "hello"));

    assertThat(parsed.sections().get(0).text()).isEqualTo("HELLO");
    assertThat(DocumentParsers.of(DocumentParser.html()).parserFor("text/plain")).isEmpty();
  }

  @Test
  void plainTextIsOneUntitledSectionWithNormalizedLineBreaks() {
    ParsedDocument parsed = parsers.parse(
        Document.of("a", "Opening hours", "", "text/plain", "\r\nMon-Fri 9-17.\r\n\r\nSat 10-14.\r\n"));

    assertThat(parsed.title()).isEqualTo("Opening hours");
    assertThat(parsed.sections()).containsExactly(
        new ParsedDocument.Section(List.of(), "Mon-Fri 9-17.\n\nSat 10-14."));
  }

  @Test
  void emptyPlainTextHasNoSections() {
    assertThat(parsers.parse(Document.of("a", "", "", "text/plain", "  \n ")).sections()).isEmpty();
  }
}
