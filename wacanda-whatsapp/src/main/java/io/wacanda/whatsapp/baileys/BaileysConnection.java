package io.wacanda.whatsapp.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.WacandaException;
import io.wacanda.channel.ConnectionControl;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login lifecycle of one Evolution API instance: connect (create the instance when missing,
 * register the webhook, ask for a QR code), status, QR, logout; and the gateway's own reports
 * (connection updates, new QR codes). Every change of state or message is reported through
 * {@link ChannelContext.Events#statusChanged}. A drop that is not a logout is followed by
 * reconnect attempts with exponential backoff; a logout (status 401) stops them and asks for a new
 * QR scan. Thread-safe.
 */
final class BaileysConnection implements ConnectionControl {
  private static final Logger log = LoggerFactory.getLogger(BaileysConnection.class);

  /** Delay before the first reconnect attempt; doubles per attempt. */
  static final Duration RECONNECT_INITIAL = Duration.ofSeconds(2);
  /** Cap on the delay between reconnect attempts. */
  static final Duration RECONNECT_MAX = Duration.ofMinutes(5);
  /** A QR code older than this is fetched again (Baileys rotates them about every 20 s). */
  static final Duration QR_MAX_AGE = Duration.ofSeconds(60);
  /** Events the gateway is asked to post. */
  static final List<String> EVENTS = List.of("MESSAGES_UPSERT", "MESSAGES_UPDATE",
      "SEND_MESSAGE", "CONNECTION_UPDATE", "QRCODE_UPDATED", "LOGOUT_INSTANCE");
  /** Header carrying the per-integration webhook secret on the gateway's posts. */
  static final String SECRET_HEADER = "x-wacanda-secret";

  private record Qr(String code, Instant at) {}

  private final ChannelContext context;
  private final GatewayClient client;
  private final String instance;
  private final String instanceToken;
  private final String webhookSecret;
  private final Scheduler scheduler;
  private final String integrationId;
  private final AtomicInteger reconnectAttempts = new AtomicInteger();
  private final AtomicBoolean reconnectPending = new AtomicBoolean();
  private volatile boolean wanted;
  private volatile boolean closed;
  private volatile Qr qr;
  private IntegrationStatus current;

  BaileysConnection(ChannelContext context, GatewayClient client, String instance,
      String instanceToken, String webhookSecret, Scheduler scheduler) {
    this.context = context;
    this.client = client;
    this.instance = instance;
    this.instanceToken = instanceToken;
    this.webhookSecret = webhookSecret;
    this.scheduler = scheduler;
    this.integrationId = context.integration().id();
    this.current = context.integration().status();
  }

  // ------------------------------------------------------------ ConnectionControl

  @Override
  public IntegrationStatus connect() {
    wanted = true;
    try {
      establish();
    } catch (WacandaException e) {
      Duration d = scheduleReconnect();
      report(ConnectionState.ERROR, e.getMessage() + "; retrying in " + d.toSeconds() + " s");
    }
    return current();
  }

  @Override
  public IntegrationStatus disconnect() {
    wanted = false;
    qr = null;
    GatewayClient.Answer a = client.delete(client.instancePath("instance/logout"));
    if (a.status() == 401 || a.status() == 403) {
      report(ConnectionState.ERROR, rejectedKey(a));
    } else if (a.ok() || a.status() == 404 || a.status() == 400) {
      // 400/404: not connected or already gone; either way the session is over.
      report(ConnectionState.DISCONNECTED, "logged out; connect again and scan a new QR code");
    } else {
      throw new WacandaException(io.wacanda.ErrorCode.CHANNEL_ERROR, "the gateway could not log "
          + "out instance " + instance + " (HTTP " + a.status() + ": " + a.errorText() + ")");
    }
    return current();
  }

  @Override
  public IntegrationStatus status() {
    try {
      GatewayClient.Answer a = client.get(client.instancePath("instance/connectionState"));
      if (a.status() == 401 || a.status() == 403) {
        report(ConnectionState.ERROR, rejectedKey(a));
      } else if (a.status() == 404) {
        report(ConnectionState.DISCONNECTED, "instance " + instance + " does not exist on the "
            + "gateway; connect to create it");
      } else if (a.ok()) {
        applyState(a.body().path("instance").path("state").asText(""), -1, "");
      } else {
        report(ConnectionState.ERROR, "the gateway answered HTTP " + a.status() + " ("
            + a.errorText() + ")");
      }
    } catch (WacandaException e) {
      report(ConnectionState.ERROR, e.getMessage());
    }
    return current();
  }

  @Override
  public Optional<String> qrCode() {
    Qr q = qr;
    Instant now = context.clock().instant();
    if (q != null && q.at().plus(QR_MAX_AGE).isAfter(now)) {
      return Optional.of(q.code());
    }
    if (wanted && current().state() == ConnectionState.CONNECTING) {
      try {
        requestQr();
      } catch (WacandaException e) {
        log.warn("Integration {}: could not fetch a QR code: {}", integrationId, e.getMessage());
      }
      q = qr;
      return q == null ? Optional.empty() : Optional.of(q.code());
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------- gateway reports

  /** A {@code connection.update} from the gateway. */
  void onConnectionUpdate(String state, int statusReason, String accountJid) {
    applyState(state, statusReason, accountJid);
  }

  /** A {@code qrcode.updated} from the gateway. */
  void onQrCode(String code) {
    if (code == null || code.isBlank()) {
      return;
    }
    qr = new Qr(code, context.clock().instant());
    log.info("Integration {}: new QR code from the gateway", integrationId);
    if (current().state() != ConnectionState.CONNECTED) {
      report(ConnectionState.CONNECTING, scanMessage());
    }
  }

  /** A {@code logout.instance} from the gateway. */
  void onLogout() {
    applyState("close", 401, "");
  }

  /** A send found the session closed: report it and reconnect. */
  void onSessionClosed() {
    if (wanted) {
      Duration d = scheduleReconnect();
      report(ConnectionState.CONNECTING, "the WhatsApp session of instance " + instance
          + " is closed; reconnecting in " + d.toSeconds() + " s");
    } else {
      report(ConnectionState.DISCONNECTED, "the WhatsApp session of instance " + instance
          + " is closed");
    }
  }

  /** The instance does not exist any more. */
  void onInstanceMissing() {
    report(ConnectionState.DISCONNECTED, "instance " + instance + " does not exist on the "
        + "gateway; connect to create it and scan a QR code");
  }

  void onKeyRejected(GatewayClient.Answer a) {
    report(ConnectionState.ERROR, rejectedKey(a));
  }

  void close() {
    closed = true;
    scheduler.close();
  }

  // ------------------------------------------------------------------- machinery

  private void establish() {
    GatewayClient.Answer st = client.get(client.instancePath("instance/connectionState"));
    if (st.status() == 401 || st.status() == 403) {
      report(ConnectionState.ERROR, rejectedKey(st));
      return;
    }
    if (st.status() == 404) {
      if (!create()) {
        return;
      }
    } else if (!st.ok()) {
      report(ConnectionState.ERROR, "the gateway answered HTTP " + st.status() + " ("
          + st.errorText() + ")");
      return;
    }
    registerWebhook();
    String state = st.ok() ? st.body().path("instance").path("state").asText("close") : "close";
    if (state.equalsIgnoreCase("open")) {
      applyState("open", -1, "");
      return;
    }
    requestQr();
  }

  private boolean create() {
    ObjectNode body = GatewayClient.JSON.createObjectNode();
    body.put("instanceName", instance);
    body.put("qrcode", true);
    body.put("integration", "WHATSAPP-BAILEYS");
    body.put("token", instanceToken);
    body.set("webhook", webhookConfig());
    GatewayClient.Answer a = client.post("instance/create", body);
    if (a.ok()) {
      log.info("Integration {}: created instance {} on the gateway", integrationId, instance);
      rememberQr(a.body().path("qrcode").path("code").asText(""));
      return true;
    }
    if (a.status() == 401 || (a.status() == 403 && !a.errorText().contains("in use"))) {
      report(ConnectionState.ERROR, rejectedKey(a));
      return false;
    }
    if (a.errorText().toLowerCase(Locale.ROOT).contains("in use")) {
      return true; // created meanwhile by someone else
    }
    report(ConnectionState.ERROR, "the gateway could not create instance " + instance + " (HTTP "
        + a.status() + ": " + a.errorText() + ")");
    return false;
  }

  private ObjectNode webhookConfig() {
    ObjectNode w = GatewayClient.JSON.createObjectNode();
    w.put("enabled", true);
    w.put("url", context.webhookUrl());
    w.putObject("headers").put(SECRET_HEADER, webhookSecret);
    w.put("byEvents", false);
    w.put("base64", false);
    ArrayNode events = w.putArray("events");
    EVENTS.forEach(events::add);
    return w;
  }

  private void registerWebhook() {
    ObjectNode wrapped = GatewayClient.JSON.createObjectNode();
    wrapped.set("webhook", webhookConfig());
    GatewayClient.Answer a = client.post(client.instancePath("webhook/set"), wrapped);
    if (a.status() == 400) {
      // Evolution 2.0.x takes the flat form (and cannot send custom headers).
      ObjectNode flat = GatewayClient.JSON.createObjectNode();
      flat.put("enabled", true);
      flat.put("url", context.webhookUrl());
      flat.put("webhook_by_events", false);
      flat.put("webhook_base64", false);
      ArrayNode events = flat.putArray("events");
      EVENTS.forEach(events::add);
      a = client.post(client.instancePath("webhook/set"), flat);
    }
    if (a.ok()) {
      log.info("Integration {}: gateway webhook registered", integrationId);
    } else {
      log.warn("Integration {}: the gateway refused the webhook registration (HTTP {}: {}); "
          + "configure it by hand", integrationId, a.status(), a.errorText());
    }
  }

  private void requestQr() {
    GatewayClient.Answer a = client.get(client.instancePath("instance/connect"));
    if (a.status() == 401 || a.status() == 403) {
      report(ConnectionState.ERROR, rejectedKey(a));
      return;
    }
    if (a.status() == 404) {
      onInstanceMissing();
      return;
    }
    if (!a.ok()) {
      report(ConnectionState.ERROR, "the gateway could not start a login (HTTP " + a.status()
          + ": " + a.errorText() + ")");
      return;
    }
    String state = a.body().path("instance").path("state").asText("");
    if (state.equalsIgnoreCase("open")) {
      applyState("open", -1, "");
      return;
    }
    if (rememberQr(a.body().path("code").asText(""))) {
      report(ConnectionState.CONNECTING, scanMessage());
    } else if (qr == null) {
      report(ConnectionState.CONNECTING, "waiting for the gateway to produce a QR code");
    }
  }

  private boolean rememberQr(String code) {
    if (code == null || code.isBlank()) {
      return false;
    }
    qr = new Qr(code, context.clock().instant());
    return true;
  }

  private void applyState(String state, int reason, String accountJid) {
    switch (state.toLowerCase(Locale.ROOT)) {
      case "open": {
        reconnectAttempts.set(0);
        qr = null;
        String phone = accountJid == null || accountJid.isBlank() ? "" : Jids.phone(accountJid);
        report(ConnectionState.CONNECTED, phone.isEmpty() ? "WhatsApp Web session open"
            : "WhatsApp Web session open for " + phone);
        break;
      }
      case "connecting":
        if (qr == null) {
          report(ConnectionState.CONNECTING, "connecting to WhatsApp");
        }
        break;
      case "close":
        qr = null;
        if (reason == 401) {
          wanted = false;
          report(ConnectionState.DISCONNECTED, "logged out from the phone (status 401); "
              + "connect again and scan a new QR code");
        } else if (wanted) {
          Duration d = scheduleReconnect();
          report(ConnectionState.CONNECTING, "connection closed"
              + (reason > 0 ? " (status " + reason + ")" : "") + "; reconnecting in "
              + d.toSeconds() + " s");
        } else {
          report(ConnectionState.DISCONNECTED, "connection closed"
              + (reason > 0 ? " (status " + reason + ")" : ""));
        }
        break;
      case "refused":
        wanted = false;
        qr = null;
        report(ConnectionState.ERROR, "no QR code was scanned before the gateway's limit; "
            + "connect again for a new one");
        break;
      default:
        log.debug("Integration {}: unknown connection state {}", integrationId, state);
    }
  }

  /** Schedules one reconnect attempt unless one is pending; returns its delay. */
  Duration scheduleReconnect() {
    int attempt = reconnectAttempts.get() + 1;
    Duration delay = backoff(attempt);
    if (closed || !reconnectPending.compareAndSet(false, true)) {
      return delay;
    }
    reconnectAttempts.incrementAndGet();
    log.info("Integration {}: reconnect attempt {} in {} s", integrationId, attempt,
        delay.toSeconds());
    scheduler.schedule(this::reconnectNow, delay);
    return delay;
  }

  static Duration backoff(int attempt) {
    long factor = 1L << Math.min(attempt - 1, 20);
    Duration d = RECONNECT_INITIAL.multipliedBy(factor);
    return d.compareTo(RECONNECT_MAX) > 0 ? RECONNECT_MAX : d;
  }

  private void reconnectNow() {
    reconnectPending.set(false);
    if (!wanted || closed) {
      return;
    }
    try {
      GatewayClient.Answer st = client.get(client.instancePath("instance/connectionState"));
      if (st.ok() && st.body().path("instance").path("state").asText("")
          .equalsIgnoreCase("open")) {
        applyState("open", -1, "");
        return;
      }
      qr = null;
      establish();
      if (current().state() == ConnectionState.CONNECTED || qr != null || !wanted) {
        return; // connected, or a person has to scan: stop looping
      }
      Duration d = scheduleReconnect();
      report(ConnectionState.CONNECTING, "reconnecting; next attempt in " + d.toSeconds()
          + " s");
    } catch (WacandaException e) {
      Duration d = scheduleReconnect();
      report(ConnectionState.ERROR, e.getMessage() + "; retrying in " + d.toSeconds() + " s");
    } catch (RuntimeException e) {
      log.warn("Integration {}: reconnect attempt failed", integrationId, e);
      scheduleReconnect();
    }
  }

  private String scanMessage() {
    return "scan the QR code with WhatsApp (Settings > Linked devices) to connect instance "
        + instance;
  }

  private String rejectedKey(GatewayClient.Answer a) {
    return "the gateway rejected gateway_api_key (HTTP " + a.status() + "); set the gateway's "
        + "global API key";
  }

  synchronized IntegrationStatus current() {
    return current;
  }

  private void report(ConnectionState state, String message) {
    IntegrationStatus changed;
    synchronized (this) {
      if (current.state() == state && current.message().equals(message)) {
        return;
      }
      changed = IntegrationStatus.of(state, message, context.clock().instant());
      current = changed;
    }
    log.info("Integration {} is {}: {}", integrationId, state, message);
    context.events().statusChanged(changed);
  }

  boolean wanted() {
    return wanted;
  }
}
