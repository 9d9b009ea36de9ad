package io.wacanda.rag;

/** Which rankings a search uses. */
public enum RetrievalMode {
  /** The vector and BM25 rankings fused: the default, and what answers use. */
  HYBRID,
  /** Nearest neighbours of the query's embedding only. */
  VECTOR,
  /** BM25 over the query's terms only. */
  LEXICAL
}
