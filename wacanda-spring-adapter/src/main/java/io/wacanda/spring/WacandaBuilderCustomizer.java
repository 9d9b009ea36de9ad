package io.wacanda.spring;

import io.wacanda.Wacanda;

/**
 * Last word on the {@link Wacanda.Builder} the auto-configuration prepared: declare beans of this
 * type to set what no {@code wacanda.*} key covers (a clock, an HTTP client, the engine's messages).
 * Applied in {@link org.springframework.core.Ordered} order after every key and bean is applied.
 */
@FunctionalInterface
public interface WacandaBuilderCustomizer {

  void customize(Wacanda.Builder builder);
}
