package io.wacanda.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.rag.ChatModel;
import io.wacanda.rag.ModelUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Any LangChain4j {@link dev.langchain4j.model.chat.ChatModel} (OpenAI, Anthropic, Gemini,
 * Ollama, Bedrock, Azure, ...) as Wacanda's {@link ChatModel}, so the default RAG engine writes
 * answers with it.
 *
 * <pre>{@code
 * DefaultRagEngine rag = DefaultRagEngine.builder()
 *     .chatModel(LangChain4jChatModel.of(OpenAiChatModel.builder()
 *         .apiKey(System.getenv("OPENAI_API_KEY")).modelName("gpt-4o-mini").build()))
 *     .build();
 * }</pre>
 *
 * <p>Roles map to {@link SystemMessage}, {@link UserMessage} and {@link AiMessage}. The answer's
 * usage carries the model name the provider reports (else the one given here), its token counts
 * (0 when not reported) and the measured latency. LangChain4j's retriable failures (rate limit,
 * timeout, server error) become {@link RetryableException}s, so Wacanda's inbox retries them;
 * invalid requests become {@code INVALID_REQUEST}, everything else {@code UNAVAILABLE}. Messages
 * never carry the provider's key. Thread-safe when the wrapped model is.
 */
public final class LangChain4jChatModel implements ChatModel {

  private final dev.langchain4j.model.chat.ChatModel model;
  private final String name;

  private LangChain4jChatModel(dev.langchain4j.model.chat.ChatModel model, String name) {
    this.model = Objects.requireNonNull(model, "model");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Wraps a model; its usage is named after the provider's report or the model's class. */
  public static LangChain4jChatModel of(dev.langchain4j.model.chat.ChatModel model) {
    return new LangChain4jChatModel(model, model.getClass().getSimpleName());
  }

  /** Wraps a model, naming it {@code name} in usage records when the provider reports none. */
  public static LangChain4jChatModel of(dev.langchain4j.model.chat.ChatModel model, String name) {
    return new LangChain4jChatModel(model, name);
  }

  @Override
  public Response chat(List<Turn> turns) {
    List<ChatMessage> messages = new ArrayList<>(turns.size());
    for (Turn t : turns) {
      switch (t.role()) {
        case "system" -> messages.add(SystemMessage.from(t.content()));
        case "user" -> messages.add(UserMessage.from(t.content()));
        case "assistant" -> messages.add(AiMessage.from(t.content()));
        default -> throw WacandaException.invalid("unknown prompt role " + t.role());
      }
    }
    long start = System.nanoTime();
    ChatResponse response;
    try {
      response = model.chat(ChatRequest.builder().messages(messages).build());
    } catch (RateLimitException e) {
      throw new RetryableException(ErrorCode.RATE_LIMITED, "chat model " + name
          + " is rate limited", Duration.ofSeconds(10), e);
    } catch (TimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "chat model " + name
          + " timed out", e);
    } catch (RetriableException e) {
      throw new RetryableException(ErrorCode.UNAVAILABLE, "chat model " + name
          + " failed; worth retrying: " + e.getClass().getSimpleName(), e);
    } catch (AuthenticationException e) {
      throw new WacandaException(ErrorCode.UNAVAILABLE, "chat model " + name
          + " refused the credentials; check its API key", e);
    } catch (InvalidRequestException e) {
      throw new WacandaException(ErrorCode.INVALID_REQUEST, "chat model " + name
          + " refused the request: " + e.getMessage(), e);
    } catch (LangChain4jException e) {
      throw new WacandaException(ErrorCode.UNAVAILABLE, "chat model " + name + " failed: "
          + e.getClass().getSimpleName(), e);
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    AiMessage ai = response.aiMessage();
    String text = ai == null || ai.text() == null ? "" : ai.text();
    TokenUsage usage = response.tokenUsage();
    long in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
    long out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
    String modelName = response.modelName() != null ? response.modelName() : name;
    return new Response(text, new ModelUsage(modelName, in, out, latency));
  }

  @Override
  public String toString() {
    return "LangChain4jChatModel[" + name + "]";
  }
}
