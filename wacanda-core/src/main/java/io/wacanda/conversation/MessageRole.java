package io.wacanda.conversation;

/** Who wrote a message. */
public enum MessageRole {
  CUSTOMER,
  BOT,
  AGENT,
  SYSTEM
}
