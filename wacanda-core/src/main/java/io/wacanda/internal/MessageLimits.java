package io.wacanda.internal;

/**
 * Bounds of the message fields that callers send Wacanda directly (the external API's {@code chat}
 * and {@code webhook} actions, the custom channel's signed posts): one set of numbers for both,
 * inside every store's columns.
 */
public final class MessageLimits {
  /** Characters of a sender id, a sender name or a message id. */
  public static final int ID = 256;
  /** Characters of a message's text. */
  public static final int TEXT = 10_000;

  private MessageLimits() {}
}
