package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.channel.DeliveryState;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.MessageRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the chat model is sent: numbered sources, recent history, within the budget. */
class PromptBudgetTest {

  private static final TenantId T = TenantId.of("t");

  private static ChatMessage message(MessageRole role, String text) {
    return new ChatMessage("m" + text.hashCode(), T, "s", "i", role, text, "", "",
        DeliveryState.SENT, "", Instant.parse("2026-01-01T00:00:00Z"));
  }

  private static final class Recording implements ChatModel {
    final AtomicReference<List<Turn>> last = new AtomicReference<>();

    @Override
    public Response chat(List<Turn> messages) {
      last.set(List.copyOf(messages));
      return new Response("ok", new ModelUsage("m", 1, 1, java.time.Duration.ZERO));
    }
  }

  private static String sentence(String topic, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("Our ").append(topic).append(" policy rule ").append(i)
          .append(" says that returns of parcels are handled within days. ");
    }
    return sb.toString().strip();
  }

  @Test
  void numbersThePassagesThatFitAndKeepsTheMostRecentHistoryThatFits() {
    Recording model = new Recording();
    DefaultRagEngine rag = DefaultRagEngine.builder().chatModel(model).topK(4)
        .promptBudgetChars(1_500).historyTurns(10).build();
    for (int d = 0; d < 4; d++) {
      rag.ingest(T, Document.of("d" + d, "Returns " + d, "kb/" + d, "text/plain",
          sentence("returns" + d, 6)));
    }
    List<ChatMessage> history = new ArrayList<>();
    history.add(message(MessageRole.CUSTOMER, "x".repeat(900)));
    history.add(message(MessageRole.BOT, "An earlier answer about parcels."));
    history.add(message(MessageRole.CUSTOMER, "How are returns of parcels handled?"));

    rag.answer(T, "How are returns of parcels handled?", history);

    List<ChatModel.Turn> turns = model.last.get();
    String system = turns.get(0).content();
    assertThat(system).contains("[1] Returns").contains("answer", "only");
    int passagesAndHistory = system.length()
        - DefaultRagEngine.DEFAULT_PROMPT_TEMPLATE.length()
        + turns.subList(1, turns.size() - 1).stream().mapToInt(t -> t.content().length()).sum();
    assertThat(passagesAndHistory).isLessThanOrEqualTo(1_500 + DefaultRagEngine
        .PASSAGES_PLACEHOLDER.length());
    assertThat(system).doesNotContain("[4]"); // four passages of ~500 characters do not fit
    // the recent bot message fits; the 900-character one before it no longer does
    assertThat(turns.subList(1, turns.size() - 1)).extracting(ChatModel.Turn::content)
        .containsExactly("An earlier answer about parcels.");
    assertThat(turns.get(turns.size() - 1).content())
        .isEqualTo("How are returns of parcels handled?");
  }

  @Test
  void cutsASinglePassageLongerThanTheBudgetAtASentence() {
    Recording model = new Recording();
    DefaultRagEngine rag = DefaultRagEngine.builder().chatModel(model).topK(1)
        .promptBudgetChars(1_000).chunker(ParagraphChunker.builder().maxChars(3_000)
            .overlapChars(0).build()).build();
    rag.ingest(T, Document.of("long", "Long", "kb/long", "text/plain", sentence("returns", 30)));

    rag.answer(T, "returns of parcels policy", List.of());

    String system = model.last.get().get(0).content();
    String passage = system.substring(system.indexOf("[1] Long\n") + "[1] Long\n".length());
    assertThat(passage.length()).isLessThanOrEqualTo(1_000);
    assertThat(passage).endsWith("within days.");
  }

  @Test
  void cutsTextAtSentencesThenWords() {
    assertThat(DefaultRagEngine.cutAtSentence("One two. Three four. Five.", 20))
        .isEqualTo("One two. Three four.");
    assertThat(DefaultRagEngine.cutAtSentence("Averyveryverylongword and more", 10))
        .hasSizeLessThanOrEqualTo(10);
    assertThat(DefaultRagEngine.cutAtSentence("Short.", 100)).isEqualTo("Short.");
  }
}
