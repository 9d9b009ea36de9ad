package io.wacanda.channel;

/** Delivery state of a message the bot or an agent sent, as the platform reports it. */
public enum DeliveryState {
  PENDING,
  SENT,
  DELIVERED,
  READ,
  FAILED
}
