package io.wacanda.conversation;

import io.wacanda.handoff.HandoffReason;
import io.wacanda.rag.Source;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one customer message.
 *
 * @param reply what the bot said (parts joined); empty when it stayed silent (handed off)
 * @param handoff whether a human owns the session after this turn
 * @param handoffReason why, when this turn caused the handoff
 */
public record TurnResult(String sessionId, String reply, List<Source> sources, double confidence,
    boolean handoff, Optional<HandoffReason> handoffReason) {
  public TurnResult {
    sources = List.copyOf(sources);
  }
}
