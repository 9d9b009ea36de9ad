package io.wacanda.telegram.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake behaves like the Bot API where the Telegram channel depends on it. */
class FakeBotApiTest {
  private static final String TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ_12345";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private FakeBotApi fake;

  @BeforeEach
  void start() {
    fake = FakeBotApi.builder().token(TOKEN).start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private JsonNode call(String method, String json) throws Exception {
    return callAsync(TOKEN, method, json).get(30, TimeUnit.SECONDS);
  }

  private CompletableFuture<JsonNode> callAsync(String token, String method, String json) {
    HttpRequest req = HttpRequest.newBuilder(
            URI.create(fake.baseUrl() + "/bot" + token + "/" + method))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      try {
        return JSON.readTree(r.body());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void servesQueuedUpdatesAndForgetsThemOnceConfirmedByOffset() throws Exception {
    long a = fake.enqueueText(7, "one");
    long b = fake.enqueueText(7, "two");
    JsonNode first = call("getUpdates", "{}");
    assertThat(first.get("result")).hasSize(2);
    assertThat(call("getUpdates", "{\"offset\":" + a + "}").get("result")).hasSize(2);
    assertThat(call("getUpdates", "{\"offset\":" + (b + 1) + "}").get("result")).isEmpty();
    assertThat(fake.pendingUpdates()).isZero();
  }

  @Test
  void aLongPollReturnsWhenAnUpdateArrives() throws Exception {
    CompletableFuture<JsonNode> poll = callAsync(TOKEN, "getUpdates", "{\"timeout\":25}");
    fake.awaitCall("getUpdates", Duration.ofSeconds(5));
    fake.enqueueText(7, "hello");
    JsonNode r = poll.get(10, TimeUnit.SECONDS);
    assertThat(r.get("result").get(0).get("message").get("text").asText()).isEqualTo("hello");
  }

  @Test
  void aSecondPollerEndsTheFirstWithConflict() throws Exception {
    CompletableFuture<JsonNode> older = callAsync(TOKEN, "getUpdates", "{\"timeout\":25}");
    fake.awaitCall("getUpdates", Duration.ofSeconds(5));
    CompletableFuture<JsonNode> newer = callAsync(TOKEN, "getUpdates", "{\"timeout\":25}");
    JsonNode ended = older.get(10, TimeUnit.SECONDS);
    assertThat(ended.get("error_code").asInt()).isEqualTo(409);
    assertThat(ended.get("description").asText()).isEqualTo(FakeBotApi.TERMINATED_BY_OTHER);
    fake.enqueueText(7, "x");
    assertThat(newer.get(10, TimeUnit.SECONDS).get("ok").asBoolean()).isTrue();
  }

  @Test
  void getUpdatesIsRefusedWhileAWebhookIsSet() throws Exception {
    assertThat(call("setWebhook", "{\"url\":\"https://x.example/h\",\"secret_token\":\"abc\"}")
        .get("result").asBoolean()).isTrue();
    JsonNode r = call("getUpdates", "{}");
    assertThat(r.get("error_code").asInt()).isEqualTo(409);
    assertThat(r.get("description").asText()).isEqualTo(FakeBotApi.WEBHOOK_ACTIVE);
    assertThat(call("getWebhookInfo", "{}").get("result").get("url").asText())
        .isEqualTo("https://x.example/h");
    call("deleteWebhook", "{}");
    assertThat(call("getUpdates", "{}").get("ok").asBoolean()).isTrue();
  }

  @Test
  void aWrongTokenIsUnauthorized() throws Exception {
    JsonNode r = callAsync("999:nope", "getMe", "{}").get(10, TimeUnit.SECONDS);
    assertThat(r.get("error_code").asInt()).isEqualTo(401);
    assertThat(fake.calls()).isEmpty();
  }

  @Test
  void sendMessageFollowsTelegramsRulesAndInjectedFailures() throws Exception {
    assertThat(call("sendMessage", "{\"chat_id\":7,\"text\":\"\"}").get("description").asText())
        .isEqualTo("Bad Request: message text is empty");
    assertThat(call("sendMessage", "{\"chat_id\":7,\"text\":\"" + "a".repeat(4097) + "\"}")
        .get("description").asText()).isEqualTo("Bad Request: message is too long");
    fake.failNext("sendMessage", FakeBotApi.Failure.tooManyRequests(8));
    JsonNode limited = call("sendMessage", "{\"chat_id\":7,\"text\":\"hi\"}");
    assertThat(limited.get("parameters").get("retry_after").asInt()).isEqualTo(8);
    fake.migrateChat(-5, -1005);
    assertThat(call("sendMessage", "{\"chat_id\":-5,\"text\":\"hi\"}").get("parameters")
        .get("migrate_to_chat_id").asLong()).isEqualTo(-1005);
    fake.blockChat(7);
    assertThat(call("sendMessage", "{\"chat_id\":7,\"text\":\"hi\"}").get("error_code").asInt())
        .isEqualTo(403);
    fake.unblockChat(7);
    JsonNode ok = call("sendMessage", "{\"chat_id\":7,\"text\":\"hi\"}");
    assertThat(ok.get("result").get("chat").get("id").asLong()).isEqualTo(7);
    assertThat(fake.calls("sendMessage")).hasSize(6);
  }

  @Test
  void deliversToTheWebhookWithTheSecretAndRunsTheMethodInTheAnswer() throws Exception {
    List<String> secrets = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", ex -> {
      secrets.add(String.valueOf(ex.getRequestHeaders().getFirst(FakeBotApi.SECRET_HEADER)));
      byte[] body = "{\"method\":\"answerCallbackQuery\",\"callback_query_id\":\"42\"}"
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    receiver.start();
    try {
      fake.setWebhook("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "s3cret");
      FakeBotApi.WebhookDelivery d = fake.deliverToWebhook("{\"update_id\":1}");
      assertThat(d.status()).isEqualTo(200);
      assertThat(secrets).containsExactly("s3cret");
      assertThat(fake.calls("answerCallbackQuery").get(0).param("callback_query_id"))
          .isEqualTo("42");
      fake.deliverToWebhook("{\"update_id\":2}", null);
      assertThat(secrets).containsExactly("s3cret", "null");
    } finally {
      receiver.stop(0);
    }
  }
}
