package io.wacanda.handoff;

/** How soon a human should take a conversation; queues serve HIGH first. */
public enum Urgency {
  LOW,
  MEDIUM,
  HIGH
}
