/**
 * PDF ingestion: {@link io.wacanda.documents.pdf.PdfDocumentParser}, a {@link
 * io.wacanda.rag.DocumentParser} for {@code application/pdf} on Apache PDFBox that keeps the
 * document outline as heading paths, so PDF passages are cited like Markdown ones. Add it to the
 * engine's parsers ({@code DocumentParsers.defaults().with(PdfDocumentParser.create())}); kept in
 * its own module so that core stays light. Non-null by default.
 */
package io.wacanda.documents.pdf;
