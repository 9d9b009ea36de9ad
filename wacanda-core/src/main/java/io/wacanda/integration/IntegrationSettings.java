package io.wacanda.integration;

import io.wacanda.WacandaException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The resolved configuration a channel is built from: plain settings and decrypted secrets by
 * template field name, with template defaults applied. {@link #toString()} redacts secrets.
 * Immutable and thread-safe.
 */
public final class IntegrationSettings {
  private final Map<String, String> values;
  private final Set<String> secretNames;

  public IntegrationSettings(Map<String, String> values, Set<String> secretNames) {
    this.values = Map.copyOf(values);
    this.secretNames = Set.copyOf(secretNames);
  }

  public static IntegrationSettings of(Map<String, String> values) {
    return new IntegrationSettings(values, Set.of());
  }

  public Optional<String> get(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  /** The value, or an INVALID_REQUEST error naming the missing key. */
  public String require(String name) {
    return get(name).orElseThrow(() -> WacandaException.invalid("setting '" + name + "' is required"));
  }

  public int getInt(String name, int defaultValue) {
    return get(name).map(v -> {
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw WacandaException.invalid("setting '" + name + "' must be a number");
      }
    }).orElse(defaultValue);
  }

  public boolean getBoolean(String name, boolean defaultValue) {
    return get(name).map(v -> Boolean.parseBoolean(v.trim())).orElse(defaultValue);
  }

  /** All values, secrets included; do not log the result. */
  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((k, v) -> shown.put(k, secretNames.contains(k) ? "<redacted>" : v));
    return "IntegrationSettings" + shown;
  }
}
