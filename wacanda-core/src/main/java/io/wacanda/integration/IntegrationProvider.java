package io.wacanda.integration;

import io.wacanda.channel.Channel;
import java.util.Map;

/**
 * One integration type. Found with {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/io.wacanda.integration.IntegrationProvider}) or registered by hand on the
 * {@link IntegrationRegistry}. Implementations are stateless and thread-safe.
 */
public interface IntegrationProvider {

  /** The type id, e.g. {@code telegram}; lower case, unique across providers. */
  String type();

  /** The form that configures this type. */
  IntegrationTemplate template();

  /**
   * Checks settings beyond what the template says (formats, combinations). The template's own rules
   * (required fields, kinds, select options) are checked by Wacanda before this is called.
   *
   * @param settings every field by name, secrets included, defaults applied
   * @throws io.wacanda.WacandaException with INVALID_REQUEST naming the field
   */
  default void validate(Map<String, String> settings) {}

  /** Builds the channel for one integration. */
  Channel createChannel(ChannelContext context);

  /** The connectivity test for this type. */
  IntegrationTest connectivityTest();

  /**
   * Settings to generate when the user left them empty (a webhook verify token, a secret token).
   * Called on create only.
   */
  default Map<String, String> generatedSettings(Map<String, String> given) {
    return Map.of();
  }
}
