package io.wacanda.security;

import io.wacanda.TenantId;
import io.wacanda.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates {@code Authorization: Bearer <token>} against a fixed set of tokens, each mapped to a
 * tenant and agent id. Tokens are kept only as SHA-256 hashes and compared in constant time.
 */
public final class StaticTokenAdminAuthenticator implements AdminAuthenticator {
  private final Map<String, AdminPrincipal> byHash;

  private StaticTokenAdminAuthenticator(Map<String, AdminPrincipal> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  /** One token for one tenant, agent id {@code admin}. */
  public static StaticTokenAdminAuthenticator of(String token, TenantId tenant) {
    return builder().token(token, new AdminPrincipal(tenant, "admin")).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<AdminPrincipal> authenticate(HttpRequest request) {
    Optional<String> auth = request.header("Authorization");
    if (auth.isEmpty() || !auth.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String hash = ApiKeys.hash(auth.get().substring(7).trim());
    AdminPrincipal found = null;
    for (Map.Entry<String, AdminPrincipal> e : byHash.entrySet()) {
      if (ApiKeys.constantTimeEquals(e.getKey(), hash)) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public String toString() {
    return "StaticTokenAdminAuthenticator[" + byHash.size() + " tokens]";
  }

  public static final class Builder {
    private final Map<String, AdminPrincipal> byHash = new LinkedHashMap<>();

    /** Adds a token (at least 16 characters). */
    public Builder token(String token, AdminPrincipal principal) {
      if (token == null || token.length() < 16) {
        throw new IllegalArgumentException("admin tokens must be at least 16 characters");
      }
      byHash.put(ApiKeys.hash(token), principal);
      return this;
    }

    public StaticTokenAdminAuthenticator build() {
      if (byHash.isEmpty()) {
        throw new IllegalStateException("at least one admin token is required");
      }
      return new StaticTokenAdminAuthenticator(byHash);
    }
  }
}
