package io.wacanda.rag;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleChatModelTest {

  private static final String PATH = "/v1/chat/completions";
  private static final String SECRET = "sk-test-very-secret";
  private static WireMockServer server;

  private static final List<ChatModel.Turn> MESSAGES = List.of(
      new ChatModel.Turn("system", "Answer from the passages."),
      new ChatModel.Turn("user", "How do I return an item?"));

  @BeforeAll
  static void startServer() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @BeforeEach
  void resetServer() {
    server.resetAll();
  }

  private static String fixture(String name) {
    try (InputStream in = OpenAiCompatibleChatModelTest.class
        .getResourceAsStream("/rag/openai/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OpenAiCompatibleChatModel.Builder model() {
    return OpenAiCompatibleChatModel.builder()
        .baseUrl(server.baseUrl() + "/v1/")
        .model("llama3.2")
        .apiKey(SECRET)
        .timeout(Duration.ofSeconds(5));
  }

  @Test
  void postsModelAndMessagesAndParsesTheAnswerAndUsage() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(fixture("chat_completion_response.json"))));

    ChatModel.Response response = model().temperature(0.1).maxTokens(300).build().chat(MESSAGES);

    assertThat(response.text()).isEqualTo("You can return unused items within 30 days for a full refund.");
    assertThat(response.usage().model()).isEqualTo("llama3.2:latest");
    assertThat(response.usage().inputTokens()).isEqualTo(152);
    assertThat(response.usage().outputTokens()).isEqualTo(14);
    assertThat(response.usage().latency()).isPositive();
    server.verify(1, postRequestedFor(urlEqualTo(PATH))
        .withHeader("Authorization", equalTo("Bearer " + SECRET))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("""
            {"model": "llama3.2",
             "messages": [
               {"role": "system", "content": "Answer from the passages."},
               {"role": "user", "content": "How do I return an item?"}],
             "temperature": 0.1,
             "max_tokens": 300,
             "stream": false}""")));
  }

  @Test
  void sendsNoAuthorizationWithoutAnApiKey() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withBody(fixture("chat_completion_response.json"))));

    model().apiKey(null).build().chat(MESSAGES);

    server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", absent()));
  }

  @Test
  void rateLimitIsRetryableAfterTheAdvertisedDelay() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "7").withBody(fixture("error_429_rate_limit.json"))));

    assertThatThrownBy(() -> model().build().chat(MESSAGES))
        .isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        })
        .hasMessageContaining("429");
  }

  @Test
  void readsRetryAfterGivenAsAnHttpDate() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "Wed, 01 Jan 2025 10:00:30 GMT")));
    Clock clock = Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC);

    assertThatThrownBy(() -> model().clock(clock).build().chat(MESSAGES))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(30)));
  }

  @Test
  void serverErrorIsRetryableUnavailable() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(500)
        .withBody("upstream exploded")));

    assertThatThrownBy(() -> model().build().chat(MESSAGES))
        .isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
          assertThat(e.retryAfter()).isEmpty();
        })
        .hasMessageContaining("HTTP 500");
  }

  @Test
  void slowAnswerIsRetryableUpstreamTimeout() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withFixedDelay(2_000).withBody(fixture("chat_completion_response.json"))));

    assertThatThrownBy(() -> model().timeout(Duration.ofMillis(200)).build().chat(MESSAGES))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT));
  }

  @Test
  void unreachableServerIsRetryableUnavailable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    assertThatThrownBy(() -> model().baseUrl("http://127.0.0.1:" + port + "/v1").build()
        .chat(MESSAGES))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  @Test
  void rejectedRequestIsFinalAndNamesTheProviderCodeOnly() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
        .withBody(fixture("error_400_context_length.json"))));

    assertThatThrownBy(() -> model().build().chat(MESSAGES))
        .isInstanceOfSatisfying(WacandaException.class, e -> {
          assertThat(e).isNotInstanceOf(RetryableException.class);
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        })
        .hasMessageContaining("HTTP 400, context_length_exceeded")
        .hasMessageNotContaining("9000");
  }

  @Test
  void refusedCredentialsAreFinalAndNeverEchoTheKey() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401)
        .withBody(fixture("error_401_invalid_key.json"))));

    assertThatThrownBy(() -> model().build().chat(MESSAGES))
        .isInstanceOfSatisfying(WacandaException.class, e -> {
          assertThat(e).isNotInstanceOf(RetryableException.class);
          assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        })
        .hasMessageContaining("apiKey")
        .hasMessageNotContaining("sk-test");
  }

  @Test
  void answerWithoutChoicesIsRetryable() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withBody("{\"choices\": []}")));

    assertThatThrownBy(() -> model().build().chat(MESSAGES))
        .isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("choices");
  }

  @Test
  void toStringRedactsTheApiKey() {
    OpenAiCompatibleChatModel model = model().build();

    assertThat(model.toString()).doesNotContain(SECRET).contains("<redacted>").contains("llama3.2");
    assertThat(model.newBuilder().model("other").build().toString())
        .doesNotContain(SECRET).contains("other");
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().build())
        .isInstanceOf(WacandaException.class).hasMessageContaining("model is required");
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().model(" "))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().baseUrl("ftp://x.test"))
        .isInstanceOf(WacandaException.class).hasMessageContaining("http");
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().baseUrl("https://u:p@x.test/v1"))
        .isInstanceOf(WacandaException.class).hasMessageContaining("credentials");
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().temperature(2.5))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().timeout(Duration.ZERO))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> OpenAiCompatibleChatModel.builder().maxTokens(0))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> model().build().chat(List.of()))
        .isInstanceOf(WacandaException.class);
  }
}
