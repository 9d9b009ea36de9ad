package io.wacanda.spring;

import io.wacanda.TenantId;
import io.wacanda.http.HttpRequest;
import io.wacanda.security.AdminAuthenticator;
import io.wacanda.security.AdminPrincipal;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Authenticates admin calls with Spring Security: the current {@link Authentication} (HTTP Basic,
 * a login session, a JWT: whatever the host's filters established on this request thread) is
 * mapped to a tenant by an {@link AdminTenantResolver}; the agent id is the user's name. Requests
 * without an authenticated user fall back to the configured admin token, when there is one.
 * Thread-safe.
 */
public final class SpringSecurityAdminAuthenticator implements AdminAuthenticator {
  private final AdminTenantResolver resolver;
  private final AdminAuthenticator fallback;

  /**
   * @param fallback consulted when no user is authenticated (the admin token); use
   *     {@code request -> Optional.empty()} for none
   */
  public SpringSecurityAdminAuthenticator(AdminTenantResolver resolver,
      AdminAuthenticator fallback) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  @Override
  public Optional<AdminPrincipal> authenticate(HttpRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
      return fallback.authenticate(request);
    }
    Optional<TenantId> tenant = resolver.tenantOf(auth);
    return tenant.map(t -> new AdminPrincipal(t, auth.getName()));
  }

  @Override
  public String toString() {
    return "SpringSecurityAdminAuthenticator[" + resolver.getClass().getName() + "]";
  }
}
