package io.wacanda.whatsapp.baileys;

import static io.wacanda.whatsapp.baileys.BaileysFixtures.API_KEY;
import static io.wacanda.whatsapp.baileys.BaileysFixtures.INSTANCE;
import static io.wacanda.whatsapp.baileys.BaileysFixtures.WEBHOOK_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.RetryableException;
import io.wacanda.WacandaException;
import io.wacanda.channel.ConnectionControl;
import io.wacanda.channel.InboundEvent;
import io.wacanda.channel.MessageContent.MediaKind;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.integration.TestCheck;
import io.wacanda.testing.MutableClock;
import io.wacanda.whatsapp.TestContexts;
import io.wacanda.whatsapp.TestContexts.RecordingEvents;
import io.wacanda.whatsapp.WebhookReceiver;
import io.wacanda.whatsapp.testkit.FakeEvolutionGateway;
import io.wacanda.whatsapp.testkit.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The login lifecycle and sends against the fake Evolution gateway on loopback. */
class BaileysConnectionTest {
  private final MutableClock clock = MutableClock.at("2026-06-14T15:00:00Z");
  private final RecordingEvents events = new RecordingEvents();
  private final ManualScheduler scheduler = new ManualScheduler();
  private FakeEvolutionGateway gateway;
  private WebhookReceiver receiver;
  private BaileysChannel channel;
  private ConnectionControl control;

  @BeforeEach
  void start() {
    gateway = FakeEvolutionGateway.start(API_KEY);
    receiver = new WebhookReceiver();
    channel = BaileysFixtures.channel(gateway.baseUrl(), "ignore", events, clock, scheduler,
        receiver.url());
    receiver.attach(channel);
    control = channel.connectionControl().orElseThrow();
  }

  @AfterEach
  void stop() {
    channel.close();
    receiver.close();
    gateway.close();
  }

  private IntegrationStatus last() {
    return events.last().orElseThrow();
  }

  private void connectAndScan() {
    channel.start();
    assertThat(gateway.scan(INSTANCE)).isEqualTo(200);
  }

