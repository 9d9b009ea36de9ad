package io.wacanda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.channel.Channel;
import io.wacanda.channel.ChannelLimits;
import io.wacanda.channel.ConnectionControl;
import io.wacanda.channel.OutboundMessage;
import io.wacanda.channel.SendResult;
import io.wacanda.channel.WebhookResult;
import io.wacanda.integration.ChannelContext;
import io.wacanda.integration.ConnectionState;
import io.wacanda.integration.IntegrationProvider;
import io.wacanda.integration.IntegrationStatus;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTest;
import io.wacanda.internal.Json;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.testing.FixedRagEngine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin routes for channels with a login lifecycle: connect, QR, disconnect. */
class ConnectionControlRoutesTest {
  private static final String TOKEN = "token-for-connection-tests";

  /** A channel that logs in through a QR code. */
  static final class LoginProvider implements IntegrationProvider {
    @Override
    public String type() {
      return "login";
    }

    @Override
    public IntegrationTemplate template() {
      return new IntegrationTemplate("login", "Login", "", List.of());
    }

    @Override
    public Channel createChannel(ChannelContext context) {
      return new Channel() {
        volatile ConnectionState state = ConnectionState.DISCONNECTED;

        @Override
        public WebhookResult handleWebhook(io.wacanda.http.HttpRequest request) {
          return WebhookResult.of(List.of());
        }

        @Override
        public SendResult send(OutboundMessage message) {
          return new SendResult("x", context.clock().instant());
        }

        @Override
        public ChannelLimits limits() {
          return ChannelLimits.textOnly(4096);
        }

        @Override
        public Optional<ConnectionControl> connectionControl() {
          return Optional.of(new ConnectionControl() {
            @Override
            public IntegrationStatus connect() {
              state = ConnectionState.CONNECTING;
              return status();
            }

            @Override
            public IntegrationStatus disconnect() {
              state = ConnectionState.DISCONNECTED;
              return status();
            }

            @Override
            public IntegrationStatus status() {
              return IntegrationStatus.of(state, "", context.clock().instant());
            }

            @Override
            public Optional<String> qrCode() {
              return state == ConnectionState.CONNECTING ? Optional.of("2@qr-payload")
                  : Optional.empty();
            }
          });
        }
      };
    }

    @Override
    public IntegrationTest connectivityTest() {
      return ctx -> List.of();
    }
  }

  private final Wacanda wacanda = Wacanda.builder()
      .secretKey("k", SecretCipher.deriveKey("connection-control-test-secret-key"))
      .adminAuthenticator(StaticTokenAdminAuthenticator.of(TOKEN, TenantId.of("t")))
      .ragEngine(new FixedRagEngine())
      .provider(new LoginProvider())
      .build();

  @AfterEach
  void close() {
    wacanda.close();
  }

  private JsonNode call(String method, String path) throws Exception {
    HttpResponse r = wacanda.httpHandler().handle(new HttpRequest(method, path, Map.of(),
        Map.of("Authorization", List.of("Bearer " + TOKEN)), new byte[0], ""));
    JsonNode json = Json.mapper().readTree(r.body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("_status", r.status());
    return json;
  }

  @Test
  void connectShowsTheQrAndDisconnectLogsOut() throws Exception {
    String id = wacanda.integrations().create(TenantId.of("t"), "login", "Phone", Map.of())
        .integration().id();
    assertThat(call("GET", "/admin/integrations/" + id + "/qr").at("/data/qr").isNull()).isTrue();
    JsonNode connected = call("POST", "/admin/integrations/" + id + "/connect");
    assertThat(connected.at("/data/status/state").asText()).isEqualTo("CONNECTING");
    assertThat(call("GET", "/admin/integrations/" + id + "/qr").at("/data/qr").asText())
        .isEqualTo("2@qr-payload");
    assertThat(call("POST", "/admin/integrations/" + id + "/disconnect")
        .at("/data/status/state").asText()).isEqualTo("DISCONNECTED");
  }

  @Test
  void channelsWithoutALoginLifecycleAnswerConflict() throws Exception {
    String id = wacanda.integrations().create(TenantId.of("t"), "custom", "Plain", Map.of())
        .integration().id();
    JsonNode r = call("POST", "/admin/integrations/" + id + "/connect");
    assertThat(r.get("_status").asInt()).isEqualTo(409);
    assertThat(r.at("/error/message").asText()).contains("no connection lifecycle");
  }
}
