package io.wacanda.handoff;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A request for a human agent to take a session.
 *
 * @param summary the customer's last message, so an agent sees what it is about
 * @param lastActivityAt last customer or agent message; drives the idle timeout
 */
public record HandoffRequest(
    String id,
    TenantId tenant,
    String sessionId,
    String integrationId,
    HandoffReason reason,
    Urgency urgency,
    HandoffStatus status,
    Optional<String> assignedAgent,
    List<String> notes,
    String summary,
    Instant createdAt,
    Instant lastActivityAt,
    Optional<Instant> resolvedAt) {

  public HandoffRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(integrationId, "integrationId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(urgency, "urgency");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(assignedAgent, "assignedAgent");
    notes = List.copyOf(notes);
    summary = summary == null ? "" : summary;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastActivityAt, "lastActivityAt");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
  }

  public static HandoffRequest open(String id, TenantId tenant, String sessionId,
      String integrationId, HandoffReason reason, Urgency urgency, String summary, Instant now) {
    return new HandoffRequest(id, tenant, sessionId, integrationId, reason, urgency,
        HandoffStatus.OPEN, Optional.empty(), List.of(), summary, now, now, Optional.empty());
  }

  public boolean active() {
    return status != HandoffStatus.RESOLVED;
  }

  @Override
  public String toString() {
    return "HandoffRequest[id=" + id + ", session=" + sessionId + ", reason=" + reason
        + ", urgency=" + urgency + ", status=" + status + "]";
  }
}
