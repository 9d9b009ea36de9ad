package io.wacanda.integration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integration types this process knows: providers found with {@link ServiceLoader} and/or
 * registered explicitly. A duplicate type id fails, naming both classes. Immutable and
 * thread-safe once built.
 */
public final class IntegrationRegistry {
  private static final Logger log = LoggerFactory.getLogger(IntegrationRegistry.class);
  private final Map<String, IntegrationProvider> providers;

  private IntegrationRegistry(Map<String, IntegrationProvider> providers) {
    this.providers = java.util.Collections.unmodifiableMap(new TreeMap<>(providers));
  }

  /** Every provider on the class path of the given loader (the context class loader if null). */
  public static IntegrationRegistry discover(ClassLoader loader) {
    return builder().discover(loader).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<IntegrationProvider> find(String type) {
    return Optional.ofNullable(providers.get(type));
  }

  public Collection<IntegrationProvider> providers() {
    return providers.values();
  }

  public List<IntegrationTemplate> templates() {
    List<IntegrationTemplate> out = new ArrayList<>();
    providers.values().forEach(p -> out.add(p.template()));
    return out;
  }

  /** Collects providers; {@link #build()} logs what was found. */
  public static final class Builder {
    private final Map<String, IntegrationProvider> providers = new TreeMap<>();

    /** Adds every {@link IntegrationProvider} that {@link ServiceLoader} finds. */
    public Builder discover(ClassLoader loader) {
      ClassLoader cl = loader != null ? loader : Thread.currentThread().getContextClassLoader();
      for (IntegrationProvider p : ServiceLoader.load(IntegrationProvider.class, cl)) {
        if (providers.containsKey(p.type())
            && providers.get(p.type()).getClass().equals(p.getClass())) {
          // Already registered by hand (a configured instance wins) or visible twice through
          // parent class loaders.
          continue;
        }
        register(p);
      }
      return this;
    }

    /**
     * Registers a provider by hand.
     *
     * @throws IllegalStateException when another provider already has its type id
     */
    public Builder register(IntegrationProvider provider) {
      String type = provider.type();
      if (type == null || !type.matches("[a-z0-9][a-z0-9-]{0,39}")) {
        throw new IllegalArgumentException("provider " + provider.getClass().getName()
            + " has an invalid type id; use 1-40 characters of a-z0-9-");
      }
      IntegrationProvider existing = providers.putIfAbsent(type, provider);
      if (existing != null) {
        throw new IllegalStateException("integration type '" + type + "' is provided twice: by "
            + existing.getClass().getName() + " and by " + provider.getClass().getName());
      }
      return this;
    }

    public IntegrationRegistry build() {
      providers.forEach((type, p) ->
          log.info("Integration type '{}' provided by {}", type, p.getClass().getName()));
      return new IntegrationRegistry(providers);
    }
  }
}
