package io.wacanda.knowledge;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one sync of a knowledge source did.
 *
 * @param added documents new to the knowledge base
 * @param updated documents whose content changed: their old passages were replaced
 * @param unchanged documents whose content hash matched: nothing re-indexed
 * @param deleted documents gone from the source, removed from every index
 * @param failed documents that could not be read or ingested this time (kept as they were)
 * @param complete whether the source was listed completely; when not (page budget reached, or
 *     the sync failed), only documents known to be gone (404, 410) were deleted
 * @param errors the first few failures, for operators (URLs without query strings)
 * @param error why the whole sync failed; empty when it ran
 */
public record SyncReport(String sourceId, Instant startedAt, Instant finishedAt, int added,
    int updated, int unchanged, int deleted, int failed, boolean complete, List<String> errors,
    Optional<String> error) {

  /** At most this many errors are kept in a report. */
  public static final int MAX_ERRORS = 20;

  public SyncReport {
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    errors = List.copyOf(errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors);
    Objects.requireNonNull(error, "error");
  }

  /** How long the sync took. */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /** Whether the sync ran (even with some failed documents). */
  public boolean succeeded() {
    return error.isEmpty();
  }
}
