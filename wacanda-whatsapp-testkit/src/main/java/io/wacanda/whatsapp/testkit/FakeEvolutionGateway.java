package io.wacanda.whatsapp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of an Evolution API v2 gateway (the most used Baileys gateway) on 127.0.0.1
 * and a dynamic port. Point an integration's {@code gateway_url} at {@link #baseUrl()}. It checks
 * the {@code apikey} header (the global key, or an instance's token on that instance's routes),
 * keeps instances with their connection state, webhook registration and QR codes, records every
 * request, answers sends like the real gateway, and can fail the next sends. Control methods
 * play the phone's part: {@link #scan} links the device and posts {@code connection.update} to
 * the registered webhook, {@link #drop} closes the session with a Baileys status code,
 * {@link #deliverText} posts a customer's {@code messages.upsert}. Thread-safe. Close it after the
 * test.
 */
public final class FakeEvolutionGateway extends LoopbackServer {
  private static final Pattern ROUTE = Pattern.compile("/([a-zA-Z]+)/([a-zA-Z]+)(?:/([^/]+))?");

  /** A webhook as an instance registered it. */
  public record WebhookRegistration(String url, Map<String, String> headers, List<String> events,
      boolean wrappedForm) {}

  private static final class Instance {
    final String name;
    final String token;
    volatile String state = "close";
    volatile WebhookRegistration webhook;
    volatile String qr = "";
    /** A phone is linked (scanned, not logged out): connect restores the session. */
    volatile boolean linked;
    final AtomicInteger qrCount = new AtomicInteger();

    Instance(String name, String token) {
      this.name = name;
      this.token = token;
    }
  }

  private record Failure(int status, String message) {}

  private final String globalApiKey;
  private final String accountNumber;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final ArrayDeque<Failure> failures = new ArrayDeque<>();
  private final Set<String> notOnWhatsApp = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ids = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private volatile boolean flatWebhookOnly;

  private FakeEvolutionGateway(String globalApiKey, String accountNumber) {
    super("fake-evolution");
    this.globalApiKey = Objects.requireNonNull(globalApiKey, "globalApiKey");
    this.accountNumber = accountNumber;
  }

  /** Starts a gateway whose global API key is {@code globalApiKey}. */
  public static FakeEvolutionGateway start(String globalApiKey) {
    return new FakeEvolutionGateway(globalApiKey, "5511900000000");
  }

  // ------------------------------------------------------------------ control

  /** Fails the next sends with this HTTP status and {@code response.message}. */
  public synchronized FakeEvolutionGateway failNextSend(int status, String message) {
    failures.add(new Failure(status, message));
    return this;
  }

  /** Sends to this number answer 400 with {@code exists:false}. */
  public FakeEvolutionGateway notOnWhatsApp(String number) {
    notOnWhatsApp.add(number);
    return this;
  }

  /** Makes {@code /webhook/set} refuse the wrapped form with 400, like Evolution 2.0.x. */
  public FakeEvolutionGateway flatWebhookOnly(boolean flatOnly) {
    this.flatWebhookOnly = flatOnly;
    return this;
  }

  /** Creates an instance as an operator would, outside any integration. */
  public FakeEvolutionGateway createInstance(String name, String token, String state) {
    Instance i = new Instance(name, token);
    i.state = state;
    instances.put(name, i);
    return this;
  }

  /** The instance's connection state ({@code open}, {@code connecting}, {@code close}). */
  public Optional<String> instanceState(String instance) {
    return Optional.ofNullable(instances.get(instance)).map(i -> i.state);
  }

  /** The instance's token ({@code hash}), which the gateway echoes as {@code apikey}. */
  public Optional<String> instanceToken(String instance) {
    return Optional.ofNullable(instances.get(instance)).map(i -> i.token);
  }

  /** The webhook the instance registered. */
  public Optional<WebhookRegistration> webhook(String instance) {
    return Optional.ofNullable(instances.get(instance)).map(i -> i.webhook);
  }

  /** The QR code the gateway last handed out for the instance. */
  public Optional<String> currentQr(String instance) {
    return Optional.ofNullable(instances.get(instance)).map(i -> i.qr).filter(q -> !q.isEmpty());
  }

  /** The phone scans the QR: the session opens and {@code connection.update open} is posted. */
  public int scan(String instance) {
    Instance i = existing(instance);
    i.state = "open";
    i.linked = true;
    i.qr = "";
    return push(instance, "connection.update", Map.of("instance", instance, "state", "open",
        "statusReason", 200));
  }

  /**
   * The session closes with a Baileys status, posted as {@code connection.update}: 401 (logged
   * out on the phone) unlinks the device, so the next connect needs a new QR; others (428, 440,
   * 515...) keep it linked, so the next connect restores the session.
   */
  public int drop(String instance, int statusReason) {
    Instance i = existing(instance);
    i.state = "close";
    if (statusReason == 401) {
      i.linked = false;
    }
    return push(instance, "connection.update", Map.of("instance", instance, "state", "close",
        "statusReason", statusReason));
  }

  /** A new QR code is posted as {@code qrcode.updated}; returns it. */
  public String rotateQr(String instance) {
    Instance i = existing(instance);
    i.state = "connecting";
    String code = newQr(i);
    push(instance, "qrcode.updated", Map.of("qrcode", Map.of("instance", instance,
        "pairingCode", "FAKEPAIR", "code", code, "base64", "")));
    return code;
  }

  /** A customer writes: posts a {@code messages.upsert}; returns the webhook's HTTP status. */
  public int deliverText(String instance, String fromNumber, String pushName, String messageId,
      String text) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("remoteJid", fromNumber + "@s.whatsapp.net");
    key.put("fromMe", false);
    key.put("id", messageId);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("key", key);
    data.put("pushName", pushName);
    data.put("status", "DELIVERY_ACK");
    data.put("message", Map.of("conversation", text));
    data.put("messageType", "conversation");
    data.put("messageTimestamp", Instant.now().getEpochSecond());
    data.put("source", "android");
    return push(instance, "messages.upsert", data);
  }

  /**
   * Posts any event to the instance's registered webhook, in Evolution's envelope, with the
   * registered headers and {@code apikey} = the instance token; returns the HTTP status.
   */
  public int push(String instance, String event, Object data) {
    Instance i = existing(instance);
    WebhookRegistration w = i.webhook;
    if (w == null) {
      throw new IllegalStateException("instance " + instance + " has no webhook registered");
    }
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("event", event);
    envelope.put("instance", instance);
    envelope.put("data", data);
    envelope.put("destination", w.url());
    envelope.put("date_time", Instant.now().toString());
    if (i.state.equals("open")) {
      envelope.put("sender", accountNumber + "@s.whatsapp.net");
    }
    envelope.put("server_url", baseUrl());
    envelope.put("apikey", i.token);
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(w.url()))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(envelope)));
      w.headers().forEach(b::header);
      return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot post to " + w.url(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sends received ({@code /message/send*}), failed ones included. */
  public List<RecordedRequest> sentMessages() {
    return requests().stream().filter(FakeEvolutionGateway::isSend).toList();
  }

  /** Waits for at least {@code count} sends and returns them. */
  public List<RecordedRequest> awaitSentMessages(int count, Duration timeout) {
    return await(FakeEvolutionGateway::isSend, count, timeout, "gateway sends");
  }

  private static boolean isSend(RecordedRequest r) {
    return r.method().equals("POST") && r.path().startsWith("/message/send");
  }

  private Instance existing(String instance) {
    Instance i = instances.get(instance);
    if (i == null) {
      throw new IllegalStateException("no instance " + instance);
    }
    return i;
  }

  private String newQr(Instance i) {
    String code = "2@FAKEQR" + i.qrCount.incrementAndGet() + "-" + i.name + ","
        + UUID.randomUUID() + ",abc,def";
    i.qr = code;
    return code;
  }

  // ------------------------------------------------------------------- routes

  @Override
  Reply route(RecordedRequest r) {
    Matcher m = ROUTE.matcher(r.path());
    if (!m.matches()) {
      return notFound("route " + r.path());
    }
    String area = m.group(1);
    String action = m.group(2);
    String name = m.group(3);
    String key = r.header("apikey").orElse("");
    Instance inst = name == null ? null : instances.get(name);
    boolean global = key.equals(globalApiKey);
    if (!global && (inst == null || !key.equals(inst.token))) {
      return Reply.json(401, Map.of("status", 401, "error", "Unauthorized", "response",
          Map.of("message", "Unauthorized")));
    }
    if (area.equals("instance") && action.equals("create") && r.method().equals("POST")) {
      return create(r.json());
    }
    if (inst == null) {
      return notFound("The \"" + name + "\" instance does not exist");
    }
    switch (area + "/" + action) {
      case "instance/connectionState":
        return Reply.json(200, Map.of("instance", Map.of("instanceName", name, "state",
            inst.state)));
      case "instance/connect":
        if (inst.state.equals("open") || inst.linked) {
          inst.state = "open";
          return Reply.json(200, Map.of("instance", Map.of("instanceName", name, "state",
              "open")));
        }
        inst.state = "connecting";
        return qrBody(inst, newQr(inst));
      case "instance/logout":
        inst.state = "close";
        inst.linked = false;
        inst.qr = "";
        return Reply.json(200, Map.of("status", "SUCCESS", "error", false, "response",
            Map.of("message", "Instance logged out")));
      case "webhook/set":
        return setWebhook(inst, r.json());
      case "message/sendText":
      case "message/sendMedia":
      case "message/sendWhatsAppAudio":
      case "message/sendSticker":
        return send(inst, r.json());
      default:
        return notFound("route " + r.path());
    }
  }

  private Reply create(JsonNode body) {
    String name = body.path("instanceName").asText("");
    if (name.isEmpty()) {
      return Reply.json(400, Map.of("status", 400, "error", "Bad Request", "response",
          Map.of("message", List.of("instanceName is required"))));
    }
    if (instances.containsKey(name)) {
      return Reply.json(403, Map.of("status", 403, "error", "Forbidden", "response",
          Map.of("message", List.of("This name \"" + name + "\" is already in use."))));
    }
    String token = body.path("token").asText("");
    Instance i = new Instance(name, token.isEmpty() ? UUID.randomUUID().toString() : token);
    i.state = "connecting";
    if (body.path("webhook").isObject()) {
      i.webhook = registration(body.path("webhook"), true);
    }
    instances.put(name, i);
    String code = newQr(i);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("instance", Map.of("instanceName", name, "instanceId", UUID.randomUUID().toString(),
        "integration", "WHATSAPP-BAILEYS", "status", "connecting"));
    out.put("hash", i.token);
    out.put("webhook", Map.of());
    out.put("settings", Map.of());
    Map<String, Object> qr = new LinkedHashMap<>();
    qr.put("pairingCode", null);
    qr.put("code", code);
    qr.put("base64", "");
    qr.put("count", i.qrCount.get());
    out.put("qrcode", qr);
    return Reply.json(201, out);
  }

  private Reply qrBody(Instance inst, String code) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pairingCode", null);
    out.put("code", code);
    out.put("base64", "");
    out.put("count", inst.qrCount.get());
    return Reply.json(200, out);
  }

  private Reply setWebhook(Instance inst, JsonNode body) {
    boolean wrapped = body.path("webhook").isObject();
    if (wrapped && flatWebhookOnly) {
      return Reply.json(400, Map.of("status", 400, "error", "Bad Request", "response",
          Map.of("message", List.of("instance requires property \"url\""))));
    }
    WebhookRegistration w = registration(wrapped ? body.path("webhook") : body, wrapped);
    if (w.url().isEmpty()) {
      return Reply.json(400, Map.of("status", 400, "error", "Bad Request", "response",
          Map.of("message", List.of("url is required"))));
    }
    inst.webhook = w;
    return Reply.json(201, Map.of("webhook", Map.of("instanceName", inst.name, "webhook",
        Map.of("url", w.url(), "events", w.events(), "enabled", true))));
  }

  private static WebhookRegistration registration(JsonNode w, boolean wrapped) {
    Map<String, String> headers = new LinkedHashMap<>();
    w.path("headers").properties().forEach(e -> headers.put(e.getKey(),
        e.getValue().asText()));
    List<String> events = new ArrayList<>();
    w.path("events").forEach(e -> events.add(e.asText()));
    return new WebhookRegistration(w.path("url").asText(""), headers, events, wrapped);
  }

  private Reply send(Instance inst, JsonNode body) {
    Failure f;
    synchronized (this) {
      f = failures.poll();
    }
    if (f != null) {
      return Reply.json(f.status(), Map.of("status", f.status(), "error", "Error", "response",
          Map.of("message", List.of(f.message()))));
    }
    if (!inst.state.equals("open")) {
      return Reply.json(400, Map.of("status", 400, "error", "Bad Request", "response",
          Map.of("message", List.of("Error: Connection Closed"))));
    }
    String number = body.path("number").asText("");
    if (number.isEmpty()) {
      return Reply.json(400, Map.of("status", 400, "error", "Bad Request", "response",
          Map.of("message", List.of("number is required"))));
    }
    if (notOnWhatsApp.contains(number)) {
      return Reply.json(400, Map.of("status", 400, "error", "Bad Request", "response",
          Map.of("message", List.of(Map.of("jid", number + "@s.whatsapp.net", "exists", false,
              "number", number)))));
    }
    String jid = number.contains("@") ? number : number + "@s.whatsapp.net";
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", Map.of("remoteJid", jid, "fromMe", true, "id",
        "3EB0FAKE" + ids.incrementAndGet()));
    out.put("pushName", "Você");
    out.put("status", "PENDING");
    out.put("message", Map.of("conversation", body.path("text").asText("")));
    out.put("messageType", "conversation");
    out.put("messageTimestamp", Instant.now().getEpochSecond());
    out.put("instanceId", UUID.randomUUID().toString());
    out.put("source", "web");
    return Reply.json(201, out);
  }

  private static Reply notFound(String message) {
    return Reply.json(404, Map.of("status", 404, "error", "Not Found", "response",
        Map.of("message", List.of(message))));
  }

  @Override
  public String toString() {
    return "FakeEvolutionGateway[" + baseUrl() + "]";
  }
}
