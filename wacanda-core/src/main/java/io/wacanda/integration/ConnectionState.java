package io.wacanda.integration;

/** Connection state of an integration, as shown by status badges. */
public enum ConnectionState {
  CONNECTED,
  CONNECTING,
  DISCONNECTED,
  ERROR
}
