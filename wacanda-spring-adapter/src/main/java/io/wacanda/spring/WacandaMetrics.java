package io.wacanda.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.wacanda.Wacanda;
import io.wacanda.conversation.TurnMetrics;
import io.wacanda.event.WacandaEvent;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer meters for Wacanda:
 *
 * <ul>
 *   <li>{@code wacanda.webhooks.received}: inbound events stored in the inbox (webhooks, polling
 *       channels, the external API's {@code webhook} action), duplicates excluded;
 *   <li>{@code wacanda.webhooks.duplicates}: platform redeliveries recognised and dropped;
 *   <li>{@code wacanda.webhooks.processed}: inbox events processed successfully;
 *   <li>{@code wacanda.webhooks.failed}: failed attempts, tag {@code final} (dead-lettered or to
 *       be retried);
 *   <li>{@code wacanda.reply.latency}: from picking up a customer message to the reply being
 *       ready, tag {@code channel} (the integration type);
 *   <li>{@code wacanda.handoffs.requested}: conversations handed to humans, tag {@code urgency}.
 * </ul>
 *
 * Received, processed and latency come from the stores Wacanda writes to (the core publishes no
 * event for them); failures and handoffs from {@link Wacanda#events()}. No tag carries a tenant,
 * an integration id or any text, so cardinality stays fixed. Thread-safe.
 */
final class WacandaMetrics implements MeterBinder, StoreObserver {
  private final ObjectProvider<Wacanda> wacanda;
  private volatile MeterRegistry registry;
  private volatile Counter received;
  private volatile Counter duplicates;
  private volatile Counter processed;

  WacandaMetrics(ObjectProvider<Wacanda> wacanda) {
    this.wacanda = wacanda;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.received = Counter.builder("wacanda.webhooks.received")
        .description("Inbound events stored in the inbox, duplicates excluded").register(registry);
    this.duplicates = Counter.builder("wacanda.webhooks.duplicates")
        .description("Platform redeliveries recognised and dropped").register(registry);
    this.processed = Counter.builder("wacanda.webhooks.processed")
        .description("Inbox events processed successfully").register(registry);
    failed(registry, true);
    failed(registry, false);
    this.registry = registry;
    wacanda.ifAvailable(w -> w.events().subscribe(this::onEvent));
  }

  private static Counter failed(MeterRegistry registry, boolean dead) {
    return Counter.builder("wacanda.webhooks.failed")
        .description("Failed processing attempts of inbox events")
        .tag("final", Boolean.toString(dead)).register(registry);
  }

  private void onEvent(WacandaEvent event) {
    MeterRegistry r = registry;
    if (event instanceof WacandaEvent.WebhookFailed failed) {
      failed(r, failed.dead()).increment();
    } else if (event instanceof WacandaEvent.HandoffRequested handoff) {
      Counter.builder("wacanda.handoffs.requested")
          .description("Conversations handed to the human queue")
          .tag("urgency", handoff.urgency().toLowerCase(Locale.ROOT)).register(r).increment();
    }
  }

  @Override
  public void webhookStored(boolean duplicate) {
    Counter c = duplicate ? duplicates : received;
    if (c != null) {
      c.increment();
    }
  }

  @Override
  public void webhookProcessed() {
    Counter c = processed;
    if (c != null) {
      c.increment();
    }
  }

  @Override
  public void turnRecorded(TurnMetrics turn) {
    MeterRegistry r = registry;
    if (r != null) {
      Timer.builder("wacanda.reply.latency")
          .description("From picking up a customer message to the reply being ready")
          .tag("channel", turn.channelType()).register(r).record(turn.responseTime());
    }
  }
}
