package io.wacanda.security;

import io.wacanda.TenantId;
import java.util.Objects;

/** Who is calling the admin API: the tenant they act for and their agent id (for handoffs). */
public record AdminPrincipal(TenantId tenant, String agentId) {
  public AdminPrincipal {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(agentId, "agentId");
  }
}
