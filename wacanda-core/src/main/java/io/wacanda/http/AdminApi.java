package io.wacanda.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.conversation.ChatSession;
import io.wacanda.conversation.ConversationEngine;
import io.wacanda.conversation.ConversationStore;
import io.wacanda.conversation.TurnQuery;
import io.wacanda.handoff.HandoffQueue;
import io.wacanda.handoff.HandoffRequest;
import io.wacanda.handoff.HandoffStatus;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationService;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.security.AdminAuthenticator;
import io.wacanda.security.AdminPrincipal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code /admin/**}: integrations, templates, tests, stats, sessions, analytics, handoffs. */
final class AdminApi {
  private final IntegrationService integrations;
  private final ConversationEngine engine;
  private final ConversationStore conversations;
  private final HandoffQueue handoffs;
  private final AdminAuthenticator authenticator;
  private final Clock clock;
  private final KnowledgeAdminApi knowledge;

  AdminApi(IntegrationService integrations, ConversationEngine engine,
      ConversationStore conversations, HandoffQueue handoffs, AdminAuthenticator authenticator,
      Clock clock) {
    this(integrations, engine, conversations, handoffs, authenticator, clock, null);
  }

  /** @param knowledge serves {@code /admin/knowledge/**}; null answers them with 404 */
  AdminApi(IntegrationService integrations, ConversationEngine engine,
      ConversationStore conversations, HandoffQueue handoffs, AdminAuthenticator authenticator,
      Clock clock, io.wacanda.knowledge.KnowledgeBase knowledge) {
    this.integrations = integrations;
    this.engine = engine;
    this.conversations = conversations;
    this.handoffs = handoffs;
    this.authenticator = authenticator;
    this.clock = clock;
    this.knowledge = knowledge == null ? null : new KnowledgeAdminApi(knowledge);
  }

  HttpResponse handle(HttpRequest request) {
    AdminPrincipal principal = authenticator.authenticate(request).orElseThrow(() ->
        new WacandaException(ErrorCode.UNAUTHORIZED,
            "admin API needs 'Authorization: Bearer <admin token>'"));
    TenantId tenant = principal.tenant();
    String[] p = segments(request.path());
    String m = request.method();
    // p[0] == "admin"
    if (p.length == 2 && p[1].equals("templates")) {
      requireMethod(m, "GET");
      List<Map<String, Object>> out = new ArrayList<>();
      integrations.registry().templates().forEach(t -> out.add(Views.template(t)));
      return Envelope.ok(out);
    }
    if (p.length >= 2 && p[1].equals("integrations")) {
      return integrationsRoute(request, tenant, p, m);
    }
    if (p.length >= 2 && p[1].equals("handoffs")) {
      return handoffRoute(request, principal, p, m);
    }
    if (p.length >= 2 && p[1].equals("knowledge") && knowledge != null) {
      return knowledge.handle(request, tenant, p);
    }
    if (p.length == 4 && p[1].equals("sessions") && p[3].equals("messages")) {
      requireMethod(m, "GET");
      ChatSession s = conversations.findSession(tenant, p[2])
          .orElseThrow(() -> WacandaException.notFound("session", p[2]));
      int limit = Requests.intParam(request, "limit", 100, 1, 1000);
      List<Map<String, Object>> out = new ArrayList<>();
      conversations.recentMessages(tenant, s.id(), limit).forEach(x -> out.add(Views.message(x)));
      return Envelope.ok(out);
    }
    if (p.length == 2 && p[1].equals("turns")) {
      requireMethod(m, "GET");
      int limit = Requests.intParam(request, "limit", 100, 1, 1000);
      TurnQuery q = new TurnQuery(request.queryParam("session_id"),
          request.queryParam("integration_id"), request.queryParam("channel"), Instant.EPOCH,
          limit);
      List<Map<String, Object>> out = new ArrayList<>();
      conversations.turns(tenant, q).forEach(t -> out.add(Views.turn(t)));
      return Envelope.ok(out);
    }
    throw WacandaException.notFound("route", request.method() + " " + request.path());
  }

