package io.wacanda.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.rag.Document;
import io.wacanda.telegram.testkit.FakeBotApi;
import io.wacanda.telegram.testkit.FakeBotApi.Call;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The quickstart's setup (JDK server, embedded defaults, providers found by ServiceLoader, the
 * default RAG engine over the quickstart's sample help centre) answers a Telegram customer whose bot
 * talks to a fake Bot API on loopback: once by long polling, once by webhook. The integration is
 * created through the admin API like any other type.
 */
class QuickstartEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long CUSTOMER = 100000001L;
  private FakeBotApi fake;
  private Harness harness;

  @BeforeEach
  void start() {
    fake = FakeBotApi.builder().token(Contexts.TOKEN).start();
    harness = Harness.start(b -> b); // discovery on, every default, as in the quickstart
    for (Path file : sampleKnowledgeBase()) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        harness.wacanda.rag().ingest(Harness.TENANT, Document.of(file.getFileName().toString(),
            text.lines().findFirst().orElse("").replace("# ", ""), "sample-kb/"
                + file.getFileName(), "text/markdown", text));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @AfterEach
  void stop() {
    harness.close();
    fake.close();
  }

  /** The quickstart's own sample help centre, read from the repository. */
  static List<Path> sampleKnowledgeBase() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path kb = p.resolve("examples/quickstart/src/main/resources/sample-kb");
      if (Files.isDirectory(kb)) {
        try (var files = Files.list(kb)) {
          return files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("examples/quickstart sample-kb not found");
  }

  @Test
  void discoversTheTelegramType() {
    Harness.Reply templates = harness.admin("GET", "/admin/templates", null);
    assertThat(templates.json().get("data")).extracting(t -> t.get("type").asText())
        .contains("telegram", "custom");
  }

  @Test
  void answersACustomerByLongPolling() {
    JsonNode created = harness.createTelegram("Support bot (polling)", Map.of(
        "bot_token", Contexts.TOKEN, "mode", "polling", "api_base_url", fake.baseUrl()));
    String id = created.get("id").asText();

    fake.enqueueText(CUSTOMER, "How long do I have to return an item?");

    Call reply = fake.awaitCall("sendMessage", c -> c.toChat(CUSTOMER), WAIT);
    assertThat(reply.param("text")).contains("30 days");
    // The update was confirmed after it was stored.
    fake.awaitCall("getUpdates", c -> !c.param("offset").isEmpty(), WAIT);
    JsonNode view = harness.admin("GET", "/admin/integrations/" + id, null).json().get("data");
    assertThat(view.get("status").get("state").asText()).isEqualTo("CONNECTED");
  }

  @Test
  void answersACustomerByWebhook() {
    JsonNode created = harness.createTelegram("Support bot (webhook)", Map.of(
        "bot_token", Contexts.TOKEN, "api_base_url", fake.baseUrl()));
    assertThat(fake.webhook().orElseThrow().url()).isEqualTo(created.get("webhook_url").asText());

    FakeBotApi.WebhookDelivery d = fake.deliverToWebhook(
        fake.privateText(CUSTOMER, "How long do I have to return an item?").toString());

    assertThat(d.status()).isEqualTo(200);
    Call reply = fake.awaitCall("sendMessage", c -> c.toChat(CUSTOMER), WAIT);
    assertThat(reply.param("text")).contains("30 days");
  }

  @Test
  void aPollingConflictShowsOnTheIntegrationsStatus() {
    fake.setWebhook("https://elsewhere.example.com/hook", "theirs");
    String id = harness.createTelegram("Conflicted bot", Map.of("bot_token", Contexts.TOKEN,
        "mode", "polling", "api_base_url", fake.baseUrl())).get("id").asText();
    JsonNode status = harness.awaitState(id, "ERROR", WAIT);
    assertThat(status.get("message").asText()).contains("409 Conflict");
    fake.clearWebhook(); // polling backs off (1 s, 2 s, ...) and recovers
    harness.awaitState(id, "CONNECTED", WAIT);
  }

  @Test
  void disablingStopsPollingAndEnablingResumesIt() {
    String id = harness.createTelegram("Support bot", Map.of("bot_token", Contexts.TOKEN,
        "mode", "polling", "api_base_url", fake.baseUrl())).get("id").asText();
    harness.awaitState(id, "CONNECTED", WAIT);
    harness.admin("POST", "/admin/integrations/" + id + "/disable", null);
    harness.awaitState(id, "DISCONNECTED", WAIT);
    fake.enqueueText(CUSTOMER, "How long do I have to return an item?");
    harness.admin("POST", "/admin/integrations/" + id + "/enable", null);
    Call reply = fake.awaitCall("sendMessage", c -> c.toChat(CUSTOMER), WAIT);
    assertThat(reply.param("text")).contains("30 days");
  }

  @Test
  void theAdminConnectionRoutesStopAndStartPolling() {
    String id = harness.createTelegram("Support bot", Map.of("bot_token", Contexts.TOKEN,
        "mode", "polling", "api_base_url", fake.baseUrl())).get("id").asText();
    harness.awaitState(id, "CONNECTED", WAIT);
    assertThat(harness.admin("POST", "/admin/integrations/" + id + "/disconnect", null).status())
        .isEqualTo(200);
    harness.awaitState(id, "DISCONNECTED", WAIT);
    fake.enqueueText(CUSTOMER, "How long do I have to return an item?");
    assertThat(harness.admin("POST", "/admin/integrations/" + id + "/connect", null).status())
        .isEqualTo(200);
    assertThat(fake.awaitCall("sendMessage", c -> c.toChat(CUSTOMER), WAIT).param("text"))
        .contains("30 days");
    harness.awaitState(id, "CONNECTED", WAIT);
  }
}
