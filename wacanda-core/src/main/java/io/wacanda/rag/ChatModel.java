package io.wacanda.rag;

import java.util.List;
import java.util.Objects;

/**
 * A language model that writes an answer from a prompt (system instructions, retrieved passages,
 * history, question). Thread-safe. Failures throw {@link io.wacanda.RetryableException} when worth
 * retrying.
 */
public interface ChatModel {

  Response chat(List<Turn> messages);

  /** One prompt message; {@code role} is {@code system}, {@code user} or {@code assistant}. */
  record Turn(String role, String content) {
    public Turn {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(content, "content");
    }
  }

  record Response(String text, ModelUsage usage) {}
}
