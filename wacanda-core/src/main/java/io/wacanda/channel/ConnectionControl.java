package io.wacanda.channel;

import io.wacanda.integration.IntegrationStatus;
import java.util.Optional;

/**
 * Lifecycle for channels that log in (WhatsApp Web through a gateway): connect, disconnect, current
 * status, and the QR code to scan while connecting.
 */
public interface ConnectionControl {
  /** Starts connecting; status moves to CONNECTING, then CONNECTED or ERROR. */
  IntegrationStatus connect();

  /** Logs out and disconnects. */
  IntegrationStatus disconnect();

  /** The current status as the platform reports it. */
  IntegrationStatus status();

  /** The QR payload to render while waiting for a scan; empty when none is pending. */
  default Optional<String> qrCode() {
    return Optional.empty();
  }
}
