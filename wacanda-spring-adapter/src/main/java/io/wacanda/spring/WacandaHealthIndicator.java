package io.wacanda.spring;

import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationStore;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of the enabled integrations of every tenant: DOWN when any of them is in state
 * ERROR (a revoked token, an unreachable platform), UP otherwise (also with none). Details: counts
 * by state and, for up to {@value #MAX_LISTED} integrations, id, type, state and status message
 * (never a secret). Reads the {@link IntegrationStore} bean, so it sees what every instance sees
 * with shared durable stores.
 */
final class WacandaHealthIndicator extends AbstractHealthIndicator {
  static final int MAX_LISTED = 100;
  private final IntegrationStore store;

  WacandaHealthIndicator(IntegrationStore store) {
    super("Wacanda integrations health check failed");
    this.store = store;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    List<Integration> enabled = store.listEnabled();
    Map<ConnectionState, Integer> counts = new EnumMap<>(ConnectionState.class);
    Map<String, Object> listed = new LinkedHashMap<>();
    for (Integration i : enabled) {
      counts.merge(i.status().state(), 1, Integer::sum);
      if (listed.size() < MAX_LISTED) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", i.type());
        d.put("state", i.status().state().name());
        if (!i.status().message().isEmpty()) {
          d.put("message", i.status().message());
        }
        listed.put(i.id(), d);
      }
    }
    Map<String, Integer> byState = new LinkedHashMap<>();
    counts.forEach((k, v) -> byState.put(k.name().toLowerCase(Locale.ROOT), v));
    if (counts.getOrDefault(ConnectionState.ERROR, 0) > 0) {
      builder.down();
    } else {
      builder.up();
    }
    builder.withDetail("enabled", enabled.size()).withDetail("states", byState)
        .withDetail("integrations", listed);
  }
}
