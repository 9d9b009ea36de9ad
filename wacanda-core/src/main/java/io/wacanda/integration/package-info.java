/**
 * Integrations: the configured connections to messaging platforms, their templates (forms), the {@link io.wacanda.integration.IntegrationProvider} SPI that each type implements, connectivity tests, statistics and the {@link io.wacanda.integration.IntegrationService} that manages them. Non-null by default.
 */
package io.wacanda.integration;
