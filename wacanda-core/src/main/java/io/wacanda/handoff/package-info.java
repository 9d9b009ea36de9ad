/**
 * Human handoff: the {@link io.wacanda.handoff.HandoffQueue} of conversations waiting for, or owned by, human agents. While a request is active the bot stays silent for that session. Non-null by default.
 */
package io.wacanda.handoff;
