package io.wacanda.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.WacandaException;
import io.wacanda.integration.SealedSecrets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final byte[] K1 = SecretCipher.deriveKey("first-host-secret-that-is-long-enough!");
  private static final byte[] K2 = SecretCipher.deriveKey("second-host-secret-that-is-long-enough");

  @Test
  void sealsAndOpensWithTheSameIntegrationId() {
    SecretCipher cipher = SecretCipher.of("k1", K1);
    SealedSecrets sealed = cipher.seal(Map.of("bot_token", "123:ABC"), "int_1");
    assertThat(sealed.ciphertext()).doesNotContain("123:ABC");
    assertThat(sealed.keyId()).isEqualTo("k1");
    assertThat(cipher.open(sealed, "int_1")).containsEntry("bot_token", "123:ABC");
  }

  @Test
  void usesAFreshNonceEveryTime() {
    SecretCipher cipher = SecretCipher.of("k1", K1);
    assertThat(cipher.seal(Map.of("a", "b"), "x").ciphertext())
        .isNotEqualTo(cipher.seal(Map.of("a", "b"), "x").ciphertext());
  }

  @Test
  void refusesABlobMovedToAnotherIntegrationOrTamperedWith() {
    SecretCipher cipher = SecretCipher.of("k1", K1);
    SealedSecrets sealed = cipher.seal(Map.of("a", "b"), "int_1");
    assertThatThrownBy(() -> cipher.open(sealed, "int_2")).isInstanceOf(WacandaException.class);
    byte[] raw = java.util.Base64.getDecoder().decode(sealed.ciphertext());
    raw[raw.length - 1] ^= 1;
    SealedSecrets tampered = new SealedSecrets("k1", java.util.Base64.getEncoder().encodeToString(raw));
    assertThatThrownBy(() -> cipher.open(tampered, "int_1"))
        .isInstanceOf(WacandaException.class)
        .hasMessageNotContaining("b");
  }

  @Test
  void rotatesKeysByIdAndResealsWithThePrimary() {
    SealedSecrets old = SecretCipher.of("k1", K1).seal(Map.of("t", "v"), "i");
    SecretCipher rotated = SecretCipher.builder().primaryKey("k2", K2).oldKey("k1", K1).build();
    assertThat(rotated.open(old, "i")).containsEntry("t", "v");
    SealedSecrets resealed = rotated.reseal(old, "i");
    assertThat(resealed.keyId()).isEqualTo("k2");
    assertThat(SecretCipher.of("k2", K2).open(resealed, "i")).containsEntry("t", "v");
    assertThatThrownBy(() -> SecretCipher.of("k2", K2).open(old, "i"))
        .hasMessageContaining("k1");
  }

  @Test
  void neverShowsKeysOrCiphertextInToString() {
    SecretCipher cipher = SecretCipher.of("k1", K1);
    SealedSecrets sealed = cipher.seal(Map.of("a", "b"), "i");
    assertThat(sealed.toString()).doesNotContain(sealed.ciphertext());
    assertThat(cipher.toString()).contains("k1");
  }

  @Test
  void rejectsKeysOfTheWrongSize() {
    assertThatThrownBy(() -> SecretCipher.of("k", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SecretCipher.deriveKey("short")).isInstanceOf(WacandaException.class);
  }
}
