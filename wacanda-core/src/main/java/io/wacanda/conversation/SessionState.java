package io.wacanda.conversation;

/** Who answers a session: the bot, a human agent, or nobody (closed, customer blocked the bot). */
public enum SessionState {
  BOT,
  HANDED_OFF,
  CLOSED
}
