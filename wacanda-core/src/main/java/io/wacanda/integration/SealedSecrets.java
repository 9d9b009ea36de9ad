package io.wacanda.integration;

import java.util.Objects;

/**
 * An integration's secrets (tokens, app secrets) sealed with AES-GCM by a
 * {@link io.wacanda.security.SecretCipher}. Only ciphertext is held here; {@link #toString()} never
 * shows it.
 *
 * @param keyId id of the key that sealed the blob, so keys can rotate
 * @param ciphertext base64 of nonce, ciphertext and tag
 */
public record SealedSecrets(String keyId, String ciphertext) {
  public SealedSecrets {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(ciphertext, "ciphertext");
  }

  @Override
  public String toString() {
    return "SealedSecrets[keyId=" + keyId + ", ciphertext=<redacted>]";
  }
}
