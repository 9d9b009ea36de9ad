package io.wacanda.spring;

import io.wacanda.integration.IntegrationStore;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Actuator present: the health of the enabled integrations under the name {@code wacanda}
 * ({@code management.health.wacanda.enabled} turns it off). A separate auto-configuration so that
 * hosts without Actuator never load its condition classes.
 */
@AutoConfiguration(after = WacandaAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(IntegrationStore.class)
@ConditionalOnEnabledHealthIndicator("wacanda")
public class WacandaHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "wacandaHealthIndicator")
  HealthIndicator wacandaHealthIndicator(IntegrationStore store) {
    return new WacandaHealthIndicator(store);
  }
}
