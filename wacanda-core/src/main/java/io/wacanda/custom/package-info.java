/**
 * The {@code custom} integration type: inbound through the external API, outbound replies POSTed to a host URL signed per the Standard Webhooks specification. Non-null by default.
 */
package io.wacanda.custom;
