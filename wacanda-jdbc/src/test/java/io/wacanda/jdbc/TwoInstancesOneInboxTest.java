package io.wacanda.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.wacanda.TenantId;
import io.wacanda.inbox.EventStatus;
import io.wacanda.inbox.RetryPolicy;
import io.wacanda.inbox.WebhookEvent;
import io.wacanda.inbox.WebhookInbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Point 9 of the issue: two instances (each its own connection pool, stores and inbox workers)
 * share one PostgreSQL database and drain one inbox together; every event is processed exactly
 * once, and both instances take part.
 */
class TwoInstancesOneInboxTest {
  private static final int EVENTS = 1000;
  private static final TenantId[] TENANTS = {TenantId.of("acme"), TenantId.of("globex")};

  @Test
  void everyEventIsProcessedOnceByTwoInstancesSharingPostgres() throws Exception {
    TestDatabases.postgres();
    String url = TestDatabases.createDatabase();
    Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    Map<String, String> processedBy = new ConcurrentHashMap<>();
    CountDownLatch allDone = new CountDownLatch(EVENTS);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      List<JdbcStores> instances = new ArrayList<>();
      List<WebhookInbox> inboxes = new ArrayList<>();
      for (String name : List.of("instance-1", "instance-2")) {
        HikariDataSource pool = TestDatabases.pool(url, TestDatabases.user(),
            TestDatabases.password(), 6);
        resources.add(pool);
        JdbcStores stores = JdbcStores.builder(pool).build(); // both migrate: Flyway locks
        instances.add(stores);
        WebhookInbox inbox = new WebhookInbox(stores.webhookEventStore(), event -> {
          processed.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
          processedBy.put(event.id(), name);
          allDone.countDown();
        }, Clock.systemUTC(), new WebhookInbox.Config(4, 8, Duration.ofMillis(50),
            Duration.ofMinutes(5), Duration.ofSeconds(10), RetryPolicy.DEFAULT,
            WebhookInbox.namedThreads(name)));
        inboxes.add(inbox);
        resources.add(0, inbox);
      }
      for (int n = 0; n < EVENTS; n++) {
        TenantId tenant = TENANTS[n % 2];
        instances.get(n % 2).webhookEventStore().append(WebhookEvent.pending("evt-" + n, tenant,
            "int-" + tenant.value(), "message", "wamid." + n, "{}", Instant.now()));
      }

      inboxes.forEach(WebhookInbox::start);

      assertThat(allDone.await(120, TimeUnit.SECONDS)).as("all events processed").isTrue();
      inboxes.forEach(WebhookInbox::close);
      assertThat(processed).hasSize(EVENTS);
      assertThat(processed.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
      assertThat(processedBy.values()).contains("instance-1", "instance-2");
      long done = 0;
      for (TenantId tenant : TENANTS) {
        done += instances.get(0).webhookEventStore().countByStatus(tenant,
            "int-" + tenant.value()).get(EventStatus.PROCESSED);
        assertThat(instances.get(1).webhookEventStore().list(tenant, "int-" + tenant.value(),
            Optional.of(EventStatus.PENDING), 10)).isEmpty();
      }
      assertThat(done).isEqualTo(EVENTS);
    } finally {
      for (AutoCloseable r : resources) {
        r.close();
      }
    }
  }

}
