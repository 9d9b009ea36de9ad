package io.wacanda.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.ConnectionControl;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.internal.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long polling for one bot: a dedicated thread calls {@code getUpdates} with {@code offset} and
 * {@code timeout}, hands each batch to a {@link Batch} that stores it durably, and only then moves
 * the offset past it, so a crash between fetching and storing loses nothing (Telegram serves
 * unconfirmed updates again and the inbox drops the duplicates). The offset is the batch's highest
 * {@code update_id} plus one, never compared with earlier offsets: Telegram may restart the
 * sequence at a smaller number.
 *
 * <p>Failures back off exponentially (configured minimum to maximum). A 409 Conflict (a webhook is
 * set, or another process polls the same bot) and a rejected token are reported at once as
 * {@link ConnectionState#ERROR} with a clear message; other failures after three in a row. The
 * first successful poll after that reports {@link ConnectionState#CONNECTED}. Polls are short
 * ({@code timeout=0}) until one succeeded, so the status turns CONNECTED at once, then long.
 *
 * <p>Before the first poll, a webhook this integration set earlier (same URL) is deleted; a
 * webhook set by anyone else is left alone and reported through the 409.
 *
 * <p>{@link #stop()} ends the thread: it interrupts a pending long poll or back-off (never a
 * store in progress) and waits up to the configured stop timeout. Thread-safe; restartable.
 */
final class LongPoller implements ConnectionControl {
  private static final Logger log = LoggerFactory.getLogger(LongPoller.class);
  private static final int FAILURES_BEFORE_ERROR = 3;

  /** Stores one batch of updates; returns only once they are durable. */
  @FunctionalInterface
  interface Batch {
    void store(List<JsonNode> updates);
  }

  private final String integrationId;
  private final BotApi api;
  private final TelegramConfig config;
  private final List<String> allowedUpdates;
  private final boolean dropPendingUpdates;
  private final String ownWebhookUrl;
  private final Batch batch;
  private final Consumer<IntegrationStatus> statusSink;
  private final Clock clock;

  private final Object lock = new Object();
  private Thread thread;
  private boolean storing;
  private volatile IntegrationStatus status;

  LongPoller(String integrationId, BotApi api, TelegramConfig config, List<String> allowedUpdates,
      boolean dropPendingUpdates, String ownWebhookUrl, Batch batch,
      Consumer<IntegrationStatus> statusSink, Clock clock) {
    this.integrationId = integrationId;
    this.api = api;
    this.config = config;
    this.allowedUpdates = List.copyOf(allowedUpdates);
    this.dropPendingUpdates = dropPendingUpdates;
    this.ownWebhookUrl = ownWebhookUrl;
    this.batch = Objects.requireNonNull(batch, "batch");
    this.statusSink = Objects.requireNonNull(statusSink, "statusSink");
    this.clock = clock;
    this.status = IntegrationStatus.of(ConnectionState.DISCONNECTED, "", clock.instant());
  }

  /** Starts the polling thread; does nothing when it runs. */
  @Override
  public IntegrationStatus connect() {
    synchronized (lock) {
      if (thread == null) {
        report(ConnectionState.CONNECTING, "starting long polling");
        thread = config.threadFactory().newThread(this::run);
        thread.start();
        log.info("Long polling started for integration {}", integrationId);
      }
    }
    return status;
  }

  /** Stops polling; waits for the thread up to the stop timeout. Idempotent. */
  @Override
  public IntegrationStatus disconnect() {
    stop();
    report(ConnectionState.DISCONNECTED, "long polling stopped");
    return status;
  }

  @Override
  public IntegrationStatus status() {
    return status;
  }

  /** Ends the thread without reporting a status (the integration service reports its own). */
  void stop() {
    Thread t;
    synchronized (lock) {
      t = thread;
      thread = null;
      if (t == null) {
        return;
      }
      if (!storing) {
        t.interrupt();
      }
    }
    try {
      t.join(Math.max(1, config.stopTimeout().toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.warn("Polling thread of integration {} did not stop within {} ms; it stops after its "
          + "current step", integrationId, config.stopTimeout().toMillis());
    } else {
      log.info("Long polling stopped for integration {}", integrationId);
    }
  }

  private boolean running() {
    synchronized (lock) {
      return thread == Thread.currentThread();
    }
  }

  private void run() {
    Long offset = null;
    int failures = 0;
    boolean prepared = false;
    while (running()) {
      try {
        if (!prepared) {
          prepare();
          prepared = true;
        }
        ObjectNode params = Json.mapper().createObjectNode();
        if (offset != null) {
          params.put("offset", offset);
        }
        // Until a poll succeeded, ask without waiting so the status turns CONNECTED at once.
        boolean connected = status.state() == ConnectionState.CONNECTED;
        Duration wait = connected ? config.pollTimeout() : Duration.ZERO;
        params.put("timeout", wait.toSeconds());
        params.put("limit", config.pollLimit());
        ArrayNode allowed = params.putArray("allowed_updates");
        allowedUpdates.forEach(allowed::add);
        BotApi.Reply reply = api.call("getUpdates", params, config.requestTimeout().plus(wait));
        if (!running()) {
          break;
        }
        if (!reply.ok()) {
          failures++;
          pause(failed(reply, failures));
          continue;
        }
        if (status.state() != ConnectionState.CONNECTED) {
          report(ConnectionState.CONNECTED, "receiving updates by long polling");
        }
        List<JsonNode> updates = new ArrayList<>();
        reply.result().forEach(updates::add);
        if (!updates.isEmpty()) {
          if (!store(updates)) {
            break;
          }
          offset = nextOffset(updates);
        }
        failures = 0;
      } catch (RetryableException e) {
        if (!running()) {
          break;
        }
        failures++;
        if (failures >= FAILURES_BEFORE_ERROR) {
          report(ConnectionState.ERROR, e.getMessage());
        }
        log.debug("Poll of integration {} failed ({} in a row): {}", integrationId, failures,
            e.getMessage());
        pause(backoff(failures));
      } catch (WacandaException e) {
        if (!running()) {
          break;
        }
        failures++;
        report(ConnectionState.ERROR, e.getMessage());
        pause(backoff(failures));
      } catch (RuntimeException e) {
        if (!running()) {
          break;
        }
        failures++;
        log.warn("Poll of integration {} failed unexpectedly", integrationId, e);
        if (failures >= FAILURES_BEFORE_ERROR) {
          report(ConnectionState.ERROR, "polling fails: " + e.getClass().getSimpleName());
        }
        pause(backoff(failures));
      }
    }
  }

  /** Removes this integration's own webhook (left from webhook mode) so polling can run. */
  private void prepare() {
    JsonNode info = api.call("getWebhookInfo", Json.mapper().createObjectNode())
        .resultOrThrow("getWebhookInfo of integration " + integrationId);
    String url = info.path("url").asText("");
    boolean own = !url.isEmpty() && url.equals(ownWebhookUrl);
    if (own || (url.isEmpty() && dropPendingUpdates)) {
      ObjectNode p = Json.mapper().createObjectNode();
      p.put("drop_pending_updates", dropPendingUpdates);
      api.call("deleteWebhook", p).resultOrThrow("deleteWebhook of integration " + integrationId);
      log.info("Deleted the webhook of integration {} to poll instead{}", integrationId,
          dropPendingUpdates ? " (pending updates dropped)" : "");
    }
  }

  /** Stores a batch; false when polling stopped meanwhile (nothing lost: no offset moved). */
  private boolean store(List<JsonNode> updates) {
    synchronized (lock) {
      if (thread != Thread.currentThread()) {
        return false;
      }
      storing = true;
      Thread.interrupted(); // a stop() that raced in before storing began must not reach the store
    }
    try {
      batch.store(updates);
      log.debug("Stored {} updates of integration {}", updates.size(), integrationId);
      return true;
    } finally {
      synchronized (lock) {
        storing = false;
      }
    }
  }

  static long nextOffset(List<JsonNode> updates) {
    long max = Long.MIN_VALUE;
    for (JsonNode u : updates) {
      max = Math.max(max, u.path("update_id").asLong(Long.MIN_VALUE));
    }
    return max + 1;
  }

  /** Reports a Telegram error and returns how long to wait before the next poll. */
  private Duration failed(BotApi.Reply reply, int failures) {
    Duration wait = backoff(failures);
    switch (reply.errorCode()) {
      case 409 -> report(ConnectionState.ERROR, reply.description().toLowerCase(Locale.ROOT).contains("webhook")
          ? "Telegram refuses getUpdates while a webhook is set for this bot (409 Conflict). "
              + "Set this integration's mode to webhook, or delete the other webhook."
          : "Another program is polling this bot (409 Conflict: terminated by other getUpdates "
              + "request). Only one poller per bot token may run; stop the other one.");
      case 401 -> report(ConnectionState.ERROR,
          "Telegram rejected the bot token (401 Unauthorized); check bot_token");
      case 404 -> report(ConnectionState.ERROR,
          "Telegram answered 404 Not Found; check bot_token and api_base_url");
      case 429 -> {
        Duration asked = reply.retryAfter().orElse(Duration.ZERO);
        if (asked.compareTo(wait) > 0) {
          wait = asked;
        }
      }
      default -> {
        if (failures >= FAILURES_BEFORE_ERROR) {
          report(ConnectionState.ERROR, "getUpdates fails: Telegram answered "
              + reply.errorCode() + " " + reply.description());
        }
      }
    }
    log.debug("getUpdates of integration {} answered {} ({} failures in a row); next try in {} ms",
        integrationId, reply.errorCode(), failures, wait.toMillis());
    return wait;
  }

  Duration backoff(int failures) {
    Duration d = config.minBackoff();
    for (int i = 1; i < failures && d.compareTo(config.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : d;
  }

  private void pause(Duration d) {
    if (!running()) {
      return;
    }
    try {
      config.sleeper().sleep(d);
    } catch (InterruptedException e) {
      // stop() interrupts a back-off; running() is false now and the loop ends the thread.
      log.debug("Back-off of integration {} interrupted", integrationId);
    }
  }

  private void report(ConnectionState state, String message) {
    IntegrationStatus current = status;
    if (current.state() == state && current.message().equals(message)) {
      return;
    }
    IntegrationStatus next = IntegrationStatus.of(state, message, clock.instant());
    status = next;
    if (state == ConnectionState.ERROR) {
      log.warn("Integration {}: {}", integrationId, message);
    }
    try {
      statusSink.accept(next);
    } catch (RuntimeException e) {
      log.warn("Could not record the status of integration {}: {}", integrationId,
          e.toString());
    }
  }
}
