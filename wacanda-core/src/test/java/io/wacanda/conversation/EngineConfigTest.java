package io.wacanda.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EngineConfigTest {
  private final EngineConfig config = EngineConfig.defaults();

  @ParameterizedTest
  @ValueSource(strings = {"I want to talk to a human", "Can I speak to someone please?",
      "agent", "HUMAN!", "human please", "an agent please", "connect me with a real person", "I need a live agent",
      "let me talk to a manager", "customer service representative please",
      "quiero hablar con una persona", "quero falar com um atendente",
      "put me through to your support team"})
  void recognisesRequestsForAPerson(String text) {
    assertThat(config.asksForHuman(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"How do I return an item?", "Where is my order?",
      "Is the agent fee included?", "What payment methods do you accept?"})
  void doesNotMistakeOrdinaryQuestions(String text) {
    assertThat(config.asksForHuman(text)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hi", "Hello!", "good morning", "thanks", "Thank you so much!", "ok"})
  void answersBareSmallTalk(String text) {
    assertThat(config.smallTalkReply(text)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hi, where is my order?", "thanks but my parcel is late"})
  void leavesQuestionsToTheKnowledgeBase(String text) {
    assertThat(config.smallTalkReply(text)).isEmpty();
  }

  @Test
  void spotsUrgency() {
    assertThat(config.soundsUrgent("I was charged twice, this is urgent")).isTrue();
    assertThat(config.soundsUrgent("where is my parcel")).isFalse();
  }

  @Test
  void rejectsBadValuesAtOnce() {
    assertThatThrownBy(() -> EngineConfig.builder().minConfidence(1.5))
        .hasMessageContaining("minConfidence");
    assertThatThrownBy(() -> EngineConfig.builder().minConfidence(0.1).handoffConfidence(0.2).build())
        .hasMessageContaining("handoffConfidence");
  }
}
