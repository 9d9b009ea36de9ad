package io.wacanda.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.rag.Answer;
import io.wacanda.rag.ChatModel;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LangChain4jChatModelTest {

  /** A LangChain4j model that records its requests and answers as told. */
  static final class Scripted implements dev.langchain4j.model.chat.ChatModel {
    final List<ChatRequest> requests = new ArrayList<>();
    final Function<ChatRequest, ChatResponse> answer;

    Scripted(Function<ChatRequest, ChatResponse> answer) {
      this.answer = answer;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
      requests.add(request);
      return answer.apply(request);
    }
  }

  private static ChatResponse reply(String text) {
    return ChatResponse.builder().aiMessage(AiMessage.from(text)).modelName("gpt-test")
        .tokenUsage(new TokenUsage(120, 30)).build();
  }

  @Test
  void sendsRolesInOrderAndReportsUsage() {
    Scripted lc = new Scripted(r -> reply("Returns take 30 days."));

    ChatModel.Response r = LangChain4jChatModel.of(lc).chat(List.of(
        new ChatModel.Turn("system", "Answer from the passages."),
        new ChatModel.Turn("user", "Hi"),
        new ChatModel.Turn("assistant", "Hello!"),
        new ChatModel.Turn("user", "How long do returns take?")));

    List<ChatMessage> sent = lc.requests.get(0).messages();
    assertThat(sent).hasSize(4);
    assertThat(sent.get(0)).isInstanceOf(SystemMessage.class);
    assertThat(((SystemMessage) sent.get(0)).text()).isEqualTo("Answer from the passages.");
    assertThat(sent.get(1)).isInstanceOf(UserMessage.class);
    assertThat(sent.get(2)).isInstanceOf(AiMessage.class);
    assertThat(((UserMessage) sent.get(3)).singleText()).isEqualTo("How long do returns take?");
    assertThat(r.text()).isEqualTo("Returns take 30 days.");
    assertThat(r.usage().model()).isEqualTo("gpt-test");
    assertThat(r.usage().inputTokens()).isEqualTo(120);
    assertThat(r.usage().outputTokens()).isEqualTo(30);
  }

  @Test
  void writesTheDefaultEnginesAnswersFromItsPrompt() {
    Scripted lc = new Scripted(r -> reply("You have 30 days [1]."));
    DefaultRagEngine rag = DefaultRagEngine.builder()
        .chatModel(LangChain4jChatModel.of(lc, "scripted")).build();
    TenantId t = TenantId.of("t");
    rag.ingest(t, Document.of("returns", "Returns", "kb/returns.md", "text/plain",
        "You can return any item within 30 days of delivery."));

    Answer a = rag.answer(t, "How long can I return an item?", List.of());

    assertThat(a.text()).isEqualTo("You have 30 days [1].");
    assertThat(a.usage()).get().extracting(u -> u.model()).isEqualTo("gpt-test");
    String system = ((SystemMessage) lc.requests.get(0).messages().get(0)).text();
    assertThat(system).contains("[1] Returns").contains("within 30 days");
  }

  @Test
  void mapsLangChain4jFailuresToWacandaErrors() {
    assertThatThrownBy(() -> fail(new RateLimitException("slow down")))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    assertThatThrownBy(() -> fail(new TimeoutException("late")))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT));
    assertThatThrownBy(() -> fail(new AuthenticationException("Incorrect API key sk-abc123")))
        .isInstanceOfSatisfying(WacandaException.class, e -> {
          assertThat(e).isNotInstanceOf(RetryableException.class);
          assertThat(e.getMessage()).doesNotContain("sk-abc123");
        });
    assertThatThrownBy(() -> fail(new InvalidRequestException("context too long")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> LangChain4jChatModel.of(new Scripted(r -> reply("x")))
        .chat(List.of(new ChatModel.Turn("tool", "x"))))
        .isInstanceOf(WacandaException.class).hasMessageContaining("role");
  }

  private static void fail(RuntimeException e) {
    LangChain4jChatModel.of(new Scripted(r -> {
      throw e;
    })).chat(List.of(new ChatModel.Turn("user", "q")));
  }
}
