/**
 * A complete third-party channel for the fictional Tincan chat platform, written only against
 * Wacanda's public SPI: {@link io.wacanda.examples.customchannel.TincanIntegrationProvider} (found
 * by {@link java.util.ServiceLoader} through {@code META-INF/services}) declares the settings form,
 * validates it and builds a {@code TincanChannel} that verifies Tincan's HMAC signature over the raw
 * webhook bytes, answers its GET verification handshake, parses batched events into normalized
 * inbound events, sends replies with an idempotency key and maps Tincan's errors to retryable or
 * final ones; {@code TincanConnectivityTest} checks the bot token and the registered webhook URL.
 * {@link io.wacanda.examples.customchannel.CustomChannelExample} runs it all on the JDK server.
 * Read the module's README first: it is the guide for channel authors. Non-null by default.
 */
package io.wacanda.examples.customchannel;
