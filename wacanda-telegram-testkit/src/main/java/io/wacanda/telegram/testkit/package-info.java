/**
 * Test support for Telegram integrations: {@link io.wacanda.telegram.testkit.FakeBotApi}, an in-process fake of the Telegram Bot API on a loopback port that serves queued updates to {@code getUpdates} with long polling, records every call, injects the Bot API's real 429/403/409/400-migrate errors, and posts updates to a registered webhook with the secret header; depend on this artifact in test scope and point {@code api_base_url} at {@link io.wacanda.telegram.testkit.FakeBotApi#baseUrl()}. Non-null by default.
 */
package io.wacanda.telegram.testkit;
