/**
 * Live events: integration status changes, stored messages, handoff requests and webhook failures,
 * published on an {@link io.wacanda.event.EventBus} that consoles subscribe to (the admin API
 * streams them as Server-Sent Events at {@code /admin/events}). Non-null by default.
 */
package io.wacanda.event;
