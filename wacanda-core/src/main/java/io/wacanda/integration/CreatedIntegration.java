package io.wacanda.integration;

import java.util.Objects;

/**
 * The answer to creating an integration, or rotating its key: the only time the API key is visible.
 *
 * @param apiKey the integration key, shown once; store it now
 */
public record CreatedIntegration(Integration integration, String webhookUrl, String apiKey) {
  public CreatedIntegration {
    Objects.requireNonNull(integration, "integration");
    Objects.requireNonNull(webhookUrl, "webhookUrl");
    Objects.requireNonNull(apiKey, "apiKey");
  }

  @Override
  public String toString() {
    return "CreatedIntegration[" + integration + ", webhookUrl=" + webhookUrl + ", apiKey=<shown once>]";
  }
}
