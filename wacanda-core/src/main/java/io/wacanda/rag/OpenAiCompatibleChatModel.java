package io.wacanda.rag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatModel} speaking the OpenAI chat-completions protocol ({@code POST
 * {baseUrl}/chat/completions}), which OpenAI, Azure-compatible gateways, Ollama ({@code
 * http://localhost:11434/v1}), vLLM and llama.cpp servers all accept.
 *
 * <pre>{@code
 * ChatModel model = OpenAiCompatibleChatModel.builder()
 *     .baseUrl("http://localhost:11434/v1")
 *     .model("llama3.2")
 *     .build();
 * }</pre>
 *
 * <p>Errors: HTTP 429 throws {@link RetryableException} {@code RATE_LIMITED} carrying the
 * server's {@code Retry-After}; 5xx and broken connections {@code UNAVAILABLE}; timeouts {@code
 * UPSTREAM_TIMEOUT}; 401 and 403 a final {@link WacandaException} {@code UNAVAILABLE} (fix the
 * API key); other 4xx a final {@code INVALID_REQUEST}; an answer that is not a chat completion
 * a retryable {@code UNAVAILABLE}. Messages name the status and model, never the key or message
 * text.
 *
 * <p>The API key is sent as a bearer token, never logged and redacted from {@link #toString()}.
 * Immutable and thread-safe.
 */
public final class OpenAiCompatibleChatModel implements ChatModel {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleChatModel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Default base URL: {@code https://api.openai.com/v1}. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  /** Default timeout of one call, connection included: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Default connect timeout of the client this model creates: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Default sampling temperature: 0.2 (answers stay close to the passages). */
  public static final double DEFAULT_TEMPERATURE = 0.2;
  /** Default largest answer: 512 tokens. */
  public static final int DEFAULT_MAX_TOKENS = 512;

  private final URI baseUrl;
  private final URI endpoint;
  private final String model;
  private final String apiKey;
  private final double temperature;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final int maxTokens;
  private final HttpClient httpClient;
  private final boolean ownClient;
  private final Clock clock;

  private OpenAiCompatibleChatModel(Builder b) {
    this.baseUrl = b.baseUrl;
    this.endpoint = URI.create(b.baseUrl.toString() + "/chat/completions");
    this.model = b.model;
    this.apiKey = b.apiKey;
    this.temperature = b.temperature;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.maxTokens = b.maxTokens;
    this.ownClient = b.httpClient == null;
    this.httpClient = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
        .connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this model's settings (and its HTTP client). */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.model = model;
    b.apiKey = apiKey;
    b.temperature = temperature;
    b.timeout = timeout;
    b.connectTimeout = connectTimeout;
    b.maxTokens = maxTokens;
    b.httpClient = ownClient ? null : httpClient;
    b.clock = clock;
    return b;
  }

  /** The model name sent with each request. */
  public String model() {
    return model;
  }

  @Override
  public Response chat(List<Turn> messages) {
    Objects.requireNonNull(messages, "messages");
    if (messages.isEmpty()) {
      throw WacandaException.invalid("a chat needs at least one message");
    }
    byte[] body = requestBody(messages);
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = httpClient.send(request.build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new RetryableException(ErrorCode.UPSTREAM_TIMEOUT, "model " + model + " at "
          + baseUrl + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new RetryableException(ErrorCode.UNAVAILABLE, "could not reach model " + model
          + " at " + baseUrl + ": " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WacandaException(ErrorCode.UNAVAILABLE, "interrupted while calling model "
          + model, e);
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    int status = response.statusCode();
    LOG.debug("Model {} answered HTTP {} in {} ms", model, status, latency.toMillis());
    if (status / 100 != 2) {
      throw failure(status, response);
    }
    return parse(response.body(), latency);
  }

  private byte[] requestBody(List<Turn> messages) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode list = root.putArray("messages");
    for (Turn t : messages) {
      list.addObject().put("role", t.role()).put("content", t.content());
    }
    root.put("temperature", temperature);
    root.put("max_tokens", maxTokens);
    root.put("stream", false);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new WacandaException(ErrorCode.INTERNAL, "could not encode chat request", e);
    }
  }

  private Response parse(String body, Duration latency) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new RetryableException(ErrorCode.UNAVAILABLE, "model " + model
          + " answered with something that is not JSON", e);
    }
    JsonNode content = root == null ? null : root.path("choices").path(0).path("message")
        .path("content");
    if (content == null || !content.isTextual()) {
      throw new RetryableException(ErrorCode.UNAVAILABLE, "model " + model
          + " answered without choices[0].message.content", null);
    }
    JsonNode usage = root.path("usage");
    String answeredBy = root.path("model").isTextual() ? root.path("model").asText() : model;
    ModelUsage modelUsage = new ModelUsage(answeredBy, usage.path("prompt_tokens").asLong(0),
        usage.path("completion_tokens").asLong(0), latency);
    return new Response(content.asText(), modelUsage);
  }

  private WacandaException failure(int status, HttpResponse<String> response) {
    String where = "model " + model + " at " + baseUrl;
    if (status == 429) {
      Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After"));
      return new RetryableException(ErrorCode.RATE_LIMITED, where + " is rate limited (HTTP 429)"
          + (retryAfter != null ? "; retry after " + retryAfter.toSeconds() + " s" : ""),
          retryAfter, null);
    }
    if (status >= 500) {
      return new RetryableException(ErrorCode.UNAVAILABLE, where + " failed (HTTP " + status + ")",
          null);
    }
    if (status == 401 || status == 403) {
      return new WacandaException(ErrorCode.UNAVAILABLE, where + " refused the credentials (HTTP "
          + status + "); check the apiKey setting");
    }
    return new WacandaException(ErrorCode.INVALID_REQUEST, where + " rejected the request (HTTP "
        + status + errorCode(response.body()) + ")");
  }

  /** The provider's machine-readable {@code error.code}/{@code error.type}; never its message. */
  private static String errorCode(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      String code = error.path("code").isValueNode() ? error.path("code").asText() : "";
      if (code.isEmpty()) {
        code = error.path("type").asText("");
      }
      code = code.replaceAll("[^A-Za-z0-9_.-]", "");
      return code.isEmpty() ? "" : ", " + code.substring(0, Math.min(64, code.length()));
    } catch (JsonProcessingException | RuntimeException e) {
      return "";
    }
  }

  private Duration retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return null;
    }
    String value = header.get().strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  @Override
  public String toString() {
    return "OpenAiCompatibleChatModel[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
        + (apiKey == null ? "none" : "<redacted>") + ", temperature=" + temperature
        + ", maxTokens=" + maxTokens + ", timeout=" + timeout + "]";
  }

  /** Settings of an {@link OpenAiCompatibleChatModel}; rejects bad values at once. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String model;
    private String apiKey;
    private double temperature = DEFAULT_TEMPERATURE;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private HttpClient httpClient;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The API root, {@code http} or {@code https}, without credentials; {@code /chat/completions}
     * is appended. Default {@code https://api.openai.com/v1}.
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String trimmed = baseUrl.strip();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      URI uri;
      try {
        uri = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw WacandaException.invalid("baseUrl is not a valid URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw WacandaException.invalid("baseUrl must be an absolute http(s) URL, e.g. "
            + DEFAULT_BASE_URL);
      }
      if (uri.getRawUserInfo() != null) {
        throw WacandaException.invalid("baseUrl must not contain credentials; set apiKey");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw WacandaException.invalid("baseUrl must not have a query or fragment");
      }
      this.baseUrl = uri;
      return this;
    }

    /** The model name, e.g. {@code gpt-4o-mini} or {@code llama3.2}. Required. */
    public Builder model(String model) {
      if (model == null || model.isBlank()) {
        throw WacandaException.invalid("model must not be blank");
      }
      this.model = model.strip();
      return this;
    }

    /** Bearer token; optional (local servers need none). Never logged. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
      return this;
    }

    /** Sampling temperature, 0 to 2. Default 0.2. */
    public Builder temperature(double temperature) {
      if (!(temperature >= 0 && temperature <= 2)) {
        throw WacandaException.invalid("temperature must be 0..2, was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /** Timeout of one call, positive. Default 30 seconds. */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw WacandaException.invalid("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Connect timeout of the HTTP client this model creates, positive; ignored with {@link
     * #httpClient}. Default 10 seconds.
     */
    public Builder connectTimeout(Duration connectTimeout) {
      if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
        throw WacandaException.invalid("connectTimeout must be positive, was " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Largest answer in tokens, 1 to 1,000,000. Default 512. */
    public Builder maxTokens(int maxTokens) {
      if (maxTokens < 1 || maxTokens > 1_000_000) {
        throw WacandaException.invalid("maxTokens must be 1..1000000, was " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /** A client to share (its connect timeout and executor apply). Default: one of its own. */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Clock for {@code Retry-After} dates. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** @throws WacandaException when no model is set */
    public OpenAiCompatibleChatModel build() {
      if (model == null) {
        throw WacandaException.invalid("model is required, e.g. gpt-4o-mini or llama3.2");
      }
      return new OpenAiCompatibleChatModel(this);
    }
  }
}
