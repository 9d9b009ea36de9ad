package io.wacanda.rag;

/**
 * @param unchanged the document's content hash matched the stored one; nothing was re-indexed
 */
public record IngestResult(String documentId, int chunks, boolean unchanged) {}
