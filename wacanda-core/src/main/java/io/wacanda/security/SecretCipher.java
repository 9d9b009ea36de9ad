package io.wacanda.security;

import com.fasterxml.jackson.core.type.TypeReference;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.integration.SealedSecrets;
import io.wacanda.internal.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals integration secrets at rest with AES-256-GCM (96-bit random nonce, 128-bit tag). The
 * integration id is bound as associated data, so a sealed blob copied onto another integration does
 * not open. Keys have ids: new blobs are sealed with the primary key, old blobs open with whichever
 * key sealed them, so keys rotate by adding a new primary and re-sealing at leisure. Thread-safe.
 */
public final class SecretCipher {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private final String primaryKeyId;
  private final Map<String, SecretKeySpec> keys;
  private final SecureRandom random = new SecureRandom();

  private SecretCipher(String primaryKeyId, Map<String, SecretKeySpec> keys) {
    this.primaryKeyId = primaryKeyId;
    this.keys = Map.copyOf(keys);
  }

  /**
   * A cipher with one key.
   *
   * @param keyId a short id stored beside each blob
   * @param key 32 bytes (AES-256)
   */
  public static SecretCipher of(String keyId, byte[] key) {
    return builder().primaryKey(keyId, key).build();
  }

  /** A key derived from a passphrase-like host secret (at least 32 characters) by SHA-256. */
  public static byte[] deriveKey(String hostSecret) {
    if (hostSecret == null || hostSecret.length() < 32) {
      throw WacandaException.invalid("the secret key must be at least 32 characters");
    }
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(hostSecret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String primaryKeyId() {
    return primaryKeyId;
  }

  /** Seals a map of secret values; {@code aad} is the integration id. */
  public SealedSecrets seal(Map<String, String> secrets, String aad) {
    byte[] plain = Json.write(new LinkedHashMap<>(secrets));
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(primaryKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      java.util.Arrays.fill(plain, (byte) 0);
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length);
      out.put(nonce).put(sealed);
      return new SealedSecrets(primaryKeyId, Base64.getEncoder().encodeToString(out.array()));
    } catch (GeneralSecurityException e) {
      throw new WacandaException(ErrorCode.INTERNAL, "could not seal secrets", e);
    }
  }

  /**
   * Opens a sealed blob.
   *
   * @throws WacandaException INTERNAL when the key id is unknown or the blob was tampered with
   */
  public Map<String, String> open(SealedSecrets sealed, String aad) {
    SecretKeySpec key = keys.get(sealed.keyId());
    if (key == null) {
      throw new WacandaException(ErrorCode.INTERNAL,
          "secrets were sealed with key id '" + sealed.keyId() + "', which is not configured");
    }
    try {
      byte[] all = Base64.getDecoder().decode(sealed.ciphertext());
      if (all.length < NONCE_BYTES + TAG_BITS / 8) {
        throw new WacandaException(ErrorCode.INTERNAL, "sealed secrets are truncated");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return Map.copyOf(Json.mapper().readValue(plain, MAP));
    } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL,
          "sealed secrets do not open (wrong key or tampered data)");
    }
  }

  /** Re-seals with the primary key when a blob was sealed with an older key. */
  public SealedSecrets reseal(SealedSecrets sealed, String aad) {
    return sealed.keyId().equals(primaryKeyId) ? sealed : seal(open(sealed, aad), aad);
  }

  @Override
  public String toString() {
    return "SecretCipher[primaryKeyId=" + primaryKeyId + ", keys=" + keys.keySet() + "]";
  }

  /** Keys by id; exactly one primary. */
  public static final class Builder {
    private String primaryKeyId;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

    /** The key new secrets are sealed with. */
    public Builder primaryKey(String keyId, byte[] key) {
      addKey(keyId, key);
      this.primaryKeyId = keyId;
      return this;
    }

    /** An older key, kept so blobs it sealed still open. */
    public Builder oldKey(String keyId, byte[] key) {
      addKey(keyId, key);
      return this;
    }

    private void addKey(String keyId, byte[] key) {
      Objects.requireNonNull(keyId, "keyId");
      if (!keyId.matches("[A-Za-z0-9._-]{1,32}")) {
        throw new IllegalArgumentException("keyId must be 1-32 characters of A-Za-z0-9._-");
      }
      if (key == null || key.length != 32) {
        throw new IllegalArgumentException("key '" + keyId + "' must be 32 bytes (AES-256)");
      }
      keys.put(keyId, new SecretKeySpec(key.clone(), "AES"));
    }

    public SecretCipher build() {
      if (primaryKeyId == null) {
        throw new IllegalStateException("a primary key is required");
      }
      return new SecretCipher(primaryKeyId, keys);
    }
  }
}
