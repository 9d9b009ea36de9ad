package io.wacanda.spring;

import io.wacanda.TenantId;
import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * Maps a user Spring Security authenticated to the tenant whose integrations they administer.
 * Declare a bean of this type to replace the default, which maps every authenticated user to
 * {@code wacanda.admin.tenant}. Return empty to refuse the user (the admin API answers 401).
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface AdminTenantResolver {

  /** The tenant of an authenticated, non-anonymous user; empty to refuse. */
  Optional<TenantId> tenantOf(Authentication authentication);
}
