/**
 * Channels: the {@link io.wacanda.channel.Channel} SPI that turns a platform's webhooks into verified, normalized {@link io.wacanda.channel.InboundEvent}s and sends {@link io.wacanda.channel.OutboundMessage}s, plus the normalized message model shared by every platform. Non-null by default.
 */
package io.wacanda.channel;
