package io.wacanda.whatwut;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.integration.ConnectionState;
import io.wacanda.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sends through the REST API against a WireMock fake answering with the OpenAPI examples. */
class WhatWutSendTest {
  private static final String SEND_PATH = "/v1/instances/inst_42/messages";
  private static final OpenApiDocument DOC = OpenApiDocument.get();

  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private final TestContexts.RecordingEvents events = new TestContexts.RecordingEvents();
  private static WireMockServer whatwut;
  private WhatWutChannel channel;

  @BeforeAll
  static void startServer() {
    whatwut = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    whatwut.start();
  }

  @AfterAll
  static void stopServer() {
    whatwut.stop();
  }

  @BeforeEach
  void start() {
    whatwut.resetAll();
    channel = channel(TestContexts.settings(base()), Duration.ofSeconds(5));
  }

  private String base() {
    return "http://127.0.0.1:" + whatwut.port() + "/v1/";
  }

  private WhatWutChannel channel(Map<String, String> settings, Duration timeout) {
    return new WhatWutChannel(TestContexts.whatwut(settings, TestContexts.loopbackGuard(), clock,
        events), timeout);
  }

  private void answer(int status, String body) {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  private LoggedRequest onlySend() {
    List<LoggedRequest> sends = whatwut.findAll(postRequestedFor(urlEqualTo(SEND_PATH)));
    assertThat(sends).hasSize(1);
    return sends.get(0);
  }

  @Test
  void sendsTextWithBearerKeyIdempotencyKeyAndAContractConformingBody() throws Exception {
    answer(201, DOC.responseExample("/instances/{instance_id}/messages", "post", "201"));

    SendResult result = channel.send(OutboundMessage.text("u_5511987654321",
        "Standard delivery takes 3 to 5 working days.", "out:int_ww_test:wwm_in_77:0"));

    assertThat(result.platformMessageId()).isEqualTo("wwm_8f3a2c");
    assertThat(result.sentAt()).isEqualTo(Instant.parse("2026-11-24T10:00:01Z"));
    LoggedRequest sent = onlySend();
    assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + TestContexts.API_KEY);
    assertThat(sent.getHeader("Idempotency-Key")).isEqualTo("out:int_ww_test:wwm_in_77:0");
    assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
    JsonNode body = OpenApiDocument.JSON.readTree(sent.getBodyAsString());
    assertThat(body.get("to").asText()).isEqualTo("u_5511987654321");
    assertThat(body.get("text").asText()).isEqualTo("Standard delivery takes 3 to 5 working days.");
    assertThat(body.has("buttons")).isFalse();
    assertThat(DOC.validate("SendMessageRequest", body)).isEmpty();
  }

  @Test
  void sendsButtonsAndMediaAsTheContractSpells() throws Exception {
    answer(201, DOC.responseExample("/instances/{instance_id}/messages", "post", "201"));
    OutboundMessage message = new OutboundMessage("u_1", "Pick one",
        List.of(new OutboundMessage.Button("wacanda:handoff", "Talk to a person"),
            new OutboundMessage.Button("2", "Track my order")),
        Optional.of(new OutboundMessage.Media(MessageContent.MediaKind.IMAGE,
            URI.create("https://cdn.example/label.png"), "Your label")), "out:k:1");

    channel.send(message);

    JsonNode body = OpenApiDocument.JSON.readTree(onlySend().getBodyAsString());
    assertThat(body.at("/buttons/0/id").asText()).isEqualTo("wacanda:handoff");
    assertThat(body.at("/buttons/1/title").asText()).isEqualTo("Track my order");
    assertThat(body.at("/media/type").asText()).isEqualTo("image");
    assertThat(body.at("/media/url").asText()).isEqualTo("https://cdn.example/label.png");
    assertThat(body.at("/media/caption").asText()).isEqualTo("Your label");
    assertThat(DOC.validate("SendMessageRequest", body)).isEmpty();
  }

  @Test
  void acceptsTheReplayOfAnEarlierSendWithTheSameKey() {
    answer(200, DOC.responseExample("/instances/{instance_id}/messages", "post", "200"));

    SendResult result = channel.send(OutboundMessage.text("u_1", "hi", "out:k:0"));

    assertThat(result.platformMessageId()).isEqualTo("wwm_8f3a2c");
  }

  @Test
  void keepsASuccessfulSendWhoseAnswerHasNoId() {
    answer(201, "not json");

    SendResult result = channel.send(OutboundMessage.text("u_1", "hi", "out:k:0"));

    assertThat(result.platformMessageId()).isEmpty();
    assertThat(result.sentAt()).isEqualTo(clock.instant());
  }

