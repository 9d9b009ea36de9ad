package io.wacanda.documents.pdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.rag.Answer;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.DocumentParsers;
import io.wacanda.rag.IngestResult;
import io.wacanda.rag.ParsedDocument;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageFitDestination;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.junit.jupiter.api.Test;

/** Parses PDFs that the test writes with PDFBox itself. */
class PdfDocumentParserTest {

  private static final TenantId T = TenantId.of("t");

  /** One page per entry: its lines of text. */
  static byte[] pdf(String title, List<List<String>> pages, boolean outline,
      String userPassword) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (List<String> lines : pages) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 12);
          cs.setLeading(16);
          cs.newLineAtOffset(72, 720);
          for (String line : lines) {
            cs.showText(line);
            cs.newLine();
          }
          cs.endText();
        }
      }
      if (title != null) {
        PDDocumentInformation info = new PDDocumentInformation();
        info.setTitle(title);
        doc.setDocumentInformation(info);
      }
      if (outline) {
        PDDocumentOutline root = new PDDocumentOutline();
        doc.getDocumentCatalog().setDocumentOutline(root);
        PDOutlineItem returns = item(doc, "Returns", 0);
        root.addLast(returns);
        PDOutlineItem shipping = item(doc, "Shipping", 1);
        root.addLast(shipping);
        shipping.addLast(item(doc, "Express delivery", 2));
      }
      if (userPassword != null) {
        StandardProtectionPolicy policy = new StandardProtectionPolicy("owner", userPassword,
            new AccessPermission());
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  private static PDOutlineItem item(PDDocument doc, String title, int page) {
    PDOutlineItem item = new PDOutlineItem();
    item.setTitle(title);
    PDPageFitDestination dest = new PDPageFitDestination();
    dest.setPage(doc.getPage(page));
    item.setDestination(dest);
    return item;
  }

  static final List<List<String>> HANDBOOK = List.of(
      List.of("You can return any item within 30 days of delivery", "for a full refund.", "",
          "Refunds reach your account in 5 working days."),
      List.of("Standard delivery takes 3 to 5 working days."),
      List.of("Express delivery arrives the next working day", "when you order before 2 pm."));

  private static Document doc(byte[] bytes) {
    return Document.ofBytes("handbook", "Fallback title", "files/handbook.pdf",
        "application/pdf", bytes, Map.of());
  }

  @Test
  void readsTitlePagesAndTheOutlineAsHeadings() throws IOException {
    ParsedDocument parsed = PdfDocumentParser.create().parse(doc(pdf("Customer handbook",
        HANDBOOK, true, null)));

    assertThat(parsed.title()).isEqualTo("Customer handbook");
    assertThat(parsed.sections()).extracting(ParsedDocument.Section::heading)
        .containsExactly("Returns", "Shipping", "Shipping > Express delivery");
    assertThat(parsed.sections().get(0).text())
        .contains("You can return any item within 30 days of delivery for a full refund.")
        .contains("Refunds reach your account in 5 working days.");
    assertThat(parsed.sections().get(2).text())
        .isEqualTo("Express delivery arrives the next working day when you order before 2 pm.");
  }

  @Test
  void aPdfWithoutOutlineOrTitleIsOneUntitledSection() throws IOException {
    ParsedDocument parsed = PdfDocumentParser.create().parse(doc(pdf(null, HANDBOOK, false,
        null)));

    assertThat(parsed.title()).isEqualTo("Fallback title");
    assertThat(parsed.sections()).singleElement()
        .satisfies(s -> assertThat(s.headingPath()).isEmpty())
        .satisfies(s -> assertThat(s.text()).contains("30 days", "3 to 5", "2 pm"));
  }

  @Test
  void readsOnlyUpToMaxPages() throws IOException {
    ParsedDocument parsed = PdfDocumentParser.withMaxPages(1).parse(doc(pdf("H", HANDBOOK, true,
        null)));

    assertThat(parsed.sections()).extracting(ParsedDocument.Section::heading)
        .containsExactly("Returns");
  }

  @Test
  void isIngestedAndAnsweredFromThroughTheEngine() throws IOException {
    DefaultRagEngine rag = DefaultRagEngine.builder()
        .parsers(DocumentParsers.defaults().with(PdfDocumentParser.create())).build();
    byte[] bytes = pdf("Customer handbook", HANDBOOK, true, null);

    IngestResult first = rag.ingest(T, doc(bytes));
    IngestResult again = rag.ingest(T, doc(bytes));
    Answer answer = rag.answer(T, "How fast is express delivery?", List.of());
    List<Source> found = rag.search(T, "express delivery next day", 1, RetrievalMode.HYBRID,
        RetrievalFilter.none());

    assertThat(first.chunks()).isEqualTo(3);
    assertThat(again.unchanged()).isTrue();
    assertThat(answer.text()).contains("next working day");
    assertThat(found.get(0).headingPath()).isEqualTo("Shipping > Express delivery");
    assertThat(found.get(0).source()).isEqualTo("files/handbook.pdf");
    assertThat(found.get(0).title()).isEqualTo("Customer handbook");
  }

  @Test
  void refusesPasswordProtectedAndBrokenPdfsAndText() throws IOException {
    byte[] locked = pdf("Secret", HANDBOOK, false, "user-password");
    PdfDocumentParser parser = PdfDocumentParser.create();

    assertThatThrownBy(() -> parser.parse(doc(locked)))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("password");
    assertThatThrownBy(() -> parser.parse(doc("%PDF-1.7 garbage".getBytes(
        StandardCharsets.US_ASCII))))
        .isInstanceOf(WacandaException.class).hasMessageContaining("not a readable PDF");
    assertThatThrownBy(() -> parser.parse(Document.of("t", "", "", "application/pdf", "text")))
        .isInstanceOf(WacandaException.class).hasMessageContaining("ofBytes");
    assertThat(parser.supports("application/pdf")).isTrue();
    assertThat(parser.supports("text/plain")).isFalse();
  }

  @Test
  void joinsTheLinesOfAParagraphButNotOfAList() {
    assertThat(PdfDocumentParser.tidy("We accept\ncards and\ntransfers.\n\n- Visa\n- Mastercard"))
        .isEqualTo("We accept cards and transfers.\n\n- Visa\n- Mastercard");
  }
}
