/**
 * External API usage: one {@link io.wacanda.usage.ApiUsage} per call, kept by an
 * {@link io.wacanda.usage.ApiUsageStore} for statistics and retention cleanup. Non-null by default.
 */
package io.wacanda.usage;