  @Test
  void connectCreatesTheInstanceRegistersTheWebhookAndOffersTheQr() {
    IntegrationStatus status = control.connect();

    assertThat(status.state()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(status.message()).contains("scan the QR code");
    assertThat(gateway.instanceToken(INSTANCE))
        .contains(BaileysChannel.instanceToken(API_KEY, INSTANCE));
    FakeEvolutionGateway.WebhookRegistration hook = gateway.webhook(INSTANCE).orElseThrow();
    assertThat(hook.url()).isEqualTo(receiver.url());
    assertThat(hook.headers()).containsEntry("x-wacanda-secret", WEBHOOK_SECRET);
    assertThat(hook.events()).contains("MESSAGES_UPSERT", "CONNECTION_UPDATE", "QRCODE_UPDATED");
    assertThat(control.qrCode()).isEqualTo(gateway.currentQr(INSTANCE));
    assertThat(gateway.requests()).allSatisfy(r ->
        assertThat(r.header("apikey")).contains(API_KEY));
    assertThat(events.statuses).extracting(IntegrationStatus::message)
        .noneMatch(m -> m.contains(API_KEY) || m.contains("FAKEQR"));
  }

  @Test
  void theGatewaysReportsKeepTheStatusCurrent() {
    control.connect();

    String rotated = gateway.rotateQr(INSTANCE);
    assertThat(control.qrCode()).contains(rotated);

    assertThat(gateway.scan(INSTANCE)).isEqualTo(200);
    assertThat(last().state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(last().message()).contains("5511900000000");
    assertThat(control.qrCode()).isEmpty();
    assertThat(control.status().state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aDropThatIsNotALogoutReconnectsWithBackoff() {
    connectAndScan();

    assertThat(gateway.drop(INSTANCE, 428)).isEqualTo(200);

    assertThat(last().state()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(last().message()).contains("428").contains("reconnecting in 2 s");
    assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(2));

    scheduler.runNext();

    assertThat(gateway.instanceState(INSTANCE)).contains("open");
    assertThat(last().state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(scheduler.delays()).isEmpty();
  }

  @Test
  void reconnectAttemptsBackOffWhileTheGatewayIsDown() {
    connectAndScan();
    gateway.drop(INSTANCE, 503);
    gateway.close(); // the gateway goes away

    scheduler.runNext();

    assertThat(last().state()).isEqualTo(ConnectionState.ERROR);
    assertThat(last().message()).contains("unreachable").contains("retrying in 4 s");
    assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(4));
    assertThat(BaileysConnection.backoff(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(BaileysConnection.backoff(20)).isEqualTo(BaileysConnection.RECONNECT_MAX);
  }

  @Test
  void aLogoutOnThePhoneStopsReconnectingAndTheNextConnectShowsANewQr() {
    connectAndScan();

    gateway.drop(INSTANCE, 401);

    assertThat(last().state()).isEqualTo(ConnectionState.DISCONNECTED);
    assertThat(scheduler.delays()).isEmpty();
    assertThat(control.connect().state()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(control.qrCode()).isPresent();
  }

  @Test
  void disconnectLogsOut() {
    connectAndScan();

    IntegrationStatus s = control.disconnect();

    assertThat(s.state()).isEqualTo(ConnectionState.DISCONNECTED);
    assertThat(gateway.instanceState(INSTANCE)).contains("close");
    assertThat(gateway.requests()).extracting(RecordedRequest::method).contains("DELETE");
  }

  @Test
  void aWrongApiKeyIsReportedAsError() {
    gateway.close();
    gateway = FakeEvolutionGateway.start("the-real-key");
    channel = BaileysFixtures.channel(gateway.baseUrl(), "ignore", events, clock, scheduler,
        receiver.url());

    IntegrationStatus s = channel.connectionControl().orElseThrow().connect();

    assertThat(s.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(s.message()).contains("gateway_api_key").doesNotContain(API_KEY);
    assertThat(scheduler.delays()).isEmpty();
  }

  @Test
  void fallsBackToTheFlatWebhookFormOfOlderGateways() {
    gateway.flatWebhookOnly(true);

    control.connect();

    assertThat(gateway.webhook(INSTANCE).orElseThrow().wrappedForm()).isFalse();
    assertThat(gateway.webhook(INSTANCE).orElseThrow().url()).isEqualTo(receiver.url());
  }

  @Test
  void usesAnInstanceAnOperatorCreatedBefore() {
    gateway.createInstance(INSTANCE, "operators-own-token", "close");

    control.connect();

    assertThat(gateway.instanceToken(INSTANCE)).contains("operators-own-token");
    assertThat(gateway.webhook(INSTANCE)).isPresent();
    // its webhooks authenticate with the registered header even though the token is unknown
    assertThat(gateway.deliverText(INSTANCE, "5511900000001", "Ana", "M1", "hello"))
        .isEqualTo(200);
    assertThat(receiver.events).hasSize(1);
  }

  // ------------------------------------------------------------------------ sends

  @Test
  void sendsTextToTheNumberAndNeverAnswersItsOwnEcho() {
    connectAndScan();

    SendResult r = channel.send(OutboundMessage.text("5511900000001", "Hello there", "k1"));

    RecordedRequest sent = gateway.awaitSentMessages(1, Duration.ofSeconds(5)).get(0);
    assertThat(sent.path()).isEqualTo("/message/sendText/demo");
    assertThat(sent.json().path("number").asText()).isEqualTo("5511900000001");
    assertThat(sent.json().path("text").asText()).isEqualTo("Hello there");
    assertThat(r.platformMessageId()).startsWith("3EB0FAKE");
    // the gateway may report our own send as an upsert without fromMe
    gateway.deliverText(INSTANCE, "5511900000001", "Ana", r.platformMessageId(), "Hello there");
    assertThat(receiver.events).containsExactly(
        new InboundEvent.Ignored(r.platformMessageId(), "from_me"));
  }

  @Test
  void sendsMediaByUrlWithTheTextAsCaption() {
    connectAndScan();

    channel.send(new OutboundMessage("5511900000001@s.whatsapp.net", "Your invoice", List.of(),
        Optional.of(new OutboundMessage.Media(MediaKind.IMAGE,
            URI.create("https://cdn.example.com/a.png"), "")), "k"));
    channel.send(new OutboundMessage("120363000000000001@g.us", "", List.of(),
        Optional.of(new OutboundMessage.Media(MediaKind.VOICE,
            URI.create("https://cdn.example.com/a.ogg"), "")), "k2"));

    List<RecordedRequest> sent = gateway.awaitSentMessages(2, Duration.ofSeconds(5));
    assertThat(sent.get(0).path()).isEqualTo("/message/sendMedia/demo");
    assertThat(sent.get(0).json().path("number").asText()).isEqualTo("5511900000001");
    assertThat(sent.get(0).json().path("mediatype").asText()).isEqualTo("image");
    assertThat(sent.get(0).json().path("media").asText()).isEqualTo("https://cdn.example.com/a.png");
    assertThat(sent.get(0).json().path("caption").asText()).isEqualTo("Your invoice");
    assertThat(sent.get(1).path()).isEqualTo("/message/sendWhatsAppAudio/demo");
    assertThat(sent.get(1).json().path("number").asText()).isEqualTo("120363000000000001@g.us");
  }

  @Test
  void aNumberNotOnWhatsAppIsAFinalFailure() {
    connectAndScan();
    gateway.notOnWhatsApp("5511999999999");

    assertThatThrownBy(() -> channel.send(OutboundMessage.text("5511999999999", "hi", "k")))
        .isInstanceOf(WacandaException.class).isNotInstanceOf(RetryableException.class)
        .hasMessageContaining("not on WhatsApp");
  }

  @Test
  void aClosedSessionIsRetryableAndTriggersAReconnect() {
    control.connect(); // not scanned: the gateway answers "Connection Closed"

    assertThatThrownBy(() -> channel.send(OutboundMessage.text("5511900000001", "hi", "k")))
        .isInstanceOf(RetryableException.class);
    assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void serverErrorsAreRetryable() {
    connectAndScan();
    gateway.failNextSend(500, "Internal Server Error");

    assertThatThrownBy(() -> channel.send(OutboundMessage.text("5511900000001", "hi", "k")))
        .isInstanceOf(RetryableException.class);
  }

  // ------------------------------------------------------------ connectivity test

  @Test
  void connectivityTestReportsTheGatewayAndTheInstance() {
    BaileysIntegrationProvider provider = new BaileysIntegrationProvider(n -> scheduler,
        Duration.ofSeconds(5));
    var context = TestContexts.context(BaileysIntegrationProvider.TYPE,
        BaileysFixtures.settings(gateway.baseUrl(), "ignore"), BaileysFixtures.SECRETS, events,
        clock);

    List<TestCheck> before = provider.connectivityTest().run(context);
    connectAndScan();
    List<TestCheck> after = provider.connectivityTest().run(context);

    assertThat(before.get(0).passed()).isTrue();
    assertThat(before.get(1).passed()).isFalse();
    assertThat(before.get(1).message()).contains("does not exist");
    assertThat(after).allMatch(TestCheck::passed);
    assertThat(after.get(1).message()).contains("connected");
  }
}
