package io.wacanda.whatsapp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of the WhatsApp Business Cloud API (Graph API) on 127.0.0.1 and a dynamic
 * port. Point an integration's {@code api_base_url} at {@link #baseUrl()}. It checks the Bearer
 * token, records every request, answers sends like Graph ({@code messages[0].id} = a fresh
 * {@code wamid}), mark-as-read with {@code {"success":true}}, phone number lookups, webhook
 * subscriptions and media downloads, and can fail the next sends with any {@link GraphError}.
 * Thread-safe. Close it after the test.
 *
 * <pre>{@code
 * try (FakeGraphApi graph = FakeGraphApi.start("test-token")) {
 *   graph.failNext(GraphError.throughputLimit());
 *   // ... create an integration with api_base_url = graph.baseUrl(), post a webhook ...
 *   List<RecordedRequest> sent = graph.awaitSentMessages(1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class FakeGraphApi extends LoopbackServer {
  private static final Pattern MESSAGES = Pattern.compile("/v\\d+\\.\\d+/([^/]+)/messages");
  private static final Pattern SUBSCRIBED = Pattern.compile("/v\\d+\\.\\d+/([^/]+)/subscribed_apps");
  private static final Pattern OBJECT = Pattern.compile("/v\\d+\\.\\d+/([^/]+)");
  private static final Pattern DOWNLOAD = Pattern.compile("/media-download/([^/]+)");

  private record Media(String mimeType, byte[] bytes) {}

  private record Phone(String display, String verifiedName, String quality) {}

  private final String accessToken;
  private final ArrayDeque<GraphError> failures = new ArrayDeque<>();
  private final Map<String, Media> media = new ConcurrentHashMap<>();
  private final Map<String, Phone> phones = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean subscribed = true;

  private FakeGraphApi(String accessToken) {
    super("fake-graph");
    this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
  }

  /** Starts a fake that accepts only {@code accessToken}. */
  public static FakeGraphApi start(String accessToken) {
    return new FakeGraphApi(accessToken);
  }

  /** Fails the next message sends (not read receipts) with these errors, in order. */
  public synchronized FakeGraphApi failNext(GraphError... errors) {
    failures.addAll(List.of(errors));
    return this;
  }

  /** Registers the details a phone number lookup returns. */
  public FakeGraphApi phoneNumber(String phoneNumberId, String displayNumber, String verifiedName,
      String qualityRating) {
    phones.put(phoneNumberId, new Phone(displayNumber, verifiedName, qualityRating));
    return this;
  }

  /** Registers a media file that {@code GET /{version}/{mediaId}} and its URL serve. */
  public FakeGraphApi media(String mediaId, String mimeType, byte[] bytes) {
    media.put(mediaId, new Media(mimeType, bytes.clone()));
    return this;
  }

  /** Whether {@code /{waba}/subscribed_apps} lists an app; default true. */
  public FakeGraphApi subscribed(boolean subscribed) {
    this.subscribed = subscribed;
    return this;
  }

  /** Message sends received (template, text, interactive, media), read receipts excluded. */
  public List<RecordedRequest> sentMessages() {
    return requests().stream().filter(FakeGraphApi::isSend).toList();
  }

  /** Mark-as-read requests received. */
  public List<RecordedRequest> readReceipts() {
    return requests().stream().filter(r -> isMessagesPost(r)
        && r.json().path("status").asText("").equals("read")).toList();
  }

  /** Waits for at least {@code count} message sends (failed ones included) and returns them. */
  public List<RecordedRequest> awaitSentMessages(int count, Duration timeout) {
    return await(FakeGraphApi::isSend, count, timeout, "message sends");
  }

  private static boolean isMessagesPost(RecordedRequest r) {
    return r.method().equals("POST") && MESSAGES.matcher(r.path()).matches();
  }

  private static boolean isSend(RecordedRequest r) {
    return isMessagesPost(r) && !r.json().path("status").asText("").equals("read");
  }

  @Override
  Reply route(RecordedRequest r) {
    if (!r.header("Authorization").orElse("").equals("Bearer " + accessToken)) {
      return error(GraphError.invalidToken());
    }
    Matcher m = DOWNLOAD.matcher(r.path());
    if (r.method().equals("GET") && m.matches()) {
      Media file = media.get(m.group(1));
      return file == null ? Reply.json(404, Map.of()) : Reply.raw(200, file.mimeType(),
          file.bytes());
    }
    m = MESSAGES.matcher(r.path());
    if (r.method().equals("POST") && m.matches()) {
      if (r.json().path("status").asText("").equals("read")) {
        return Reply.json(200, Map.of("success", true));
      }
      GraphError failure;
      synchronized (this) {
        failure = failures.poll();
      }
      if (failure != null) {
        return error(failure);
      }
      JsonNode to = r.json().path("to");
      if (to.asText("").isEmpty()) {
        return error(GraphError.invalidParameter());
      }
      String wamid = "wamid.FAKE" + ids.incrementAndGet();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("messaging_product", "whatsapp");
      body.put("contacts", List.of(Map.of("input", to.asText(), "wa_id", to.asText())));
      body.put("messages", List.of(Map.of("id", wamid)));
      return Reply.json(200, body);
    }
    m = SUBSCRIBED.matcher(r.path());
    if (r.method().equals("GET") && m.matches()) {
      return Reply.json(200, Map.of("data", subscribed ? List.of(Map.of(
          "whatsapp_business_api_data", Map.of("name", "Fake app", "id", "1000"))) : List.of()));
    }
    m = OBJECT.matcher(r.path());
    if (r.method().equals("GET") && m.matches()) {
      String id = m.group(1);
      Phone p = phones.get(id);
      if (p != null) {
        return Reply.json(200, Map.of("display_phone_number", p.display(), "verified_name",
            p.verifiedName(), "quality_rating", p.quality(), "id", id));
      }
      Media file = media.get(id);
      if (file != null) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", baseUrl() + "/media-download/" + id);
        body.put("mime_type", file.mimeType());
        body.put("sha256", sha256(file.bytes()));
        body.put("file_size", file.bytes().length);
        body.put("id", id);
        body.put("messaging_product", "whatsapp");
        return Reply.json(200, body);
      }
      return error(GraphError.invalidParameter());
    }
    return error(GraphError.invalidParameter());
  }

  private Reply error(GraphError e) {
    return Reply.json(e.httpStatus(), e.envelope("FAKE-TRACE-" + ids.incrementAndGet()));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "FakeGraphApi[" + baseUrl() + "]";
  }
}
