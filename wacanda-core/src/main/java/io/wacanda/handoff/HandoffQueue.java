package io.wacanda.handoff;

import io.wacanda.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The queue of conversations waiting for, or owned by, human agents. At most one active request
 * per session. Thread-safe; every call scoped by tenant. Illegal transitions (claiming a request
 * another agent owns, resolving twice) throw {@link io.wacanda.WacandaException} with CONFLICT;
 * unknown ids throw NOT_FOUND.
 */
public interface HandoffQueue {

  /** Opens a request, or returns the session's active one if there is one. */
  HandoffRequest request(HandoffRequest request);

  /** Claims the oldest OPEN request of the highest urgency for this agent. */
  Optional<HandoffRequest> claimNext(TenantId tenant, String agentId, Instant now);

  /** Claims a given OPEN request (or one this agent already holds). */
  HandoffRequest claim(TenantId tenant, String requestId, String agentId, Instant now);

  /** Assigns an active request to an agent, whoever held it. */
  HandoffRequest assign(TenantId tenant, String requestId, String agentId, Instant now);

  HandoffRequest addNote(TenantId tenant, String requestId, String note, Instant now);

  /** Records activity (a customer or agent message) for the idle timeout. */
  HandoffRequest touch(TenantId tenant, String requestId, Instant now);

  HandoffRequest resolve(TenantId tenant, String requestId, Instant now);

  Optional<HandoffRequest> find(TenantId tenant, String requestId);

  Optional<HandoffRequest> activeForSession(TenantId tenant, String sessionId);

  /** Requests by status (empty: every status), highest urgency then oldest first. */
  List<HandoffRequest> list(TenantId tenant, Optional<HandoffStatus> status, int limit);

  /** Active requests, across tenants, with no activity since {@code idleSince}. */
  List<HandoffRequest> idleSince(Instant idleSince, int limit);
}
