/**
 * The {@code whatsapp-cloud} integration type: Meta's WhatsApp Business Cloud API. The
 * {@link io.wacanda.whatsapp.cloud.WhatsAppCloudChannel} answers the webhook verification
 * handshake, verifies {@code X-Hub-Signature-256} over the raw body
 * ({@link io.wacanda.whatsapp.cloud.WebhookSignature}), normalizes every message type and delivery
 * status of a batched {@code whatsapp_business_account} envelope, and sends text, reply buttons,
 * lists, media by link, read receipts and {@link io.wacanda.whatsapp.cloud.TemplateMessage}s,
 * mapping Graph error codes to retryable or final failures. Non-null by default.
 */
package io.wacanda.whatsapp.cloud;
