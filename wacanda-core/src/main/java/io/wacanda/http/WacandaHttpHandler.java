package io.wacanda.http;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.channel.Channel;
import io.wacanda.channel.WebhookResult;
import io.wacanda.conversation.ConversationEngine;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.event.EventBus;
import io.wacanda.event.WacandaEvent;
import io.wacanda.security.AdminPrincipal;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationService;
import io.wacanda.security.AdminAuthenticator;
import io.wacanda.security.RateLimiter;
import io.wacanda.usage.ApiUsageStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP entry point every binding mounts. Routes:
 *
 * <ul>
 *   <li>{@code GET|POST /webhooks/{integrationId}}: platform webhooks; verified by the channel,
 *       stored in the inbox, then answered as the platform expects.
 *   <li>{@code POST /external-api}: actions {@code chat}, {@code webhook}, {@code status}.
 *   <li>{@code /admin/**}: the admin API, behind the {@link AdminAuthenticator}.
 * </ul>
 *
 * <p>Applies in one place: the body size limit (413), CORS allow-list with preflight, the JSON
 * envelope for every error, and a catch-all that logs unexpected failures and answers a plain 500
 * without a stack trace. Thread-safe.
 */
public final class WacandaHttpHandler {
  private static final Logger log = LoggerFactory.getLogger(WacandaHttpHandler.class);

  private final IntegrationService integrations;
  private final WebhookInbox inbox;
  private final HttpOptions options;
  private final ExternalApi externalApi;
  private final AdminApi adminApi;
  private final AdminAuthenticator authenticator;
  private volatile EventBus events;
  private final List<BooleanSupplier> requestsWaiting = new CopyOnWriteArrayList<>();

  @jakarta.inject.Inject
  public WacandaHttpHandler(IntegrationService integrations, ConversationEngine engine,
      WebhookInbox inbox, ConversationStore conversations, HandoffQueue handoffs,
      ApiUsageStore usage, AdminAuthenticator authenticator, HttpOptions options, Clock clock) {
    this(integrations, engine, inbox, conversations, handoffs, usage, authenticator, options,
        clock, null);
  }

  /**
   * A handler that also serves {@code /admin/knowledge/**} (documents, sources, syncs, search)
   * from the knowledge base.
   *
   * @param knowledge null to answer those routes with 404
   */
  public WacandaHttpHandler(IntegrationService integrations, ConversationEngine engine,
      WebhookInbox inbox, ConversationStore conversations, HandoffQueue handoffs,
      ApiUsageStore usage, AdminAuthenticator authenticator, HttpOptions options, Clock clock,
      io.wacanda.knowledge.KnowledgeBase knowledge) {
    this.integrations = integrations;
    this.inbox = inbox;
    this.options = options;
    this.externalApi = new ExternalApi(integrations, engine, inbox, usage,
        new RateLimiter(options.ratePerSecond(), options.rateBurst(), clock), clock);
    this.adminApi = new AdminApi(integrations, engine, conversations, handoffs, authenticator,
        clock, knowledge);
    this.authenticator = authenticator;
    inbox.yieldTo(this::requestsWaiting);
  }

  /**
   * For server bindings: reports whether requests are waiting for a request thread (the server is
   * saturated). While any binding says so, the inbox workers leave the CPU to acknowledgements
   * (see {@link WebhookInbox#yieldTo} and {@code WebhookInbox.Config.ackPriority}).
   *
   * @return closing it withdraws the report (when the binding stops)
   */
  public AutoCloseable reportRequestsWaiting(BooleanSupplier waiting) {
    java.util.Objects.requireNonNull(waiting, "waiting");
    requestsWaiting.add(waiting);
    return () -> requestsWaiting.remove(waiting);
  }

  /** Whether any binding reports requests waiting (the server saturated). */
  boolean requestsWaiting() {
    for (BooleanSupplier s : requestsWaiting) {
      if (s.getAsBoolean()) {
        return true;
      }
    }
    return false;
  }

  /** The bus {@code /admin/events} streams from; set once at wiring time. */
  public void attachEvents(EventBus bus) {
    this.events = java.util.Objects.requireNonNull(bus, "bus");
  }

  /**
   * Opens the admin event stream for a binding that can stream ({@code GET /admin/events}):
   * authenticates the request like any admin call, then hands each event of the caller's tenant to
   * {@code frames} as one Server-Sent Events frame ({@code id:}, {@code event:}, {@code data:} with
   * the event as JSON). The caller closes the subscription when the client goes away.
   *
   * @throws WacandaException UNAUTHORIZED without a valid admin token, UNAVAILABLE when no event bus
   *     is attached
   */
  public EventBus.Subscription subscribeEvents(HttpRequest request,
      java.util.function.Consumer<String> frames) {
    AdminPrincipal principal = authenticator.authenticate(request).orElseThrow(() ->
        new WacandaException(ErrorCode.UNAUTHORIZED,
            "admin API needs 'Authorization: Bearer <admin token>'"));
    EventBus bus = events;
    if (bus == null) {
      throw new WacandaException(ErrorCode.UNAVAILABLE, "no event stream is configured");
    }
    java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
    return bus.subscribe(e -> {
      if (e.tenant().equals(principal.tenant())) {
        frames.accept(sseFrame(seq.incrementAndGet(), e));
      }
    });
  }

  /** One Server-Sent Events frame for an event. */
  public static String sseFrame(long id, WacandaEvent event) {
    return "id: " + id + "\nevent: " + event.type() + "\ndata: "
        + io.wacanda.internal.Json.writeString(event) + "\n\n";
  }

  /** Whether a request is for the admin event stream (bindings stream it themselves). */
  public static boolean isEventStream(HttpRequest request) {
    return request.method().equals("GET") && (request.path().equals("/admin/events")
        || request.path().equals("/admin/events/"));
  }

  public HttpOptions options() {
    return options;
  }

  /**
   * The answer to a request whose body is over the limit, for bindings that stop reading early
   * (a declared Content-Length, or a stream that runs past the limit).
   */
  public HttpResponse payloadTooLarge(HttpRequest request) {
    return Envelope.error(ErrorCode.PAYLOAD_TOO_LARGE,
        "body exceeds " + options.maxBodyBytes() + " bytes")
        .withHeaders(corsHeaders(request.header("Origin").orElse("")));
  }

  /** Handles one request; never throws. */
  public HttpResponse handle(HttpRequest request) {
    String origin = request.header("Origin").orElse("");
    Map<String, String> cors = corsHeaders(origin);
    if (request.method().equals("OPTIONS")) {
      if (!origin.isEmpty() && cors.isEmpty()) {
        return Envelope.error(ErrorCode.FORBIDDEN, "origin not allowed");
      }
      return HttpResponse.empty(204).withHeaders(cors).withHeaders(Map.of(
          "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS",
          "Access-Control-Allow-Headers", "Authorization, Content-Type",
          "Access-Control-Max-Age", "600"));
    }
    HttpResponse response;
    try {
      if (request.body().length > options.maxBodyBytes()) {
        throw new WacandaException(ErrorCode.PAYLOAD_TOO_LARGE,
            "body exceeds " + options.maxBodyBytes() + " bytes");
      }
      response = route(request);
    } catch (WacandaException e) {
      if (e.code() == ErrorCode.INTERNAL) {
        log.error("Internal error on {} {}", request.method(), request.path(), e);
        response = Envelope.error(ErrorCode.INTERNAL, "internal error");
      } else {
        log.debug("{} {} -> {}: {}", request.method(), request.path(), e.code(), e.getMessage());
        response = Envelope.error(e);
      }
    } catch (RuntimeException e) {
      log.error("Unexpected failure on {} {}", request.method(), request.path(), e);
      response = Envelope.error(ErrorCode.INTERNAL, "internal error");
    }
    return response.withHeaders(cors);
  }

  private HttpResponse route(HttpRequest request) {
    String path = request.path();
    if (path.equals("/external-api") || path.equals("/external-api/")) {
      return externalApi.handle(request);
    }
    if (path.startsWith("/webhooks/")) {
      return webhook(request, path.substring("/webhooks/".length()));
    }
    if (path.equals("/admin") || path.startsWith("/admin/")) {
      return adminApi.handle(request);
    }
    if (path.equals("/health")) {
      return Envelope.ok(Map.of("status", "UP"));
    }
    throw WacandaException.notFound("route", request.method() + " " + path);
  }

  private HttpResponse webhook(HttpRequest request, String id) {
    if (!request.method().equals("GET") && !request.method().equals("POST")) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, "webhooks take GET or POST");
    }
    if (id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9_-]+")) {
      throw WacandaException.notFound("integration", "(malformed id)");
    }
    Integration integration = integrations.findForWebhook(id)
        .orElseThrow(() -> WacandaException.notFound("integration", id));
    if (!integration.enabled()) {
      throw new WacandaException(ErrorCode.FORBIDDEN, "integration " + id + " is disabled");
    }
    Channel channel = integrations.channel(integration);
    WebhookResult result = channel.handleWebhook(request);
    if (!result.events().isEmpty()) {
      inbox.append(integration.tenant(), integration.id(), result.events());
    }
    return result.response();
  }

  private Map<String, String> corsHeaders(String origin) {
    if (origin.isEmpty()) {
      return Map.of();
    }
    String o = origin.toLowerCase(Locale.ROOT);
    if (!options.allowedOrigins().contains(o) && !options.allowedOrigins().contains("*")) {
      return Map.of();
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Access-Control-Allow-Origin", origin);
    h.put("Vary", "Origin");
    return h;
  }
}
