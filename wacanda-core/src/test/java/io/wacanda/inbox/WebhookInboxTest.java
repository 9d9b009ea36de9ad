package io.wacanda.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookInboxTest {
  private static final TenantId T = TenantId.of("t");
  private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
  private final InMemoryWebhookEventStore store = new InMemoryWebhookEventStore();

  private static InboundEvent message(String id) {
    return new InboundEvent.Message(InboundMessage.text(id, "s", "", java.time.Instant.EPOCH, "hi"));
  }

  private WebhookInbox inbox(EventProcessor p) {
    return new WebhookInbox(store, p, clock, WebhookInbox.Config.defaults()
        .withPollInterval(Duration.ofMillis(10))
        .withRetryPolicy(new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofMinutes(1), 2)));
  }

  @Test
  void storesBeforeAnyProcessingAndRecognisesDuplicates() {
    WebhookInbox inbox = inbox(e -> { });
    var first = inbox.append(T, "i1", List.of(message("m1"), message("m1"), message("m2")));
    assertThat(first).extracting(WebhookEventStore.AppendResult::duplicate)
        .containsExactly(false, true, false);
    assertThat(store.list(T, "i1", Optional.of(EventStatus.PENDING), 10)).hasSize(2);
    assertThat(WebhookInbox.decode(first.get(0).event())).isEqualTo(message("m1"));
  }

  @Test
  void workersProcessAppendedEventsInTheBackground() throws Exception {
    CountDownLatch done = new CountDownLatch(20);
    try (WebhookInbox inbox = inbox(e -> done.countDown())) {
      inbox.start();
      for (int i = 0; i < 20; i++) {
        inbox.append(T, "i1", List.of(message("m" + i)));
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(store.countByStatus(T, "i1").get(EventStatus.PROCESSED)).isEqualTo(20);
  }

  @Test
  void workersStepAsideWhileRequestsWaitAndResumeWhenTheyStop() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean waiting =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(5);
    try (WebhookInbox inbox = inbox(e -> done.countDown())) {
      inbox.yieldTo(() -> {
        asked.incrementAndGet();
        return waiting.get();
      });
      for (int i = 0; i < 5; i++) {
        inbox.append(T, "i1", List.of(message("m" + i)));
      }
      inbox.start();
      CountDownLatch askedOften = new CountDownLatch(1);
      while (asked.get() < 40) { // every worker asked several times, each time told to wait
        assertThat(askedOften.await(5, TimeUnit.MILLISECONDS)).isFalse();
      }
      assertThat(store.countByStatus(T, "i1").get(EventStatus.PENDING)).isEqualTo(5);
      assertThat(done.getCount()).isEqualTo(5);

      waiting.set(false);
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(store.countByStatus(T, "i1").get(EventStatus.PROCESSED)).isEqualTo(5);
  }

  @Test
  void saturationLongerThanAckPriorityIsSharedAgain() throws Exception {
    CountDownLatch done = new CountDownLatch(3);
    try (WebhookInbox inbox = new WebhookInbox(store, e -> done.countDown(), clock,
        WebhookInbox.Config.defaults().withPollInterval(Duration.ofMillis(10))
            .withAckPriority(Duration.ofMillis(50)))) {
      inbox.yieldTo(() -> true); // requests wait for ever
      for (int i = 0; i < 3; i++) {
        inbox.append(T, "i1", List.of(message("m" + i)));
      }
      inbox.start();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void zeroAckPriorityNeverAsksAboutWaitingRequests() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(3);
    try (WebhookInbox inbox = new WebhookInbox(store, e -> done.countDown(), clock,
        WebhookInbox.Config.defaults().withPollInterval(Duration.ofMillis(10))
            .withAckPriority(Duration.ZERO))) {
      inbox.yieldTo(() -> {
        asked.incrementAndGet();
        return true;
      });
      inbox.start();
      for (int i = 0; i < 3; i++) {
        inbox.append(T, "i1", List.of(message("m" + i)));
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(asked).hasValue(0);
  }

  @Test
  void configRejectsNegativeAckPriority() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        WebhookInbox.Config.defaults().withAckPriority(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WebhookInbox.Config.defaults().ackPriority()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retriesWithBackoffHonouringRetryAfterThenDeadLetters() {
    AtomicInteger calls = new AtomicInteger();
    WebhookInbox inbox = inbox(e -> {
      calls.incrementAndGet();
      throw new RetryableException(ErrorCode.RATE_LIMITED, "slow down", Duration.ofSeconds(30),
          null);
    });
    inbox.append(T, "i1", List.of(message("m1")));
    assertThat(inbox.drain()).isEqualTo(1);
    WebhookEvent after1 = store.list(T, "i1", Optional.empty(), 1).get(0);
    assertThat(after1.status()).isEqualTo(EventStatus.PENDING);
    assertThat(after1.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(after1.lastError()).contains("slow down");
    assertThat(inbox.drain()).isZero(); // not due yet
    clock.advance(Duration.ofSeconds(30));
    inbox.drain();
    clock.advance(Duration.ofMinutes(1));
    inbox.drain();
    WebhookEvent dead = store.list(T, "i1", Optional.empty(), 1).get(0);
    assertThat(dead.status()).isEqualTo(EventStatus.DEAD);
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void finalFailuresAreDeadAtOnce() {
    WebhookInbox inbox = inbox(e -> {
      throw new WacandaException(ErrorCode.FORBIDDEN, "blocked by the user");
    });
    inbox.append(T, "i1", List.of(message("m1")));
    inbox.drain();
    WebhookEvent dead = store.list(T, "i1", Optional.empty(), 1).get(0);
    assertThat(dead.status()).isEqualTo(EventStatus.DEAD);
    assertThat(dead.attempts()).isEqualTo(1);
    assertThat(dead.lastError()).isEqualTo("FORBIDDEN: blocked by the user");
  }

  @Test
  void closeWaitsForTheEventInFlight() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WebhookInbox inbox = inbox(e -> {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    });
    inbox.start();
    inbox.append(T, "i1", List.of(message("m1")));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(inbox::close);
    release.countDown();
    closing.get(15, TimeUnit.SECONDS);
    assertThat(store.list(T, "i1", Optional.empty(), 1).get(0).status())
        .isEqualTo(EventStatus.PROCESSED);
  }

  @Test
  void skipsClaimedEventsWhoseLeaseIsRunningOutSoNoTwoWorkersRaceOnThem() {
    AtomicInteger calls = new AtomicInteger();
    WebhookInbox inbox = new WebhookInbox(store, e -> {
      calls.incrementAndGet();
      if (e.idempotencyKey().equals("msg:m1")) {
        clock.advance(Duration.ofSeconds(40)); // the first event of the batch takes long
      }
    }, clock, WebhookInbox.Config.defaults().withLease(Duration.ofSeconds(60)));
    inbox.append(T, "i1", List.of(message("m1"), message("m2"), message("m3")));
    inbox.drain();
    // m2 and m3 had less than half their lease left when their turn came: left for a re-claim.
    assertThat(calls).hasValue(1);
    assertThat(store.countByStatus(T, "i1").get(EventStatus.PROCESSING)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(21));
    inbox.drain();
    assertThat(store.countByStatus(T, "i1").get(EventStatus.PROCESSED)).isEqualTo(3);
    assertThat(calls).hasValue(3);
  }
}
