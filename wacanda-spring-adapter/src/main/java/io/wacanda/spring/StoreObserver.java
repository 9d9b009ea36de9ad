package io.wacanda.spring;

import io.wacanda.conversation.TurnMetrics;

/**
 * Told about inbox and conversation store writes the core publishes no event for (a webhook event
 * stored, processed; a bot turn recorded). The auto-configuration wraps the stores it hands to
 * Wacanda when a bean of this type exists (the Micrometer metrics). Implementations are quick
 * and thread-safe; they never throw.
 */
interface StoreObserver {

  /** A webhook event was stored in the inbox ({@code duplicate}: it was already there). */
  void webhookStored(boolean duplicate);

  /** A claimed webhook event was marked processed. */
  void webhookProcessed();

  /** The engine recorded a bot turn (reply latency, channel). */
  void turnRecorded(TurnMetrics turn);
}
