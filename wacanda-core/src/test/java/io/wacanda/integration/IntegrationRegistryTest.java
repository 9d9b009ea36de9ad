package io.wacanda.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.testing.RecordingProvider;
import org.junit.jupiter.api.Test;

class IntegrationRegistryTest {

  @Test
  void findsProvidersWithServiceLoader() {
    IntegrationRegistry registry = IntegrationRegistry.discover(getClass().getClassLoader());
    assertThat(registry.find("custom")).containsInstanceOf(CustomIntegrationProvider.class);
    assertThat(registry.templates()).extracting(IntegrationTemplate::type).contains("custom");
  }

  @Test
  void aConfiguredInstanceReplacesTheDiscoveredOneOfTheSameClass() {
    CustomIntegrationProvider configured = new CustomIntegrationProvider();
    IntegrationRegistry registry = IntegrationRegistry.builder().register(configured)
        .discover(getClass().getClassLoader()).build();
    assertThat(registry.find("custom")).containsSame(configured);
  }

  private static IntegrationProvider named(String type) {
    RecordingProvider a = new RecordingProvider();
    return new IntegrationProvider() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public IntegrationTemplate template() {
        return a.template();
      }

      @Override
      public io.wacanda.channel.Channel createChannel(ChannelContext context) {
        return a.createChannel(context);
      }

      @Override
      public IntegrationTest connectivityTest() {
        return a.connectivityTest();
      }
    };
  }

  @Test
  void twoClassesClaimingOneTypeFailNamingBoth() {
    RecordingProvider a = new RecordingProvider();
    IntegrationProvider impostor = named("recording");
    assertThatThrownBy(() -> IntegrationRegistry.builder().register(a).register(impostor))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(RecordingProvider.class.getName())
        .hasMessageContaining("provided twice");
  }

  @Test
  void refusesMalformedTypeIds() {
    IntegrationProvider bad = named("Bad Type!");
    assertThatThrownBy(() -> IntegrationRegistry.builder().register(bad))
        .hasMessageContaining("invalid type id");
  }
}
