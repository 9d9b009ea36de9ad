package io.wacanda.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import org.junit.jupiter.api.Test;

class InMemoryConversationStoreTest extends ConversationStoreContract {

  @Override
  protected ConversationStore newStore() {
    return new InMemoryConversationStore();
  }

  @Test
  void rejectsNonPositiveLimits() {
    InMemoryConversationStore store = new InMemoryConversationStore();

    assertThatThrownBy(() -> store.listSessions(TENANT_A, INTEGRATION_A, 0))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> store.recentMessages(TENANT_A, "session", -1))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void reopeningAClosedSessionLeavesTheNewerOpenSessionInPlace() {
    InMemoryConversationStore store = new InMemoryConversationStore();
    ChatSession closed = store.openSession(TENANT_A, INTEGRATION_A, "user-1", "", "", T0)
        .withState(SessionState.CLOSED);
    store.updateSession(closed);
    ChatSession current = store.openSession(TENANT_A, INTEGRATION_A, "user-1", "", "", T0);

    store.updateSession(closed.withState(SessionState.BOT));

    assertThat(store.openSession(TENANT_A, INTEGRATION_A, "user-1", "", "", T0))
        .isEqualTo(current);
  }
}
