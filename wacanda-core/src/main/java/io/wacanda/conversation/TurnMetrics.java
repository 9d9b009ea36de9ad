package io.wacanda.conversation;

import io.wacanda.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Analytics for one bot turn.
 *
 * @param channelType the integration type ({@code telegram}, ...)
 * @param responseTime from the customer message being picked up to the reply being ready
 * @param retrievalHits passages retrieved
 * @param topScore best retrieval score, 0 when none
 * @param inputTokens model tokens in, 0 when the model reports none
 * @param modelLatency time spent in the model, zero when no model was called
 * @param handoffReason the handoff reason code, empty when the bot answered
 */
public record TurnMetrics(
    String id,
    TenantId tenant,
    String sessionId,
    String integrationId,
    String channelType,
    Instant at,
    Duration responseTime,
    int retrievalHits,
    double topScore,
    double confidence,
    long inputTokens,
    long outputTokens,
    Duration modelLatency,
    String handoffReason) {

  public TurnMetrics {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(integrationId, "integrationId");
    Objects.requireNonNull(channelType, "channelType");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(responseTime, "responseTime");
    Objects.requireNonNull(modelLatency, "modelLatency");
    handoffReason = handoffReason == null ? "" : handoffReason;
  }
}