  @Test
  void hashesIdempotencyKeysThatCannotTravelInAHeader() {
    answer(201, DOC.responseExample("/instances/{instance_id}/messages", "post", "201"));
    String key = "out:int_ww_test:mensagem çom espaço\n:0";

    channel.send(OutboundMessage.text("u_1", "hi", key));
    channel.send(OutboundMessage.text("u_1", "hi", key));

    List<LoggedRequest> sends = whatwut.findAll(postRequestedFor(urlEqualTo(SEND_PATH)));
    assertThat(sends).hasSize(2);
    assertThat(sends.get(0).getHeader("Idempotency-Key")).matches("sha256:[0-9a-f]{64}")
        .isEqualTo(sends.get(1).getHeader("Idempotency-Key"));
  }

  @Test
  void rateLimitIsRetryableWithTheAdvertisedDelayInSeconds() {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "7").withHeader("Content-Type", "application/json")
        .withBody(DOC.sharedResponseExample("TooManyRequests"))));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.getMessage()).contains("429", "rate_limited", "int_ww_test");
  }

  @Test
  void rateLimitHonoursAnHttpDateRetryAfter() {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "Tue, 24 Nov 2026 10:01:30 GMT")));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.retryAfter()).contains(Duration.ofSeconds(90));
  }

  @Test
  void rateLimitWithoutRetryAfterLeavesTheDelayToTheInbox() {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(429)));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryAfter()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void serverErrorsAreRetryable(int status) {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(status)
        .withHeader("Retry-After", "3")
        .withBody(DOC.sharedResponseExample("Error"))));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_ERROR);
    assertThat(e.getMessage()).contains(Integer.toString(status));
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
  }

  @Test
  void rejectedKeyIsFinalMarksTheIntegrationInErrorAndRecoversOnTheNextSuccess() {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody(DOC.sharedResponseExample("Unauthorized"))));

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e).isNotInstanceOf(RetryableException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_ERROR);
    assertThat(e.getMessage()).contains("401", "invalid_api_key", "api_key")
        .doesNotContain(TestContexts.API_KEY);
    assertThat(events.statuses).hasSize(1);
    assertThat(events.statuses.get(0).state()).isEqualTo(ConnectionState.ERROR);

    answer(201, DOC.responseExample("/instances/{instance_id}/messages", "post", "201"));
    channel.send(OutboundMessage.text("u_1", "hi", "out:k:1"));
    assertThat(events.statuses).hasSize(2);
    assertThat(events.statuses.get(1).state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 409, 413, 422, 301})
  void otherRefusalsAreFinalAndNameTheStatus(int status) {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(status)
        .withHeader("Location", "https://elsewhere.example/")
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"recipient_unknown\",\"message\":\"echo "
            + TestContexts.API_KEY + "\"}}")));

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e).isNotInstanceOf(RetryableException.class);
    assertThat(e.getMessage()).contains(Integer.toString(status), "int_ww_test")
        .doesNotContain(TestContexts.API_KEY);
  }

  @Test
  void timeoutIsRetryableAndSaysHowLongItWaited() {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse().withStatus(201)
        .withFixedDelay(1_000)));
    WhatWutChannel impatient = channel(TestContexts.settings(base()), Duration.ofMillis(200));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> impatient.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
    assertThat(e.getMessage()).contains("within 200 ms");
  }

  @Test
  void brokenConnectionIsRetryable() {
    whatwut.stubFor(post(SEND_PATH).willReturn(aResponse()
        .withFault(Fault.CONNECTION_RESET_BY_PEER)));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_ERROR);
    assertThat(e.getMessage()).contains("unreachable").doesNotContain(TestContexts.API_KEY);
  }

  @Test
  void refusedConnectionIsRetryable() {
    WhatWutChannel nowhere = channel(TestContexts.settings(
        "http://127.0.0.1:" + TestContexts.closedPort() + "/v1"), Duration.ofSeconds(5));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> nowhere.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_ERROR);
    assertThat(e.getMessage()).contains("refused the connection");
  }

  @Test
  void baseUrlIsCheckedByTheUrlGuardBeforeEverySend() {
    WhatWutChannel strict = new WhatWutChannel(TestContexts.whatwut(
        TestContexts.settings(base()), io.wacanda.security.UrlGuard.strict(), clock, events),
        Duration.ofSeconds(1));

    assertThatThrownBy(() -> strict.send(OutboundMessage.text("u_1", "hi", "out:k:0")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED));
    assertThat(whatwut.getAllServeEvents()).isEmpty();
  }

  @Test
  void refusesToSendNothing() {
    assertThatThrownBy(() -> channel.send(OutboundMessage.text("u_1", "", "out:k:0")))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void declaresTheContractsLimits() {
    assertThat(channel.limits().maxTextLength()).isEqualTo(
        DOC.at("/components/schemas/SendMessageRequest/properties/text/maxLength").asInt());
    assertThat(channel.limits().maxButtons()).isEqualTo(
        DOC.at("/components/schemas/SendMessageRequest/properties/buttons/maxItems").asInt());
    assertThat(channel.limits().maxButtonTitleLength()).isEqualTo(
        DOC.at("/components/schemas/Button/properties/title/maxLength").asInt());
    assertThat(channel.limits().supportsMedia()).isTrue();
  }
}
