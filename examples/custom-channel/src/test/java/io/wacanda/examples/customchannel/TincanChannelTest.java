package io.wacanda.examples.customchannel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.InboundMessage;
import io.wacanda.channel.MessageContent;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.http.HttpRequest;
import io.wacanda.security.UrlGuard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TincanChannelTest {
  private final TestClock clock = new TestClock("2026-11-24T10:00:05Z");
  private static WireMockServer tincan;
  private TincanChannel channel;

  @BeforeAll
  static void startServer() {
    tincan = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    tincan.start();
  }

  @AfterAll
  static void stopServer() {
    tincan.stop();
  }

  @BeforeEach
  void start() {
    tincan.resetAll();
    channel = new TincanChannel(Payloads.context(
        Payloads.settings("http://127.0.0.1:" + tincan.port()),
        UrlGuard.builder().allowLoopback(true).build(), clock));
  }

  private HttpRequest signed(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new HttpRequest("POST", "/webhooks/int_tincan", Map.of(),
        Map.of("Tincan-Signature", List.of(new TincanSignature(Payloads.SIGNING_SECRET, clock)
            .header(bytes))), bytes, "");
  }

  // ---------------------------------------------------------------- inbound

  @Test
  void parsesABatchIntoNormalizedEventsKeepingUnknownKinds() {
    WebhookResult result = channel.handleWebhook(signed(Payloads.text("webhook_batch.json")));

    assertThat(result.response().status()).isEqualTo(200);
    List<InboundEvent> events = result.events();
    assertThat(events).hasSize(6);
    InboundMessage text = ((InboundEvent.Message) events.get(0)).message();
    assertThat(text.messageId()).isEqualTo("tm_in_1");
    assertThat(text.senderId()).isEqualTo("c_42");
    assertThat(text.senderName()).isEqualTo("Ana Souza");
    assertThat(text.timestamp()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    assertThat(text.content()).isEqualTo(
        new MessageContent.Text("How long does standard delivery take?"));
    assertThat(((InboundEvent.Message) events.get(1)).message().content()).isEqualTo(
        new MessageContent.Media(MessageContent.MediaKind.IMAGE,
            "https://files.tincan.example/f/9.png", "image/png", "Here is the box", ""));
    assertThat(((InboundEvent.Message) events.get(2)).message().content()).isEqualTo(
        new MessageContent.InteractiveReply("wacanda:handoff", "Talk to a person"));
    assertThat(events.get(3)).isEqualTo(new InboundEvent.Status("tm_out_7", "c_42",
        DeliveryState.READ, Instant.parse("2026-11-24T10:00:04Z"), ""));
    assertThat(events.get(4)).isEqualTo(new InboundEvent.Ignored("ev_1005", "typing.started"));
    assertThat(events.get(5)).isEqualTo(
        new InboundEvent.ConversationClosed("ev_1006", "c_42", "unsubscribed"));
  }

  @Test
  void refusesAWebhookWhoseSignatureDoesNotMatch() {
    HttpRequest good = signed(Payloads.text("webhook_batch.json"));
    HttpRequest tampered = new HttpRequest("POST", good.path(), Map.of(), good.headers(),
        good.bodyAsString().replace("standard", "express").getBytes(StandardCharsets.UTF_8), "");

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(tampered));

    assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
  }

  @Test
  void refusesSignedButMalformedBodies() {
    assertThat(catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("not json"))).code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
    assertThat(catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("{\"events\":{}}"))).code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
    assertThat(catchThrowableOfType(WacandaException.class,
        () -> channel.handleWebhook(signed("{\"events\":[{\"id\":\"e\",\"type\":"
            + "\"message.created\",\"message\":{\"id\":\"m\"}}]}"))).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void answersTheVerificationHandshakeOnlyWithTheRightToken() {
    HttpRequest ok = new HttpRequest("GET", "/webhooks/int_tincan", Map.of(
        "tincan.verify_token", List.of(Payloads.VERIFY_TOKEN),
        "tincan.challenge", List.of("ch_123")), Map.of(), new byte[0], "");
    HttpRequest wrong = new HttpRequest("GET", "/webhooks/int_tincan", Map.of(
        "tincan.verify_token", List.of("guess"),
        "tincan.challenge", List.of("ch_123")), Map.of(), new byte[0], "");

    WebhookResult result = channel.handleWebhook(ok);

    assertThat(result.events()).isEmpty();
    assertThat(result.response().status()).isEqualTo(200);
    assertThat(new String(result.response().body(), StandardCharsets.UTF_8)).isEqualTo("ch_123");
    assertThat(catchThrowableOfType(WacandaException.class, () -> channel.handleWebhook(wrong))
        .code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
  }

  // --------------------------------------------------------------- outbound

  @Test
  void sendsWithTheTokenTheIdempotencyKeyAndQuickReplies() throws Exception {
    tincan.stubFor(post("/v2/conversations/c_42/messages").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(Payloads.text(
            "send_response.json"))));

    SendResult result = channel.send(new OutboundMessage("c_42", "Three to five days.",
        List.of(new OutboundMessage.Button("wacanda:handoff", "Talk to a person")),
        java.util.Optional.empty(), "out:int_tincan:tm_in_1:0"));

    assertThat(result.platformMessageId()).isEqualTo("tm_out_7");
    LoggedRequest sent = tincan.findAll(postRequestedFor(
        urlEqualTo("/v2/conversations/c_42/messages"))).get(0);
    assertThat(sent.getHeader("X-Tincan-Token")).isEqualTo(Payloads.TOKEN);
    assertThat(sent.getHeader("Idempotency-Key")).isEqualTo("out:int_tincan:tm_in_1:0");
    JsonNode body = TincanChannel.JSON.readTree(sent.getBodyAsString());
    assertThat(body.get("text").asText()).isEqualTo("Three to five days.");
    assertThat(body.at("/quick_replies/0/payload").asText()).isEqualTo("wacanda:handoff");
  }

  @Test
  void rateLimitIsRetryableWithTheDelayTincanPutsInTheBody() {
    tincan.stubFor(post("/v2/conversations/c_42/messages").willReturn(aResponse().withStatus(429)
        .withBody(Payloads.text("error_429.json"))));

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("c_42", "hi", "k")));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503})
  void serverErrorsAreRetryable(int status) {
    tincan.stubFor(post("/v2/conversations/c_42/messages").willReturn(aResponse()
        .withStatus(status)));

    assertThat(catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("c_42", "hi", "k"))).getMessage())
        .contains(Integer.toString(status));
  }

  @Test
  void rejectedTokenIsFinalAndTheMessageHoldsNoSecret() {
    tincan.stubFor(post("/v2/conversations/c_42/messages").willReturn(aResponse().withStatus(401)
        .withBody(Payloads.text("error_401.json"))));

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.send(OutboundMessage.text("c_42", "hi", "k")));

    assertThat(e).isNotInstanceOf(RetryableException.class);
    assertThat(e.getMessage()).contains("401", "bot_token").doesNotContain(Payloads.TOKEN);
  }

  @Test
  void refusesAnApiUrlTheGuardForbids() {
    TincanChannel strict = new TincanChannel(Payloads.context(
        Payloads.settings("http://127.0.0.1:" + tincan.port()), UrlGuard.strict(), clock));

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> strict.send(OutboundMessage.text("c_42", "hi", "k")));

    assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
    assertThat(tincan.getAllServeEvents()).isEmpty();
  }
}
