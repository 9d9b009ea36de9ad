package io.wacanda.integration;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One field of an {@link IntegrationTemplate}, enough for a UI to render a form input.
 *
 * @param name settings key
 * @param options allowed values for {@link FieldKind#SELECT}; empty otherwise
 */
public record FieldSpec(
    String name,
    String label,
    FieldKind kind,
    boolean required,
    Optional<String> defaultValue,
    String help,
    List<String> options) {

  public FieldSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(defaultValue, "defaultValue");
    help = help == null ? "" : help;
    options = List.copyOf(options);
    if (kind == FieldKind.SELECT && options.isEmpty()) {
      throw new IllegalArgumentException("SELECT field " + name + " needs options");
    }
  }

  public static FieldSpec required(String name, String label, FieldKind kind, String help) {
    return new FieldSpec(name, label, kind, true, Optional.empty(), help, List.of());
  }

  public static FieldSpec optional(String name, String label, FieldKind kind, String defaultValue,
      String help) {
    return new FieldSpec(name, label, kind, false, Optional.ofNullable(defaultValue), help,
        List.of());
  }

  public static FieldSpec select(String name, String label, List<String> options,
      String defaultValue, String help) {
    return new FieldSpec(name, label, FieldKind.SELECT, false, Optional.ofNullable(defaultValue),
        help, options);
  }

  public boolean secret() {
    return kind == FieldKind.SECRET;
  }
}
