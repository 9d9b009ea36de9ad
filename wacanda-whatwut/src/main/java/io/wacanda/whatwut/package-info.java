/**
 * The {@code whatwut} integration type: {@link io.wacanda.whatwut.WhatWutIntegrationProvider}
 * (found by {@link java.util.ServiceLoader} or registered by hand) builds a channel that sends
 * replies through WhatWut's REST API (bearer API key, an {@code Idempotency-Key} on every send,
 * {@code 429} with {@code Retry-After} retried by the inbox) or, when the integration has a
 * {@code webhook_url}, pushes them there signed per Standard Webhooks; accepts customer messages
 * through Wacanda's external API or as signed events posted to the integration's webhook URL; and
 * checks the API key and the instance in its connectivity test. The REST contract is the OpenAPI 3
 * document {@code whatwut-openapi.yaml} beside these classes. Non-null by default.
 */
package io.wacanda.whatwut;
