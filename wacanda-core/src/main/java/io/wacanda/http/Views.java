package io.wacanda.http;

import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.ChatSession;
import io.wacanda.conversation.TurnMetrics;
import io.wacanda.handoff.HandoffRequest;
import io.wacanda.integration.FieldSpec;
import io.wacanda.integration.Integration;
import io.wacanda.integration.IntegrationStats;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.integration.IntegrationTestResult;
import io.wacanda.integration.TestCheck;
import io.wacanda.rag.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON shapes of the API: snake_case maps, never a secret. */
final class Views {
  private Views() {}

  static Map<String, Object> integration(Integration i, String webhookUrl,
      IntegrationTemplate template) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("type", i.type());
    m.put("name", i.name());
    m.put("enabled", i.enabled());
    m.put("status", Map.of("state", i.status().state().name(), "message", i.status().message(),
        "since", i.status().since().toString()));
    m.put("settings", i.settings());
    List<String> secrets = new ArrayList<>();
    for (FieldSpec f : template.fields()) {
      if (f.secret() && i.secrets().isPresent()) {
        secrets.add(f.name());
      }
    }
    m.put("secrets_configured", secrets);
    m.put("webhook_url", webhookUrl);
    m.put("api_key_prefix", i.apiKeyPrefix());
    m.put("created_at", i.createdAt().toString());
    m.put("updated_at", i.updatedAt().toString());
    return m;
  }

  static Map<String, Object> template(IntegrationTemplate t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", t.type());
    m.put("display_name", t.displayName());
    m.put("description", t.description());
    List<Map<String, Object>> fields = new ArrayList<>();
    for (FieldSpec f : t.fields()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("name", f.name());
      fm.put("label", f.label());
      fm.put("kind", f.kind().name());
      fm.put("required", f.required());
      fm.put("default", f.defaultValue().orElse(null));
      fm.put("help", f.help());
      fm.put("options", f.options());
      fields.add(fm);
    }
    m.put("fields", fields);
    return m;
  }

  static Map<String, Object> stats(IntegrationStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total_sessions", s.totalSessions());
    m.put("active_sessions", s.activeSessions());
    m.put("total_messages", s.totalMessages());
    m.put("messages_today", s.messagesToday());
    m.put("average_response_ms", s.averageResponseTime().toMillis());
    m.put("api_calls", s.apiCalls());
    m.put("tests_run", s.testsRun());
    m.put("test_success_rate", s.testSuccessRate());
    m.put("webhook_events_pending", s.webhookEventsPending());
    m.put("webhook_events_failed", s.webhookEventsFailed());
    return m;
  }

  static Map<String, Object> testResult(IntegrationTestResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("integration_id", r.integrationId());
    m.put("passed", r.passed());
    m.put("latency_ms", r.latency().toMillis());
    m.put("ran_at", r.ranAt().toString());
    List<Map<String, Object>> checks = new ArrayList<>();
    for (TestCheck c : r.checks()) {
      checks.add(Map.of("name", c.name(), "passed", c.passed(), "latency_ms",
          c.latency().toMillis(), "message", c.message()));
    }
    m.put("checks", checks);
    return m;
  }

  static Map<String, Object> handoff(HandoffRequest h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    m.put("session_id", h.sessionId());
    m.put("integration_id", h.integrationId());
    m.put("reason", h.reason().name());
    m.put("urgency", h.urgency().name().toLowerCase(Locale.ROOT));
    m.put("status", h.status().name());
    m.put("assigned_agent", h.assignedAgent().orElse(null));
    m.put("notes", h.notes());
    m.put("summary", h.summary());
    m.put("created_at", h.createdAt().toString());
    m.put("last_activity_at", h.lastActivityAt().toString());
    m.put("resolved_at", h.resolvedAt().map(Object::toString).orElse(null));
    return m;
  }

  static Map<String, Object> session(ChatSession s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("integration_id", s.integrationId());
    m.put("sender_id", s.senderId());
    m.put("sender_name", s.senderName());
    m.put("state", s.state().name());
    m.put("created_at", s.createdAt().toString());
    m.put("last_message_at", s.lastMessageAt().toString());
    return m;
  }

  static Map<String, Object> message(ChatMessage c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("session_id", c.sessionId());
    m.put("role", c.role().name());
    m.put("text", c.text());
    m.put("delivery", c.delivery().name());
    m.put("error", c.error());
    m.put("created_at", c.createdAt().toString());
    return m;
  }

  static Map<String, Object> turn(TurnMetrics t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("session_id", t.sessionId());
    m.put("integration_id", t.integrationId());
    m.put("channel", t.channelType());
    m.put("at", t.at().toString());
    m.put("response_ms", t.responseTime().toMillis());
    m.put("retrieval_hits", t.retrievalHits());
    m.put("top_score", t.topScore());
    m.put("confidence", t.confidence());
    m.put("input_tokens", t.inputTokens());
    m.put("output_tokens", t.outputTokens());
    m.put("model_latency_ms", t.modelLatency().toMillis());
    m.put("handoff_reason", t.handoffReason().isEmpty() ? null : t.handoffReason());
    return m;
  }

  static List<Map<String, Object>> sources(List<Source> sources) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Source s : sources) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", s.source());
      m.put("title", s.title());
      m.put("text", s.text());
      m.put("score", Math.round(s.score() * 1000) / 1000.0);
      out.add(m);
    }
    return out;
  }
}
