package io.wacanda.security;

import io.wacanda.http.HttpRequest;
import java.util.Optional;

/**
 * Maps an admin API request to a principal. The default, {@link StaticTokenAdminAuthenticator},
 * maps bearer tokens to tenants; hosts plug in their own (OIDC, sessions). Thread-safe.
 */
@FunctionalInterface
public interface AdminAuthenticator {

  /** The principal, or empty when the request is not authenticated (answered 401). */
  Optional<AdminPrincipal> authenticate(HttpRequest request);
}
