/**
 * The webhook inbox: every verified inbound event is stored (idempotently) before the platform gets its answer, then processed by a bounded worker pool with retries, backoff and a dead-letter state. Non-null by default.
 */
package io.wacanda.inbox;
