package io.wacanda.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryWebhookEventStoreTest extends WebhookEventStoreContract {

  @Override
  protected WebhookEventStore newStore() {
    return new InMemoryWebhookEventStore();
  }

  @Test
  void countByStatusReportsEveryStatus() {
    InMemoryWebhookEventStore store = new InMemoryWebhookEventStore();

    assertThat(store.countByStatus(TENANT_A, INTEGRATION_A)).containsOnlyKeys(EventStatus.values())
        .allSatisfy((status, count) -> assertThat(count).isZero());
  }

  @Test
  void rejectsNonPositiveMaxLeaseAndBatchSize() {
    InMemoryWebhookEventStore store = new InMemoryWebhookEventStore();

    assertThatThrownBy(() -> store.claimDue(T0, 0, LEASE)).isInstanceOfSatisfying(
        WacandaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> store.claimDue(T0, 1, Duration.ZERO)).isInstanceOfSatisfying(
        WacandaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> store.deleteTerminalBefore(T0, 0)).isInstanceOfSatisfying(
        WacandaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