  private HttpResponse integrationsRoute(HttpRequest request, TenantId tenant, String[] p,
      String m) {
    if (p.length == 2) {
      if (m.equals("GET")) {
        List<Map<String, Object>> out = new ArrayList<>();
        integrations.list(tenant).forEach(i -> out.add(view(i)));
        return Envelope.ok(out);
      }
      requireMethod(m, "POST");
      JsonNode body = Requests.jsonObject(request);
      String type = Requests.requiredText(body, "type", 40);
      String name = Requests.requiredText(body, "name", 100);
      CreatedIntegration created = integrations.create(tenant, type, name,
          Requests.stringMap(body, "settings"));
      return Envelope.ok(201, withKey(created));
    }
    String id = p[2];
    if (p.length == 3) {
      switch (m) {
        case "GET":
          return Envelope.ok(view(integrations.get(tenant, id)));
        case "PUT":
        case "PATCH": {
          JsonNode body = Requests.jsonObject(request);
          Optional<String> name = Requests.optionalText(body, "name", 100);
          return Envelope.ok(view(integrations.update(tenant, id, name,
              Requests.stringMap(body, "settings"))));
        }
        case "DELETE":
          integrations.delete(tenant, id);
          return Envelope.ok(Map.of("id", id, "deleted", true));
        default:
          throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, m + " not allowed here");
      }
    }
    if (p.length == 4) {
      String op = p[3];
      switch (op) {
        case "enable":
          requireMethod(m, "POST");
          return Envelope.ok(view(integrations.enable(tenant, id)));
        case "disable":
          requireMethod(m, "POST");
          return Envelope.ok(view(integrations.disable(tenant, id)));
        case "rotate-key":
          requireMethod(m, "POST");
          return Envelope.ok(withKey(integrations.rotateKey(tenant, id)));
        case "test":
          requireMethod(m, "POST");
          return Envelope.ok(Views.testResult(integrations.test(tenant, id)));
        case "tests": {
          requireMethod(m, "GET");
          int limit = Requests.intParam(request, "limit", 50, 1, 500);
          List<Map<String, Object>> out = new ArrayList<>();
          integrations.testHistory(tenant, id, limit).forEach(r -> out.add(Views.testResult(r)));
          return Envelope.ok(out);
        }
        case "stats":
          requireMethod(m, "GET");
          return Envelope.ok(Views.stats(integrations.stats(tenant, id)));
        case "connect":
          requireMethod(m, "POST");
          return Envelope.ok(view(integrations.connect(tenant, id)));
        case "disconnect":
          requireMethod(m, "POST");
          return Envelope.ok(view(integrations.disconnect(tenant, id)));
        case "qr": {
          requireMethod(m, "GET");
          var control = integrations.connectionControl(tenant, id);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("status", control.status().state().name());
          out.put("qr", control.qrCode().orElse(null));
          return Envelope.ok(out);
        }
        case "sessions": {
          requireMethod(m, "GET");
          integrations.get(tenant, id);
          int limit = Requests.intParam(request, "limit", 50, 1, 500);
          List<Map<String, Object>> out = new ArrayList<>();
          conversations.listSessions(tenant, id, limit).forEach(s -> out.add(Views.session(s)));
          return Envelope.ok(out);
        }
        default:
          break;
      }
    }
    throw WacandaException.notFound("route", m + " " + request.path());
  }

  private HttpResponse handoffRoute(HttpRequest request, AdminPrincipal principal, String[] p,
      String m) {
    TenantId tenant = principal.tenant();
    Instant now = clock.instant();
    if (p.length == 2) {
      requireMethod(m, "GET");
      Optional<HandoffStatus> status = request.queryParam("status").map(s -> {
        try {
          return HandoffStatus.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw WacandaException.invalid("status must be open, claimed or resolved");
        }
      });
      int limit = Requests.intParam(request, "limit", 100, 1, 1000);
      List<Map<String, Object>> out = new ArrayList<>();
      handoffs.list(tenant, status, limit).forEach(h -> out.add(Views.handoff(h)));
      return Envelope.ok(out);
    }
    if (p.length == 3 && p[2].equals("claim-next")) {
      requireMethod(m, "POST");
      Optional<HandoffRequest> next = handoffs.claimNext(tenant, principal.agentId(), now);
      return Envelope.ok(next.map(Views::handoff).orElse(null));
    }
    String id = p[2];
    if (p.length == 3) {
      requireMethod(m, "GET");
      return Envelope.ok(Views.handoff(handoffs.find(tenant, id)
          .orElseThrow(() -> WacandaException.notFound("handoff", id))));
    }
    if (p.length == 4) {
      requireMethod(m, "POST");
      switch (p[3]) {
        case "claim":
          return Envelope.ok(Views.handoff(handoffs.claim(tenant, id, principal.agentId(), now)));
        case "assign": {
          JsonNode body = Requests.jsonObject(request);
          String agent = Requests.requiredText(body, "agent_id", 100);
          return Envelope.ok(Views.handoff(handoffs.assign(tenant, id, agent, now)));
        }
        case "note": {
          JsonNode body = Requests.jsonObject(request);
          String note = Requests.requiredText(body, "note", 2000);
          return Envelope.ok(Views.handoff(handoffs.addNote(tenant, id, note, now)));
        }
        case "reply": {
          JsonNode body = Requests.jsonObject(request);
          String text = Requests.requiredText(body, "text", 10_000);
          return Envelope.ok(Views.message(engine.agentReply(tenant, id, principal.agentId(),
              text)));
        }
        case "resolve":
          return Envelope.ok(Views.handoff(engine.resolve(tenant, id)));
        default:
          break;
      }
    }
    throw WacandaException.notFound("route", m + " " + request.path());
  }

  private Map<String, Object> view(Integration i) {
    IntegrationTemplate template = integrations.registry().find(i.type())
        .map(p -> p.template())
        .orElse(new IntegrationTemplate(i.type(), i.type(), "", List.of()));
    return Views.integration(i, integrations.webhookUrl(i.id()), template);
  }

  private Map<String, Object> withKey(CreatedIntegration created) {
    Map<String, Object> out = new LinkedHashMap<>(view(created.integration()));
    out.put("api_key", created.apiKey());
    return out;
  }

  private static void requireMethod(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED,
          actual + " not allowed here; use " + expected);
    }
  }

  static String[] segments(String path) {
    String trimmed = path.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
  }
}
