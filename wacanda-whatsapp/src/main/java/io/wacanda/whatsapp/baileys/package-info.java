/**
 * The {@code whatsapp-baileys} integration type: WhatsApp Web through a Baileys gateway speaking
 * the Evolution API v2 protocol. The channel authenticates the gateway's webhooks (a registered
 * secret header, or the instance's {@code apikey}), accepts event names in both spellings, ignores
 * its own and broadcast messages, resolves {@code @lid} senders to phone numbers when the gateway
 * gives them, flags group messages, and sends text and media; its
 * {@link io.wacanda.channel.ConnectionControl} creates the instance, registers the webhook, hands
 * out the login QR (rendered by {@link io.wacanda.whatsapp.baileys.QrCode} to PNG or terminal
 * text), reports every status change and reconnects with backoff after drops that are not a
 * logout. Non-null by default.
 */
package io.wacanda.whatsapp.baileys;
