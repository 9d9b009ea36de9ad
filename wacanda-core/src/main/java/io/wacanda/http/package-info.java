/**
 * A framework-agnostic HTTP layer: request and response records, the router behind {@code /webhooks}, {@code /external-api} and {@code /admin}, and the single JSON envelope every answer uses. Bindings (the JDK server here, Spring MVC in the adapter) only copy bytes in and out. Non-null by default.
 */
package io.wacanda.http;
