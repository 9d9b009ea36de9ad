package io.wacanda.inbox;

/**
 * Does the work for one stored event (answering a message, recording a delivery status). Throw
 * {@link io.wacanda.RetryableException} to retry later, any other exception to dead-letter at once
 * ({@link io.wacanda.WacandaException}) or after the retries (other runtime exceptions).
 */
@FunctionalInterface
public interface EventProcessor {
  void process(WebhookEvent event);
}
