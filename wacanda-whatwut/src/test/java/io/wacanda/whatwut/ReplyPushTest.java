package io.wacanda.whatwut;

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
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.security.StandardWebhooks;
import io.wacanda.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Replies pushed to webhook_url, signed per Standard Webhooks, instead of the REST API. */
class ReplyPushTest {
  private static final OpenApiDocument DOC = OpenApiDocument.get();
  private final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  private static WireMockServer receiver;
  private WhatWutChannel channel;

  @BeforeAll
  static void startServer() {
    receiver = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    receiver.start();
  }

  @AfterAll
  static void stopServer() {
    receiver.stop();
  }

  @BeforeEach
  void start() {
    receiver.resetAll();
    Map<String, String> settings = TestContexts.settings(
        "http://127.0.0.1:" + receiver.port() + "/v1");
    settings.put("webhook_url", "http://127.0.0.1:" + receiver.port() + "/hooks/replies");
    channel = new WhatWutChannel(TestContexts.whatwut(settings, TestContexts.loopbackGuard(),
        clock, new TestContexts.RecordingEvents()), Duration.ofSeconds(5));
  }

  private void answer(int status) {
    receiver.stubFor(post("/hooks/replies").willReturn(aResponse().withStatus(status)
        .withHeader("Retry-After", "12")));
  }

  @Test
  void pushesASignedReplyThatTheReceiverCanVerifyAndDeduplicate() throws Exception {
    answer(202);

    SendResult result = channel.send(new OutboundMessage("u_5511987654321", "Hello there",
        List.of(new OutboundMessage.Button("wacanda:handoff", "Talk to a person")),
        java.util.Optional.empty(), "out:int_ww_test:wwm_in_77:0"));

    List<LoggedRequest> pushed = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/replies")));
    assertThat(pushed).hasSize(1);
    LoggedRequest req = pushed.get(0);
    byte[] body = req.getBody();
    String id = req.getHeader("webhook-id");
    String ts = req.getHeader("webhook-timestamp");
    assertThat(id).isEqualTo("out:int_ww_test:wwm_in_77:0");
    assertThat(ts).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    // Computed here from the spec, independently of core's signer...
    assertThat(req.getHeader("webhook-signature")).isEqualTo("v1," + hmac(id + "." + ts + ".", body));
    // ...and accepted by a Standard Webhooks verifier.
    StandardWebhooks.of(TestContexts.WEBHOOK_SECRET, clock)
        .verify(id, ts, req.getHeader("webhook-signature"), body);
    assertThat(req.getHeader("Authorization")).isNull();
    JsonNode json = OpenApiDocument.JSON.readTree(body);
    assertThat(DOC.validate("OutboundEvent", json)).isEmpty();
    assertThat(json.get("type").asText()).isEqualTo("message.reply");
    assertThat(json.at("/data/recipient_id").asText()).isEqualTo("u_5511987654321");
    assertThat(json.at("/data/instance_id").asText()).isEqualTo("inst_42");
    assertThat(json.at("/data/text").asText()).isEqualTo("Hello there");
    assertThat(json.at("/data/buttons/0/title").asText()).isEqualTo("Talk to a person");
    assertThat(json.at("/data/idempotency_key").asText()).isEqualTo(id);
    assertThat(result.platformMessageId()).isEqualTo(id);
    // The REST API is not used when replies are pushed.
    assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/v1/instances/inst_42/messages"))))
        .isEmpty();
  }

  @Test
  void retriesKeepTheWebhookIdAndSignAfresh() {
    answer(204);
    OutboundMessage m = OutboundMessage.text("u_1", "hi", "out:k:0");

    channel.send(m);
    clock.advance(Duration.ofSeconds(30));
    channel.send(m);

    List<LoggedRequest> pushed = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/replies")));
    assertThat(pushed).extracting(r -> r.getHeader("webhook-id")).containsOnly("out:k:0");
    assertThat(pushed.get(0).getHeader("webhook-timestamp"))
        .isNotEqualTo(pushed.get(1).getHeader("webhook-timestamp"));
    assertThat(pushed.get(0).getHeader("webhook-signature"))
        .isNotEqualTo(pushed.get(1).getHeader("webhook-signature"));
  }

  @Test
  void goneIsFinal() {
    answer(410);

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e).isNotInstanceOf(RetryableException.class);
    assertThat(e.getMessage()).contains("410", "gone");
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 502, 503, 504})
  void slowDownAndServerErrorsAreRetriedHonouringRetryAfter(int status) {
    answer(status);

    RetryableException e = catchThrowableOfType(RetryableException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e.code()).isEqualTo(status == 429 ? ErrorCode.RATE_LIMITED
        : ErrorCode.CHANNEL_ERROR);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(12));
  }

  @ParameterizedTest
  @ValueSource(ints = {302, 400, 401, 404})
  void redirectsAndOtherRefusalsAreFinal(int status) {
    answer(status);

    WacandaException e = catchThrowableOfType(WacandaException.class,
        () -> channel.send(OutboundMessage.text("u_1", "hi", "out:k:0")));

    assertThat(e).isNotInstanceOf(RetryableException.class);
    assertThat(e.getMessage()).contains(Integer.toString(status))
        .doesNotContain(TestContexts.WEBHOOK_SECRET.substring(6));
  }

  private static String hmac(String prefix, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(
        TestContexts.WEBHOOK_SECRET.substring("whsec_".length())), "HmacSHA256"));
    mac.update(prefix.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(mac.doFinal(body));
  }
}
