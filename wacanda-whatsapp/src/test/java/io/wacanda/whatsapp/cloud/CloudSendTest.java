package io.wacanda.whatsapp.cloud;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.wacanda.whatsapp.cloud.CloudFixtures.ACCESS_TOKEN;
import static io.wacanda.whatsapp.cloud.CloudFixtures.CUSTOMER;
import static io.wacanda.whatsapp.cloud.CloudFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.wacanda.ErrorCode;
import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.MessageContent.MediaKind;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.OutboundMessage.Button;
import io.wacanda.channel.SendResult;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.TestCheck;
import io.wacanda.testing.MutableClock;
import io.wacanda.whatsapp.TestContexts;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Send paths and Graph error codes against WireMock on loopback, fed from the real payloads. */
class CloudSendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MESSAGES = "/v26.0/100000000000002/messages";
  private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
  private final RecordingEvents events = new RecordingEvents();
  private WireMockServer graph;
  private WhatsAppCloudChannel channel;

  @BeforeEach
  void start() {
    graph = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    graph.start();
    channel = CloudFixtures.channel("http://127.0.0.1:" + graph.port(), events, clock);
  }

  @AfterEach
  void stop() {
    graph.stop();
  }

  private void answer(int status, byte[] body) {
    graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  private void accept() {
    answer(200, bytes("send_text_response.json"));
  }

  private List<JsonNode> sentBodies() {
    return graph.findAll(postRequestedFor(urlEqualTo(MESSAGES))).stream()
        .map(r -> read(r.getBodyAsString())).toList();
  }

  private static JsonNode read(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] graphError(int code, String message) {
    return ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"OAuthException\",\"code\":"
        + code + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + message
        + "\"},\"fbtrace_id\":\"TRACE" + code + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- success paths

  @Test
  void sendsTextWithTheBearerTokenAndReturnsTheWamid() {
    accept();

    SendResult r = channel.send(OutboundMessage.text(CUSTOMER, "Your order shipped.", "k1"));

    assertThat(r.platformMessageId()).isEqualTo("wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww");
    LoggedRequest req = graph.findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(0);
    assertThat(req.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
    assertThat(req.getHeader("Content-Type")).startsWith("application/json");
    JsonNode body = read(req.getBodyAsString());
    assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(body.path("recipient_type").asText()).isEqualTo("individual");
    assertThat(body.path("to").asText()).isEqualTo(CUSTOMER);
    assertThat(body.path("type").asText()).isEqualTo("text");
    assertThat(body.path("text").path("body").asText()).isEqualTo("Your order shipped.");
    assertThat(body.path("text").path("preview_url").asBoolean(true)).isFalse();
  }

  @Test
  void upToThreeButtonsBecomeReplyButtons() {
    accept();

    channel.send(new OutboundMessage(CUSTOMER, "Did that help?", List.of(
        new Button("yes", "Yes"), new Button("no", "No"),
        new Button("wacanda:handoff", "Talk to a person now please")), Optional.empty(), "k"));

    JsonNode body = sentBodies().get(0);
    assertThat(body.path("type").asText()).isEqualTo("interactive");
    JsonNode i = body.path("interactive");
    assertThat(i.path("type").asText()).isEqualTo("button");
    assertThat(i.path("body").path("text").asText()).isEqualTo("Did that help?");
    JsonNode buttons = i.path("action").path("buttons");
    assertThat(buttons).hasSize(3);
    assertThat(buttons.get(0).path("type").asText()).isEqualTo("reply");
    assertThat(buttons.get(0).path("reply").path("id").asText()).isEqualTo("yes");
    assertThat(buttons.get(2).path("reply").path("title").asText()).hasSizeLessThanOrEqualTo(20);
  }

  @Test
  void fourToTenChoicesBecomeAListMessage() {
    accept();
    List<Button> five = IntStream.rangeClosed(1, 5)
        .mapToObj(n -> new Button("opt" + n, "Option " + n)).toList();

    channel.send(new OutboundMessage(CUSTOMER, "Pick one", five, Optional.empty(), "k"));

    JsonNode i = sentBodies().get(0).path("interactive");
    assertThat(i.path("type").asText()).isEqualTo("list");
    assertThat(i.path("action").path("button").asText()).isNotBlank();
    JsonNode rows = i.path("action").path("sections").get(0).path("rows");
    assertThat(rows).hasSize(5);
    assertThat(rows.get(4).path("id").asText()).isEqualTo("opt5");
  }

  @Test
  void aLongTextWithButtonsGoesAsTextThenButtonsWithoutLosingWords() {
    accept();
    String text = "word ".repeat(400).strip(); // 1,999 characters: over the 1,024 button body

    channel.send(new OutboundMessage(CUSTOMER, text, List.of(new Button("a", "A")),
        Optional.empty(), "k"));

    List<JsonNode> bodies = sentBodies();
    assertThat(bodies).hasSize(2);
    String first = bodies.get(0).path("text").path("body").asText();
    String second = bodies.get(1).path("interactive").path("body").path("text").asText();
    assertThat(second.length()).isLessThanOrEqualTo(1024);
    assertThat((first + " " + second).split(" ")).hasSize(400);
  }

  @Test
  void sendsMediaByLinkWithTheTextAsCaption() {
    accept();

    channel.send(new OutboundMessage(CUSTOMER, "Your invoice", List.of(), Optional.of(
        new OutboundMessage.Media(MediaKind.DOCUMENT,
            URI.create("https://cdn.example.com/invoices/inv-7.pdf"), "")), "k"));

    JsonNode body = sentBodies().get(0);
    assertThat(body.path("type").asText()).isEqualTo("document");
    assertThat(body.path("document").path("link").asText())
        .isEqualTo("https://cdn.example.com/invoices/inv-7.pdf");
    assertThat(body.path("document").path("caption").asText()).isEqualTo("Your invoice");
    assertThat(body.path("document").path("filename").asText()).isEqualTo("inv-7.pdf");
  }

  @Test
  void sendsATemplateWithNameLanguageAndParameters() {
    accept();
    TemplateMessage t = TemplateMessage.builder("order_update", "en_US")
        .headerParameters("Order 1234")
        .bodyParameters("Ana", "#1234")
        .quickReplyPayload(0, "TRACK_1234")
        .build();

    SendResult r = channel.sendTemplate("+" + CUSTOMER, t);

    assertThat(r.platformMessageId()).startsWith("wamid.");
    JsonNode body = sentBodies().get(0);
    assertThat(body.path("to").asText()).isEqualTo(CUSTOMER);
    assertThat(body.path("type").asText()).isEqualTo("template");
    JsonNode template = body.path("template");
    assertThat(template.path("name").asText()).isEqualTo("order_update");
    assertThat(template.path("language").path("code").asText()).isEqualTo("en_US");
    JsonNode components = template.path("components");
    assertThat(components).hasSize(3);
    assertThat(components.get(0).path("type").asText()).isEqualTo("header");
    assertThat(components.get(1).path("type").asText()).isEqualTo("body");
    assertThat(components.get(1).path("parameters").get(1).path("text").asText())
        .isEqualTo("#1234");
    assertThat(components.get(2).path("sub_type").asText()).isEqualTo("quick_reply");
    assertThat(components.get(2).path("index").asText()).isEqualTo("0");
    assertThat(components.get(2).path("parameters").get(0).path("payload").asText())
        .isEqualTo("TRACK_1234");
  }

  @Test
  void rejectsMalformedTemplates() {
    assertThatThrownBy(() -> TemplateMessage.of("Order Update", "en_US"))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> TemplateMessage.of("order_update", "english"))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> TemplateMessage.of("order_update", "en", " "))
        .isInstanceOf(WacandaException.class);
  }

  @Test
  void marksAMessageAsReadWithATypingIndicator() {
    answer(200, bytes("mark_read_response.json"));

    channel.markAsRead("wamid.abc", true);

    JsonNode body = sentBodies().get(0);
    assertThat(body.path("status").asText()).isEqualTo("read");
    assertThat(body.path("message_id").asText()).isEqualTo("wamid.abc");
    assertThat(body.path("typing_indicator").path("type").asText()).isEqualTo("text");
  }

  @Test
  void downloadsMediaByIdWithTheTokenAndChecksItsHash() throws Exception {
    byte[] png = "fake png bytes".getBytes(StandardCharsets.UTF_8);
    ObjectNode meta = (ObjectNode) JSON.readTree(bytes("media_url_response.json"));
    meta.put("url", "http://127.0.0.1:" + graph.port() + "/lookaside/1000000000000003");
    meta.put("sha256", java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(png)));
    graph.stubFor(get("/v26.0/1000000000000003").willReturn(aResponse().withStatus(200)
        .withBody(JSON.writeValueAsBytes(meta))));
    graph.stubFor(get("/lookaside/1000000000000003")
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(200).withBody(png)));

    MediaDownload d = channel.downloadMedia("1000000000000003");

    assertThat(d.mimeType()).isEqualTo("image/png");
    assertThat(d.bytes()).isEqualTo(png);
  }

  @Test
  void refusesMediaWhoseHashDoesNotMatch() throws Exception {
    ObjectNode meta = (ObjectNode) JSON.readTree(bytes("media_url_response.json"));
    meta.put("url", "http://127.0.0.1:" + graph.port() + "/lookaside/x");
    graph.stubFor(get("/v26.0/1000000000000003").willReturn(aResponse().withStatus(200)
        .withBody(JSON.writeValueAsBytes(meta))));
    graph.stubFor(get("/lookaside/x").willReturn(aResponse().withStatus(200).withBody("other")));

    assertThatThrownBy(() -> channel.downloadMedia("1000000000000003"))
        .isInstanceOf(WacandaException.class).hasMessageContaining("SHA-256");
  }

  // ---------------------------------------------------------------- Graph errors

  @Test
  void throughputLimit130429IsRetryableWithABackoffHint() {
    answer(400, bytes("error_130429.json"));

    assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .isInstanceOf(RetryableException.class)
        .satisfies(e -> {
          RetryableException r = (RetryableException) e;
          assertThat(r.code()).isEqualTo(ErrorCode.RATE_LIMITED);
          assertThat(r.retryAfter()).contains(GraphError.THROUGHPUT_DELAY);
          assertThat(r.getMessage()).contains("130429").contains("Az8or2yhqkZfEZ-_4Qn_Bam")
              .doesNotContain(ACCESS_TOKEN);
        });
  }

  @Test
  void otherRateLimitsAreRetryableWithTheirOwnHints() {
    for (int code : List.of(131056, 4, 80007)) {
      graph.resetAll();
      answer(400, graphError(code, "rate limit " + code));
      Duration expected = code == 131056 ? GraphError.PAIR_RATE_DELAY : GraphError.APP_RATE_DELAY;

      assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
          .isInstanceOf(RetryableException.class)
          .satisfies(e -> assertThat(((RetryableException) e).retryAfter()).contains(expected))
          .hasMessageContaining(String.valueOf(code));
    }
  }

  @Test
  void aRetryAfterHeaderWinsOverTheHint() {
    graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "30").withBody(bytes("error_130429.json"))));

    assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .satisfies(e -> assertThat(((RetryableException) e).retryAfter())
            .contains(Duration.ofSeconds(30)));
  }

  @Test
  void aClosedWindow131047AsksTheHostForATemplate() {
    answer(400, graphError(131047, "Re-engagement message"));

    assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .isInstanceOf(TemplateRequiredException.class)
        .isNotInstanceOf(RetryableException.class)
        .satisfies(e -> {
          TemplateRequiredException t = (TemplateRequiredException) e;
          assertThat(t.recipientId()).isEqualTo(CUSTOMER);
          assertThat(t.code()).isEqualTo(ErrorCode.CHANNEL_ERROR);
          assertThat(t.getMessage()).contains("24-hour").contains("sendTemplate");
        });
  }

  @Test
  void aRejectedToken190TurnsTheIntegrationToErrorWithoutLeakingIt() {
    answer(401, bytes("error_190.json"));

    assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .isInstanceOf(WacandaException.class)
        .isNotInstanceOf(RetryableException.class)
        .hasMessageContaining("190").hasMessageContaining("access_token")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ACCESS_TOKEN));
    assertThat(events.last()).hasValueSatisfying(s -> {
      assertThat(s.state()).isEqualTo(ConnectionState.ERROR);
      assertThat(s.message()).contains("access token").contains("190")
          .doesNotContain(ACCESS_TOKEN);
    });

    // once a new token works again the integration is reported connected
    graph.resetAll();
    accept();
    channel.send(OutboundMessage.text(CUSTOMER, "hi", "k2"));
    assertThat(events.last()).hasValueSatisfying(s ->
        assertThat(s.state()).isEqualTo(ConnectionState.CONNECTED));
  }

  @Test
  void anInvalidParameter100IsFinalAndNamesTheTrace() {
    answer(400, bytes("error_100.json"));

    assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .isInstanceOf(WacandaException.class)
        .isNotInstanceOf(RetryableException.class)
        .hasMessageContaining("Graph error 100")
        .hasMessageContaining("AeadGx6xI8M9EVqcy11ynej");
  }

  @Test
  void serverErrorsAndTimeoutsAreRetryable() {
    graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(503).withBody("oops")));
    assertThatThrownBy(() -> channel.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .isInstanceOf(RetryableException.class);

    graph.resetAll();
    graph.stubFor(post(MESSAGES).willReturn(aResponse().withFixedDelay(3_000)
        .withBody(bytes("send_text_response.json"))));
    WhatsAppCloudChannel impatient = new WhatsAppCloudChannel(TestContexts.context(
        WhatsAppCloudIntegrationProvider.TYPE, CloudFixtures.settings(graph.baseUrl()),
        CloudFixtures.SECRETS, events, clock), Duration.ofMillis(200));
    assertThatThrownBy(() -> impatient.send(OutboundMessage.text(CUSTOMER, "hi", "k")))
        .isInstanceOf(RetryableException.class)
        .satisfies(e -> assertThat(((RetryableException) e).code())
            .isEqualTo(ErrorCode.UPSTREAM_TIMEOUT));
  }

  // ---------------------------------------------------------------- connectivity test

  @Test
  void connectivityTestReportsTheNumberNameAndQuality() {
    graph.stubFor(get(urlPathEqualTo("/v26.0/100000000000002")).willReturn(aResponse()
        .withStatus(200).withBody("{\"display_phone_number\":\"+1 555-000-0000\","
            + "\"verified_name\":\"Acme Support\",\"quality_rating\":\"GREEN\","
            + "\"id\":\"100000000000002\"}")));
    graph.stubFor(get("/v26.0/100000000000001/subscribed_apps").willReturn(aResponse()
        .withStatus(200).withBody("{\"data\":[{\"whatsapp_business_api_data\":{\"id\":\"1\"}}]}")));

    List<TestCheck> checks = new WhatsAppCloudIntegrationProvider().connectivityTest().run(
        TestContexts.context(WhatsAppCloudIntegrationProvider.TYPE,
            CloudFixtures.settings(graph.baseUrl()), CloudFixtures.SECRETS, events, clock));

    assertThat(checks).allMatch(TestCheck::passed);
    assertThat(checks.get(0).message()).contains("+1 555-000-0000").contains("Acme Support")
        .contains("GREEN");
    assertThat(graph.findAll(com.github.tomakehurst.wiremock.client.WireMock
        .getRequestedFor(urlPathEqualTo("/v26.0/100000000000002"))).get(0)
        .getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
  }

  @Test
  void connectivityTestFailsClearlyOnABadToken() {
    graph.stubFor(get(urlPathEqualTo("/v26.0/100000000000002")).willReturn(aResponse()
        .withStatus(401).withBody(bytes("error_190.json"))));
    graph.stubFor(get("/v26.0/100000000000001/subscribed_apps").willReturn(aResponse()
        .withStatus(401).withBody(bytes("error_190.json"))));

    List<TestCheck> checks = new WhatsAppCloudIntegrationProvider().connectivityTest().run(
        TestContexts.context(WhatsAppCloudIntegrationProvider.TYPE,
            CloudFixtures.settings(graph.baseUrl()), CloudFixtures.SECRETS, events, clock));

    assertThat(checks.get(0).passed()).isFalse();
    assertThat(checks.get(0).message()).contains("access token").doesNotContain(ACCESS_TOKEN);
  }
}
