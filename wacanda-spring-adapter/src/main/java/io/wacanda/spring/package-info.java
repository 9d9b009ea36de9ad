/**
 * Spring Boot 3 auto-configuration for Wacanda: {@link io.wacanda.spring.WacandaAutoConfiguration}
 * builds one {@link io.wacanda.Wacanda} from the {@code wacanda.*} keys
 * ({@link io.wacanda.spring.WacandaProperties}) and the host's beans, ties its workers to the
 * application context, mounts its HTTP handler on Spring MVC under a base path (webhooks, external
 * API, admin API, the Server-Sent Events stream at {@code /admin/events}), protects the admin API
 * with Spring Security when present ({@link io.wacanda.spring.AdminTenantResolver}) or the admin
 * token otherwise, and adds a health indicator and metrics when Actuator and Micrometer are on the
 * class path. Non-null by default.
 */
package io.wacanda.spring;
