package io.wacanda.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryHandoffQueueTest extends HandoffQueueContract {

  @Override
  protected HandoffQueue newQueue() {
    return new InMemoryHandoffQueue();
  }

  @Test
  void touchOfResolvedRequestReturnsItUnchanged() {
    InMemoryHandoffQueue queue = new InMemoryHandoffQueue();
    queue.request(open("h-1", Urgency.LOW, T0));
    HandoffRequest resolved = queue.resolve(TENANT_A, "h-1", T0.plusSeconds(1));

    assertThat(queue.touch(TENANT_A, "h-1", T0.plusSeconds(2))).isEqualTo(resolved);
    assertThat(queue.find(TENANT_A, "h-1")).contains(resolved);
  }
}
