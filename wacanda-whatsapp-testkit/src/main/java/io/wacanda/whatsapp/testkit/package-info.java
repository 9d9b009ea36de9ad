/**
 * Test doubles for the WhatsApp channels, for hosts' tests (depend on this artifact with scope
 * {@code test}): {@link io.wacanda.whatsapp.testkit.FakeGraphApi} (the Cloud API) and
 * {@link io.wacanda.whatsapp.testkit.FakeEvolutionGateway} (a Baileys gateway) listen on loopback,
 * record what they receive and can inject the platforms' error codes;
 * {@link io.wacanda.whatsapp.testkit.WebhookPoster} signs payloads with an app secret and posts
 * them to a webhook URL. Only the JDK and Jackson. Non-null by default.
 */
package io.wacanda.whatsapp.testkit;
