package io.wacanda.rag;

/** A passage an answer was drawn from. */
public record Source(String documentId, String source, String title, String text, double score) {}
