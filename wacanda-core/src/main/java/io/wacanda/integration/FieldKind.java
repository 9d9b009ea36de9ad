package io.wacanda.integration;

/** How a template field is rendered and validated. SECRET fields are encrypted and never echoed. */
public enum FieldKind {
  TEXT,
  SECRET,
  URL,
  NUMBER,
  BOOLEAN,
  SELECT
}
