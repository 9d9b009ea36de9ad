package io.wacanda.handoff;

/** Why a conversation went to a human; stable codes for analytics. */
public enum HandoffReason {
  /** The customer asked for a person. */
  CUSTOMER_REQUEST,
  /** The knowledge base had no confident answer. */
  LOW_CONFIDENCE,
  /** Several questions in a row went unanswered. */
  REPEATED_FAILURE,
  /** An agent or the host took the conversation over. */
  AGENT_INITIATED
}
