package io.wacanda.documents.pdf;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.rag.Document;
import io.wacanda.rag.DocumentParser;
import io.wacanda.rag.ParsedDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageDestination;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineNode;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * A {@link DocumentParser} for {@code application/pdf} on Apache PDFBox: the text of every page
 * in reading order, with the document outline (bookmarks) as the heading path. A page's heading
 * path is the path of the last outline entry that starts on or before it; consecutive pages under
 * the same path form one section. A PDF without an outline is one untitled section per run of
 * pages. The title is the PDF's own (document information), else the title the {@link Document}
 * carries. Lines of a paragraph are joined (a PDF breaks them where the page was full); list
 * items keep their line.
 *
 * <pre>{@code
 * DefaultRagEngine rag = DefaultRagEngine.builder()
 *     .parsers(DocumentParsers.defaults().with(PdfDocumentParser.create()))
 *     .build();
 * rag.ingest(tenant, Document.ofBytes("manual", "", "manual.pdf", "application/pdf", bytes,
 *     Map.of()));
 * }</pre>
 *
 * <p>Encrypted PDFs that need a password, and bytes that are not a PDF, are refused with {@code
 * INVALID_REQUEST}. Immutable and thread-safe (each parse loads its own document).
 */
public final class PdfDocumentParser implements DocumentParser {

  /** The media type read. */
  public static final String MEDIA_TYPE = "application/pdf";
  /** Default most pages read: 2,000; later pages are ignored. */
  public static final int DEFAULT_MAX_PAGES = 2_000;

  private final int maxPages;

  private PdfDocumentParser(int maxPages) {
    this.maxPages = maxPages;
  }

  /** A parser with the defaults (2,000 pages at most). */
  public static PdfDocumentParser create() {
    return new PdfDocumentParser(DEFAULT_MAX_PAGES);
  }

  /**
   * A parser that reads at most {@code maxPages} pages.
   *
   * @throws WacandaException {@code INVALID_REQUEST} unless 1 to 100,000
   */
  public static PdfDocumentParser withMaxPages(int maxPages) {
    if (maxPages < 1 || maxPages > 100_000) {
      throw WacandaException.invalid("maxPages must be 1..100000, was " + maxPages);
    }
    return new PdfDocumentParser(maxPages);
  }

  @Override
  public boolean supports(String mediaType) {
    return MEDIA_TYPE.equals(mediaType);
  }

  @Override
  public ParsedDocument parse(Document document) {
    Objects.requireNonNull(document, "document");
    if (!document.isBinary()) {
      throw WacandaException.invalid("document " + document.id() + " is application/pdf but "
          + "carries text; ingest PDFs with Document.ofBytes");
    }
    try (PDDocument pdf = Loader.loadPDF(document.bytes())) {
      if (pdf.isEncrypted() && !pdf.getCurrentAccessPermission().canExtractContent()) {
        throw WacandaException.invalid("PDF " + document.id() + " does not allow extracting "
            + "its text");
      }
      String title = pdf.getDocumentInformation() == null ? null
          : pdf.getDocumentInformation().getTitle();
      int pages = Math.min(pdf.getNumberOfPages(), maxPages);
      List<Mark> marks = new ArrayList<>();
      if (pdf.getDocumentCatalog().getDocumentOutline() != null) {
        collect(pdf, pdf.getDocumentCatalog().getDocumentOutline(), new ArrayList<>(), marks);
      }
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setSortByPosition(true);
      stripper.setParagraphEnd("\n\n");
      stripper.setLineSeparator("\n");
      List<ParsedDocument.Section> sections = new ArrayList<>();
      List<String> currentPath = null;
      StringBuilder text = new StringBuilder();
      for (int page = 1; page <= pages; page++) {
        stripper.setStartPage(page);
        stripper.setEndPage(page);
        String pageText = tidy(stripper.getText(pdf));
        List<String> path = pathAt(marks, page);
        if (currentPath != null && !path.equals(currentPath)) {
          flush(sections, currentPath, text);
        }
        currentPath = path;
        if (!pageText.isEmpty()) {
          if (text.length() > 0) {
            text.append("\n\n");
          }
          text.append(pageText);
        }
      }
      if (currentPath != null) {
        flush(sections, currentPath, text);
      }
      return new ParsedDocument(title == null || title.isBlank() ? document.title() : title,
          sections);
    } catch (InvalidPasswordException e) {
      throw WacandaException.invalid("PDF " + document.id() + " is encrypted with a password");
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INVALID_REQUEST, "document " + document.id()
          + " is not a readable PDF", e);
    }
  }

  /** An outline entry: its heading path and the page (from 1) it starts on. */
  private record Mark(List<String> path, int page) {}

  private static void collect(PDDocument pdf, PDOutlineNode node, List<String> parents,
      List<Mark> out) throws IOException {
    for (PDOutlineItem item : node.children()) {
      String title = item.getTitle() == null ? "" : item.getTitle().strip();
      List<String> path = new ArrayList<>(parents);
      if (!title.isEmpty()) {
        path.add(title);
      }
      int page = pageOf(pdf, item);
      if (page > 0 && !title.isEmpty()) {
        out.add(new Mark(List.copyOf(path), page));
      }
      collect(pdf, item, path, out);
    }
  }

  private static int pageOf(PDDocument pdf, PDOutlineItem item) throws IOException {
    PDPage page = item.findDestinationPage(pdf);
    if (page != null) {
      int index = pdf.getPages().indexOf(page);
      return index >= 0 ? index + 1 : -1;
    }
    if (item.getDestination() instanceof PDPageDestination d) {
      int n = d.retrievePageNumber();
      return n >= 0 ? n + 1 : -1;
    }
    return -1;
  }

  /** The path of the last mark (in outline order) that starts on or before the page. */
  private static List<String> pathAt(List<Mark> marks, int page) {
    List<String> best = List.of();
    int bestPage = 0;
    for (Mark m : marks) {
      if (m.page() <= page && m.page() >= bestPage) {
        best = m.path();
        bestPage = m.page();
      }
    }
    return best;
  }

  private static void flush(List<ParsedDocument.Section> sections, List<String> path,
      StringBuilder text) {
    String t = text.toString().strip();
    if (!t.isEmpty()) {
      sections.add(new ParsedDocument.Section(path, t));
    }
    text.setLength(0);
  }

  /**
   * Joins the lines of each paragraph, keeps list items on their own line, drops blank runs.
   */
  static String tidy(String raw) {
    String[] paragraphs = raw.replace("\r\n", "\n").replace('\r', '\n').split("\n[ \t]*\n");
    StringBuilder out = new StringBuilder();
    for (String p : paragraphs) {
      StringBuilder para = new StringBuilder();
      for (String line : p.split("\n")) {
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        if (para.length() > 0) {
          para.append(isListItem(l) ? '\n' : ' ');
        }
        para.append(l);
      }
      if (para.length() > 0) {
        if (out.length() > 0) {
          out.append("\n\n");
        }
        out.append(para);
      }
    }
    return out.toString();
  }

  private static boolean isListItem(String line) {
    if (line.startsWith("- ") || line.startsWith("* ") || line.startsWith("\u2022")) {
      return true;
    }
    int dot = line.indexOf(". ");
    return dot > 0 && dot < 4 && line.substring(0, dot).chars().allMatch(Character::isDigit);
  }

  @Override
  public String toString() {
    return "PdfDocumentParser[maxPages=" + maxPages + "]";
  }
}
