package io.wacanda.rag;

import io.wacanda.internal.Texts;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An answer with the passages it came from.
 *
 * @param text the reply; a U+0000 (NUL) from a model becomes U+FFFD, as it could not be stored
 * @param confidence 0..1; the conversation engine hands off below its threshold
 * @param usage model tokens and latency when a model was called
 */
public record Answer(String text, List<Source> sources, double confidence,
    Optional<ModelUsage> usage) {
  public Answer {
    text = Texts.storable(Objects.requireNonNull(text, "text"));
    sources = List.copyOf(sources);
    Objects.requireNonNull(usage, "usage");
  }

  public double topScore() {
    return sources.stream().mapToDouble(Source::score).max().orElse(0.0);
  }
}
