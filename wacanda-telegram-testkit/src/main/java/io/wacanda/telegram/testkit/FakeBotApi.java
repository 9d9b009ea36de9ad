package io.wacanda.telegram.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of the Telegram Bot API on a dynamic loopback port, for tests of anything that
 * talks to Telegram. Point the code under test at {@link #baseUrl()} (Wacanda's {@code api_base_url}
 * setting) and drive it:
 *
 * <ul>
 *   <li>{@link #enqueue(String)} queues an update that {@code getUpdates} serves, with Telegram's
 *       long-poll ({@code timeout}), {@code offset} confirmation and {@code limit} semantics;
 *   <li>{@link #deliverToWebhook(String)} posts an update to the URL registered with
 *       {@code setWebhook}, carrying {@code X-Telegram-Bot-Api-Secret-Token}, and executes a
 *       {@code {"method":...}} answer the way Telegram does;
 *   <li>every call is recorded ({@link #calls(String)}, {@link #awaitCall});
 *   <li>errors are injected once ({@link #failNext}) or per chat ({@link #blockChat},
 *       {@link #migrateChat}), with the Bot API's real error bodies.
 * </ul>
 *
 * <p>Behaviour copied from the real server: {@code getUpdates} answers 409 while a webhook is set,
 * and a second concurrent {@code getUpdates} ends the first one with 409; {@code sendMessage}
 * refuses empty texts and texts over 4,096 characters; a wrong token gets 401 and a path that is not
 * {@code /bot<token>/<method>} 404. Methods it does not model answer
 * {@code {"ok":true,"result":true}} and are recorded.
 *
 * <p>Thread-safe. {@link #close()} stops the server and ends pending long polls.
 */
public final class FakeBotApi implements AutoCloseable {
  /** The description Telegram gives a 409 while a webhook is set. */
  public static final String WEBHOOK_ACTIVE =
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
          + "delete the webhook first";
  /** The description Telegram gives the older of two concurrent {@code getUpdates}. */
  public static final String TERMINATED_BY_OTHER =
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
          + "is running";
  /** The header carrying the webhook secret. */
  public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile("^/bot([^/]+)/([A-Za-z]+)$");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient webhookClient;
  private final String token;
  private final JsonNode bot;
  private final Clock clock;

  private final Object lock = new Object();
  private final Deque<Queued> queue = new ArrayDeque<>();
  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Deque<Failure>> failures = new HashMap<>();
  private final Set<String> blocked = new HashSet<>();
  private final Map<String, Long> migrated = new HashMap<>();
  private final Map<String, AtomicInteger> messageIds = new HashMap<>();
  private Webhook webhook;
  private long pollGeneration;
  private long nextUpdateId = 1_000;
  private Instant lastErrorAt;
  private String lastErrorMessage;
  private boolean closed;

  private FakeBotApi(Builder b) {
    this.token = b.token;
    this.clock = b.clock;
    ObjectNode me = JSON.createObjectNode();
    me.put("id", b.botId);
    me.put("is_bot", true);
    me.put("first_name", b.botName);
    me.put("username", b.botUsername);
    this.bot = me;
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the fake Bot API", e);
    }
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-bot-api-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    this.webhookClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    server.start();
  }

  /** A fake on a dynamic loopback port accepting any well-formed token. */
  public static FakeBotApi start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>}: the Bot API base URL to configure. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The bot's {@code getMe} user. */
  public JsonNode bot() {
    return bot.deepCopy();
  }

  // ------------------------------------------------------------------ updates

  /**
   * Queues one Update (JSON object) for {@code getUpdates}; an {@code update_id} is assigned when
   * the JSON has none.
   *
   * @return the update's id
   */
  public long enqueue(String updateJson) {
    ObjectNode update = parseObject(updateJson);
    synchronized (lock) {
      long id;
      if (update.hasNonNull("update_id")) {
        id = update.get("update_id").asLong();
      } else {
        id = nextUpdateId++;
        update.put("update_id", id);
      }
      queue.addLast(new Queued(id, update));
      lock.notifyAll();
      return id;
    }
  }

  /** Queues a private text message from a customer (user id = chat id). */
  public long enqueueText(long userId, String text) {
    return enqueue(privateText(userId, text).toString());
  }

  /** A private-chat {@code message} Update from a customer, with a fresh update and message id. */
  public ObjectNode privateText(long userId, String text) {
    ObjectNode update = JSON.createObjectNode();
    synchronized (lock) {
      update.put("update_id", nextUpdateId++);
    }
    ObjectNode message = update.putObject("message");
    message.put("message_id", nextMessageId(Long.toString(userId)));
    ObjectNode from = message.putObject("from");
    from.put("id", userId);
    from.put("is_bot", false);
    from.put("first_name", "Test");
    from.put("last_name", "Customer");
    ObjectNode chat = message.putObject("chat");
    chat.put("id", userId);
    chat.put("first_name", "Test");
    chat.put("last_name", "Customer");
    chat.put("type", "private");
    message.put("date", clock.instant().getEpochSecond());
    message.put("text", text);
    return update;
  }

  /** Updates queued and not yet confirmed by an {@code offset}. */
  public int pendingUpdates() {
    synchronized (lock) {
      return queue.size();
    }
  }

  // ------------------------------------------------------------------ webhook

  /** The webhook registered with {@code setWebhook}, if any. */
  public Optional<Webhook> webhook() {
    synchronized (lock) {
      return Optional.ofNullable(webhook);
    }
  }

  /** Registers a webhook as if another system had called {@code setWebhook}. */
  public void setWebhook(String url, String secretToken) {
    synchronized (lock) {
      webhook = new Webhook(url, secretToken == null ? "" : secretToken, List.of(), false);
      lock.notifyAll();
    }
  }

  /** Removes the webhook as if another system had called {@code deleteWebhook}. */
  public void clearWebhook() {
    synchronized (lock) {
      webhook = null;
      lock.notifyAll();
    }
  }

  /**
   * Posts one Update to the registered webhook URL with the registered secret in
   * {@code X-Telegram-Bot-Api-Secret-Token}, as Telegram does. A JSON answer naming a
   * {@code method} is recorded as a call, as Telegram executes it.
   *
   * @throws IllegalStateException when no webhook is registered
   */
  public WebhookDelivery deliverToWebhook(String updateJson) {
    Webhook w = webhook().orElseThrow(() -> new IllegalStateException(
        "no webhook registered; call setWebhook first"));
    return deliverToWebhook(updateJson, w.secretToken().isEmpty() ? null : w.secretToken());
  }

  /**
   * Posts one Update to the registered webhook URL with the given secret header value, or without
   * the header when {@code secretToken} is null: for testing refusals.
   */
  public WebhookDelivery deliverToWebhook(String updateJson, String secretToken) {
    Webhook w = webhook().orElseThrow(() -> new IllegalStateException(
        "no webhook registered; call setWebhook first"));
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(w.url()))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(updateJson, StandardCharsets.UTF_8));
    if (secretToken != null) {
      req.header(SECRET_HEADER, secretToken);
    }
    HttpResponse<String> res;
    try {
      res = webhookClient.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      recordWebhookError("Connection refused");
      throw new UncheckedIOException("webhook " + w.url() + " unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (res.statusCode() / 100 != 2) {
      recordWebhookError("Wrong response from the webhook: " + res.statusCode());
    } else if (!res.body().isBlank()) {
      try {
        JsonNode answer = JSON.readTree(res.body());
        if (answer != null && answer.hasNonNull("method")) {
          ObjectNode params = answer.deepCopy();
          String method = params.remove("method").asText();
          record(method, params);
        }
      } catch (JsonProcessingException e) {
        recordWebhookError("Wrong response from the webhook: invalid JSON");
      }
    }
    return new WebhookDelivery(res.statusCode(), res.body());
  }

  private void recordWebhookError(String message) {
    synchronized (lock) {
      lastErrorAt = clock.instant();
      lastErrorMessage = message;
    }
  }

  // ------------------------------------------------------------------ calls

  /** Every call so far, oldest first. */
  public List<Call> calls() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  /** Calls of one method (case-insensitive), oldest first. */
  public List<Call> calls(String method) {
    synchronized (lock) {
      return calls.stream().filter(c -> c.method().equalsIgnoreCase(method)).toList();
    }
  }

  /** Forgets recorded calls. */
  public void clearCalls() {
    synchronized (lock) {
      calls.clear();
    }
  }

  /**
   * Waits for a call of {@code method} that matches, already made or yet to come.
   *
   * @throws AssertionError when none arrives within {@code timeout}
   */
  public Call awaitCall(String method, Predicate<Call> matching, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        for (Call c : calls) {
          if (c.method().equalsIgnoreCase(method) && matching.test(c)) {
            return c;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching " + method + " call within " + timeout
              + "; calls so far: " + calls.stream().map(Call::method).toList());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + method, e);
        }
      }
    }
  }

  /** Waits for any call of {@code method}. */
  public Call awaitCall(String method, Duration timeout) {
    return awaitCall(method, c -> true, timeout);
  }

  /**
   * Waits until at least {@code count} calls of {@code method} were made.
   *
   * @return those calls
   */
  public List<Call> awaitCalls(String method, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        List<Call> matching = calls.stream().filter(c -> c.method().equalsIgnoreCase(method))
            .toList();
        if (matching.size() >= count) {
          return matching;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " " + method + " calls within "
              + timeout + ", saw " + matching.size());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + method, e);
        }
      }
    }
  }

  // ------------------------------------------------------------------ failures

  /** The next call of {@code method} fails with {@code failure} (queued in order). */
  public void failNext(String method, Failure failure) {
    synchronized (lock) {
      failures.computeIfAbsent(method.toLowerCase(Locale.ROOT), k -> new ArrayDeque<>())
          .addLast(Objects.requireNonNull(failure, "failure"));
    }
  }

  /** Sends to this chat answer 403 "Forbidden: bot was blocked by the user" until unblocked. */
  public void blockChat(long chatId) {
    synchronized (lock) {
      blocked.add(Long.toString(chatId));
    }
  }

  public void unblockChat(long chatId) {
    synchronized (lock) {
      blocked.remove(Long.toString(chatId));
    }
  }

  /**
   * Sends to {@code groupId} answer 400 "group chat was upgraded to a supergroup chat" with
   * {@code parameters.migrate_to_chat_id = supergroupId}.
   */
  public void migrateChat(long groupId, long supergroupId) {
    synchronized (lock) {
      migrated.put(Long.toString(groupId), supergroupId);
    }
  }

  // ------------------------------------------------------------------ server

  private void handle(HttpExchange exchange) throws IOException {
    try {
      Matcher m = PATH.matcher(exchange.getRequestURI().getRawPath());
      if (!m.matches()) {
        reply(exchange, 404, error(404, "Not Found"));
        return;
      }
      String givenToken = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
      String method = m.group(2);
      if (token != null ? !token.equals(givenToken) : !givenToken.matches("\\d+:[\\w-]+")) {
        reply(exchange, 401, error(401, "Unauthorized"));
        return;
      }
      ObjectNode params;
      try {
        params = params(exchange);
      } catch (IllegalArgumentException e) {
        reply(exchange, 400, error(400, "Bad Request: " + e.getMessage()));
        return;
      }
      record(method, params);
      Failure injected;
      synchronized (lock) {
        Deque<Failure> q = failures.get(method.toLowerCase(Locale.ROOT));
        injected = q == null ? null : q.pollFirst();
      }
      if (injected != null) {
        reply(exchange, injected.status(), injected.body());
        return;
      }
      Answer a = dispatch(method, params);
      reply(exchange, a.status(), a.body());
    } catch (RuntimeException e) {
      reply(exchange, 500, error(500, "Internal Server Error: " + e.getClass().getSimpleName()));
    } finally {
      exchange.close();
    }
  }

  private Answer dispatch(String method, ObjectNode p) {
    switch (method.toLowerCase(Locale.ROOT)) {
      case "getme":
        return ok(bot.deepCopy());
      case "getupdates":
        return getUpdates(p);
      case "setwebhook":
        return setWebhook(p);
      case "deletewebhook":
        synchronized (lock) {
          boolean had = webhook != null;
          webhook = null;
          if (p.path("drop_pending_updates").asBoolean(false)) {
            queue.clear();
          }
          return okTrue(had ? "Webhook was deleted" : "Webhook is already deleted");
        }
      case "getwebhookinfo":
        return ok(webhookInfo());
      case "sendmessage":
        return send(p, "text");
      case "sendphoto":
        return send(p, "photo");
      case "senddocument":
        return send(p, "document");
      case "sendaudio":
        return send(p, "audio");
      case "sendvoice":
        return send(p, "voice");
      case "sendvideo":
        return send(p, "video");
      case "sendsticker":
        return send(p, "sticker");
      case "answercallbackquery":
        if (!p.hasNonNull("callback_query_id")) {
          return new Answer(400, error(400, "Bad Request: query is too old and response timeout "
              + "expired or query ID is invalid"));
        }
        return okTrue(null);
      default:
        return okTrue(null);
    }
  }

  private Answer getUpdates(ObjectNode p) {
    long timeoutMs = Math.max(0, p.path("timeout").asLong(0)) * 1000;
    int limit = (int) Math.min(100, Math.max(1, p.path("limit").asLong(100)));
    boolean hasOffset = p.hasNonNull("offset");
    long offset = p.path("offset").asLong(0);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (lock) {
      if (webhook != null) {
        return new Answer(409, error(409, WEBHOOK_ACTIVE));
      }
      long generation = ++pollGeneration;
      lock.notifyAll(); // ends an older long poll with 409
      if (hasOffset) {
        // Confirmed: updates already served whose id is below the offset. Ids are compared one
        // by one, not as a high-water mark, so a restarted (smaller) sequence is served too.
        queue.removeIf(q -> q.served && q.id < offset);
      }
      while (queue.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (closed || left <= 0) {
          return ok(JSON.createArrayNode());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return ok(JSON.createArrayNode());
        }
        if (generation != pollGeneration) {
          return new Answer(409, error(409, TERMINATED_BY_OTHER));
        }
        if (webhook != null) {
          return new Answer(409, error(409, WEBHOOK_ACTIVE));
        }
      }
      var result = JSON.createArrayNode();
      Iterator<Queued> it = queue.iterator();
      while (it.hasNext() && result.size() < limit) {
        Queued q = it.next();
        q.served = true;
        result.add(q.update.deepCopy());
      }
      return ok(result);
    }
  }

  private Answer setWebhook(ObjectNode p) {
    String url = p.path("url").asText("");
    String secret = p.path("secret_token").asText("");
    if (!secret.isEmpty() && !SECRET.matcher(secret).matches()) {
      return new Answer(400, error(400,
          "Bad Request: secret token contains unallowed characters"));
    }
    List<String> allowed = new ArrayList<>();
    JsonNode a = p.path("allowed_updates");
    if (a.isTextual()) {
      try {
        a = JSON.readTree(a.asText());
      } catch (JsonProcessingException e) {
        return new Answer(400, error(400, "Bad Request: can't parse allowed updates JSON"));
      }
    }
    a.forEach(n -> allowed.add(n.asText()));
    synchronized (lock) {
      if (url.isEmpty()) {
        webhook = null;
        return okTrue("Webhook was deleted");
      }
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        return new Answer(400, error(400, "Bad Request: bad webhook: An HTTPS URL must be "
            + "provided for webhook"));
      }
      boolean drop = p.path("drop_pending_updates").asBoolean(false);
      if (drop) {
        queue.clear();
      }
      webhook = new Webhook(url, secret, List.copyOf(allowed), drop);
      lock.notifyAll();
      return okTrue("Webhook was set");
    }
  }

  private ObjectNode webhookInfo() {
    ObjectNode info = JSON.createObjectNode();
    synchronized (lock) {
      info.put("url", webhook == null ? "" : webhook.url());
      info.put("has_custom_certificate", false);
      info.put("pending_update_count", queue.size());
      if (lastErrorAt != null) {
        info.put("last_error_date", lastErrorAt.getEpochSecond());
        info.put("last_error_message", lastErrorMessage);
      }
      info.put("max_connections", 40);
      if (webhook != null && !webhook.allowedUpdates().isEmpty()) {
        var arr = info.putArray("allowed_updates");
        webhook.allowedUpdates().forEach(arr::add);
      }
    }
    return info;
  }

  private Answer send(ObjectNode p, String kind) {
    String chat = p.path("chat_id").asText("");
    if (chat.isEmpty()) {
      return new Answer(400, error(400, "Bad Request: chat_id is empty"));
    }
    synchronized (lock) {
      if (blocked.contains(chat)) {
        return new Answer(403, error(403, "Forbidden: bot was blocked by the user"));
      }
      Long to = migrated.get(chat);
      if (to != null) {
        ObjectNode body = error(400, "Bad Request: group chat was upgraded to a supergroup chat");
        body.putObject("parameters").put("migrate_to_chat_id", to);
        return new Answer(400, body);
      }
    }
    ObjectNode message = JSON.createObjectNode();
    if (kind.equals("text")) {
      String text = p.path("text").asText("");
      if (text.isEmpty()) {
        return new Answer(400, error(400, "Bad Request: message text is empty"));
      }
      if (text.length() > 4096) {
        return new Answer(400, error(400, "Bad Request: message is too long"));
      }
      message.put("text", text);
    } else {
      String file = p.path(kind).asText("");
      if (file.isEmpty()) {
        return new Answer(400, error(400, "Bad Request: there is no " + kind + " in the request"));
      }
      if (p.hasNonNull("caption")) {
        String caption = p.get("caption").asText();
        if (caption.length() > 1024) {
          return new Answer(400, error(400, "Bad Request: message caption is too long"));
        }
        message.put("caption", caption);
      }
      message.putObject(kind).put("file_id", "fake-" + kind + "-" + Math.abs(file.hashCode()));
    }
    message.put("message_id", nextMessageId(chat));
    message.set("from", bot.deepCopy());
    ObjectNode c = message.putObject("chat");
    try {
      long id = Long.parseLong(chat);
      c.put("id", id);
      c.put("type", id > 0 ? "private" : chat.startsWith("-100") ? "supergroup" : "group");
    } catch (NumberFormatException e) {
      c.put("username", chat.startsWith("@") ? chat.substring(1) : chat);
      c.put("type", "channel");
    }
    message.put("date", clock.instant().getEpochSecond());
    return ok(message);
  }

  private int nextMessageId(String chat) {
    synchronized (lock) {
      return messageIds.computeIfAbsent(chat, k -> new AtomicInteger(100)).incrementAndGet();
    }
  }

  private void record(String method, ObjectNode params) {
    synchronized (lock) {
      calls.add(new Call(method, params, clock.instant()));
      lock.notifyAll();
    }
  }

  private static ObjectNode params(HttpExchange exchange) throws IOException {
    ObjectNode params = JSON.createObjectNode();
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      form(query, params);
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    if (body.length == 0) {
      return params;
    }
    String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
        .orElse("").toLowerCase(Locale.ROOT);
    String text = new String(body, StandardCharsets.UTF_8);
    if (type.startsWith("application/json")) {
      JsonNode json;
      try {
        json = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("can't parse JSON object");
      }
      if (json == null || !json.isObject()) {
        throw new IllegalArgumentException("can't parse JSON object");
      }
      params.setAll((ObjectNode) json);
    } else if (type.startsWith("application/x-www-form-urlencoded")) {
      form(text, params);
    } else {
      throw new IllegalArgumentException("unsupported Content-Type " + type);
    }
    return params;
  }

  private static void form(String encoded, ObjectNode into) {
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.put(k, v);
    }
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Answer ok(JsonNode result) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ok", true);
    body.set("result", result);
    return new Answer(200, body);
  }

  private static Answer okTrue(String description) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ok", true);
    body.put("result", true);
    if (description != null) {
      body.put("description", description);
    }
    return new Answer(200, body);
  }

  private static ObjectNode error(int code, String description) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ok", false);
    body.put("error_code", code);
    body.put("description", description);
    return body;
  }

  private static ObjectNode parseObject(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("an Update must be a JSON object");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Stops the server; pending long polls end. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ types

  private record Answer(int status, JsonNode body) {}

  private static final class Queued {
    final long id;
    final ObjectNode update;
    boolean served;

    Queued(long id, ObjectNode update) {
      this.id = id;
      this.update = update;
    }
  }

  /**
   * One recorded call. {@code params} holds the JSON body, form fields or query parameters as the
   * client sent them (form and query values are strings).
   */
  public record Call(String method, JsonNode params, Instant at) {
    /** A parameter as text; empty string when absent. */
    public String param(String name) {
      JsonNode v = params.get(name);
      if (v == null || v.isNull()) {
        return "";
      }
      return v.isValueNode() ? v.asText() : v.toString();
    }

    /** Whether the call was addressed to this chat. */
    public boolean toChat(long chatId) {
      return param("chat_id").equals(Long.toString(chatId));
    }
  }

  /** The webhook registered by {@code setWebhook}. */
  public record Webhook(String url, String secretToken, List<String> allowedUpdates,
      boolean droppedPendingUpdates) {
    @Override
    public String toString() {
      return "Webhook[url=" + url + ", secretToken=<redacted>, allowedUpdates=" + allowedUpdates
          + "]";
    }
  }

  /** What the webhook answered to one delivery. */
  public record WebhookDelivery(int status, String body) {}

  /** An error answer to inject, with the Bot API's real descriptions. */
  public record Failure(int status, JsonNode body) {
    /** 429 "Too Many Requests: retry after N" with {@code parameters.retry_after}. */
    public static Failure tooManyRequests(int retryAfterSeconds) {
      ObjectNode b = error(429, "Too Many Requests: retry after " + retryAfterSeconds);
      b.putObject("parameters").put("retry_after", retryAfterSeconds);
      return new Failure(429, b);
    }

    /** 403 "Forbidden: bot was blocked by the user". */
    public static Failure blocked() {
      return new Failure(403, error(403, "Forbidden: bot was blocked by the user"));
    }

    /** 409 "Conflict: terminated by other getUpdates request; ...". */
    public static Failure conflict() {
      return new Failure(409, error(409, TERMINATED_BY_OTHER));
    }

    /** 409 "Conflict: can't use getUpdates method while webhook is active; ...". */
    public static Failure webhookActive() {
      return new Failure(409, error(409, WEBHOOK_ACTIVE));
    }

    /** 400 "group chat was upgraded to a supergroup chat" with the new id. */
    public static Failure migrated(long supergroupId) {
      ObjectNode b = error(400, "Bad Request: group chat was upgraded to a supergroup chat");
      b.putObject("parameters").put("migrate_to_chat_id", supergroupId);
      return new Failure(400, b);
    }

    /** 400 "Bad Request: chat not found". */
    public static Failure chatNotFound() {
      return new Failure(400, error(400, "Bad Request: chat not found"));
    }

    /** 401 "Unauthorized". */
    public static Failure unauthorized() {
      return new Failure(401, error(401, "Unauthorized"));
    }

    /** 502 with a non-JSON body, like a proxy in front of the Bot API. */
    public static Failure badGateway() {
      return new Failure(502, JSON.getNodeFactory().textNode("Bad Gateway"));
    }

    /** Any status with a JSON body given verbatim (a fixture file, for instance). */
    public static Failure of(int status, String jsonBody) {
      try {
        return new Failure(status, JSON.readTree(jsonBody));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
      }
    }
  }

  /** Options. */
  public static final class Builder {
    private String token;
    private long botId = 100000099L;
    private String botName = "Test Support Bot";
    private String botUsername = "test_support_bot";
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Accept only this token (others get 401); default: any {@code digits:chars} token. */
    public Builder token(String t) {
      this.token = Objects.requireNonNull(t, "token");
      return this;
    }

    /** The bot {@code getMe} returns; default 100000099 "Test Support Bot" @test_support_bot. */
    public Builder bot(long id, String name, String username) {
      this.botId = id;
      this.botName = Objects.requireNonNull(name, "name");
      this.botUsername = Objects.requireNonNull(username, "username");
      return this;
    }

    /** Clock for message dates and call times; default the system UTC clock. */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    public FakeBotApi start() {
      return new FakeBotApi(this);
    }
  }
}
