package io.wacanda.integration;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The form that configures one integration type; served at {@code GET /admin/templates}. */
public record IntegrationTemplate(String type, String displayName, String description,
    List<FieldSpec> fields) {
  public IntegrationTemplate {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(displayName, "displayName");
    description = description == null ? "" : description;
    fields = List.copyOf(fields);
  }

  public Optional<FieldSpec> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
