package io.wacanda.channel;

import io.wacanda.http.HttpRequest;
import java.util.Optional;

/**
 * One messaging transport bound to one configured integration. Created by an
 * {@link io.wacanda.integration.IntegrationProvider}; implementations are thread-safe.
 *
 * <p>Contract for {@link #handleWebhook}: verify the request over its raw bytes first (constant-time
 * comparison); on failure throw {@link io.wacanda.WacandaException} with
 * {@link io.wacanda.ErrorCode#BAD_SIGNATURE} and parse nothing. Unknown event kinds become
 * {@link InboundEvent.Ignored}, never an error.
 */
public interface Channel extends AutoCloseable {

  /** Verifies and parses one webhook request (GET handshakes included). */
  WebhookResult handleWebhook(HttpRequest request);

  /**
   * Sends one message that already fits {@link #limits()}.
   *
   * @throws io.wacanda.RetryableException on rate limits, timeouts and 5xx
   * @throws io.wacanda.WacandaException on final failures; with
   *     {@link io.wacanda.ErrorCode#RECIPIENT_UNREACHABLE} when the customer blocked the bot or left
   *     (the engine then closes the session instead of retrying)
   */
  SendResult send(OutboundMessage message);

  /** What this channel can carry. */
  ChannelLimits limits();

  /** Present for channels with a login lifecycle. */
  default Optional<ConnectionControl> connectionControl() {
    return Optional.empty();
  }

  /** Called when the integration is enabled (register a webhook, start polling). */
  default void start() {}

  /** Releases threads and connections; idempotent. */
  @Override
  default void close() {}
}
