package io.wacanda.rag;

import java.util.List;

/**
 * What {@link DefaultRagEngine#ingestDirectory} did.
 *
 * @param documents how many files were ingested (changed or not)
 * @param chunks how many passages those files have in the knowledge base
 * @param results one per file, in path order
 */
public record DirectoryIngestResult(int documents, int chunks, List<IngestResult> results) {
  public DirectoryIngestResult {
    results = List.copyOf(results);
  }

  /** How many files had not changed since they were last ingested. */
  public int unchanged() {
    return (int) results.stream().filter(IngestResult::unchanged).count();
  }
}
