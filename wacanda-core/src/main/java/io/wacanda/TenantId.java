package io.wacanda;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The tenant that owns integrations, conversations and knowledge. Every store call is scoped by one;
 * no call reads or changes another tenant's rows.
 *
 * @param value 1-64 characters of {@code A-Za-z0-9._-}
 */
public record TenantId(String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public TenantId {
    Objects.requireNonNull(value, "value");
    if (!VALID.matcher(value).matches()) {
      throw WacandaException.invalid("tenant id must be 1-64 characters of A-Za-z0-9._-");
    }
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
