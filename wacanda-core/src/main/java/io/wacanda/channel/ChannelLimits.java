package io.wacanda.channel;

/**
 * What a channel can carry. The engine shapes every outbound message to these limits.
 *
 * @param maxTextLength characters per message (Telegram and WhatsApp: 4,096)
 * @param maxButtons buttons per message; 0 means no buttons (the engine sends a numbered menu)
 * @param maxButtonTitleLength characters per button title
 * @param supportsMedia whether media can be sent by URL
 */
public record ChannelLimits(int maxTextLength, int maxButtons, int maxButtonTitleLength,
    boolean supportsMedia) {
  public ChannelLimits {
    if (maxTextLength < 16) {
      throw new IllegalArgumentException("maxTextLength must be >= 16, was " + maxTextLength);
    }
    if (maxButtons < 0 || maxButtonTitleLength < 0) {
      throw new IllegalArgumentException("button limits must be >= 0");
    }
  }

  public static ChannelLimits textOnly(int maxTextLength) {
    return new ChannelLimits(maxTextLength, 0, 0, false);
  }

  public boolean supportsButtons() {
    return maxButtons > 0;
  }
}
