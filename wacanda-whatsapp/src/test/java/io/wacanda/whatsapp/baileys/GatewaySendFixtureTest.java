package io.wacanda.whatsapp.baileys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.testing.MutableClock;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A send answered with the captured Evolution v2.3 {@code sendText} exchange. */
class GatewaySendFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private WireMockServer gateway;

  @BeforeEach
  void start() {
    gateway = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    gateway.start();
  }

  @AfterEach
  void stop() {
    gateway.stop();
  }

  @Test
  void sendsTheCapturedRequestShapeAndReadsTheCapturedAnswer() throws Exception {
    JsonNode exchange = JSON.readTree(BaileysFixtures.bytes("api_sendText_request_response.json"));
    gateway.stubFor(post("/message/sendText/demo").willReturn(aResponse()
        .withStatus(exchange.path("http_status").asInt())
        .withHeader("Content-Type", "application/json")
        .withBody(JSON.writeValueAsBytes(exchange.path("response")))));
    BaileysChannel channel = BaileysFixtures.channel(gateway.baseUrl(), "ignore",
        new RecordingEvents(), MutableClock.at("2026-06-14T15:00:00Z"), new ManualScheduler(),
        "http://127.0.0.1:9/webhooks/int_test1");
    JsonNode request = exchange.path("request");

    SendResult r = channel.send(OutboundMessage.text(request.path("number").asText() 
        + "@s.whatsapp.net", request.path("text").asText(), "k"));

    assertThat(r.platformMessageId()).isEqualTo("3EB0DF906D3FABD39B4CDC");
    JsonNode sent = JSON.readTree(gateway.findAll(postRequestedFor(
        urlEqualTo("/message/sendText/demo"))).get(0).getBodyAsString());
    assertThat(sent.path("number")).isEqualTo(request.path("number"));
    assertThat(sent.path("text")).isEqualTo(request.path("text"));
    assertThat(gateway.findAll(postRequestedFor(urlEqualTo("/message/sendText/demo"))).get(0)
        .getHeader("apikey")).isEqualTo(BaileysFixtures.API_KEY);
  }
}
