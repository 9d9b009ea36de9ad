package io.wacanda.handoff;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * {@link HandoffQueue} held in memory: requests by id, with indexes for each session's active
 * request, each tenant's OPEN requests in serving order (urgency, then age) and all active
 * requests. Thread-safe: {@link #find} is lock-free, every other call takes one lock, so a request
 * is claimed by one agent only. Everything is lost when the process stops; use
 * {@code wacanda-jdbc} for durability.
 *
 * <p>Claiming, assigning, adding a note and touching set {@code lastActivityAt} to {@code now};
 * claiming a request the agent already holds returns it unchanged; touching a resolved request
 * returns it unchanged.
 */
public final class InMemoryHandoffQueue implements HandoffQueue {
  private static final Comparator<Stored> SERVING_ORDER = Comparator
      .comparing((Stored s) -> s.request().urgency(), Comparator.reverseOrder())
      .thenComparing(s -> s.request().createdAt())
      .thenComparingLong(Stored::seq);
  private static final Comparator<Stored> LEAST_RECENTLY_ACTIVE_FIRST = Comparator
      .comparing((Stored s) -> s.request().lastActivityAt())
      .thenComparingLong(Stored::seq);

  private final Object lock = new Object();
  private final Map<String, Stored> byId = new ConcurrentHashMap<>();
  private final Map<TenantId, Set<String>> idsByTenant = new HashMap<>();
  private final Map<SessionKey, String> activeIdBySession = new HashMap<>();
  private final Map<TenantId, NavigableSet<Stored>> openByTenant = new HashMap<>();
  private final Set<String> activeIds = new LinkedHashSet<>();
  private long nextSeq;

  @Inject
  public InMemoryHandoffQueue() {}

  @Override
  public HandoffRequest request(HandoffRequest request) {
    synchronized (lock) {
      String activeId = activeIdBySession.get(SessionKey.of(request));
      if (activeId != null) {
        return byId.get(activeId).request();
      }
      Stored existing = byId.get(request.id());
      if (existing != null) {
        if (existing.request().tenant().equals(request.tenant())) {
          return existing.request();
        }
        throw WacandaException.conflict("handoff request id already in use: " + request.id());
      }
      Stored stored = new Stored(request, nextSeq++);
      idsByTenant.computeIfAbsent(request.tenant(), t -> new LinkedHashSet<>()).add(request.id());
      index(stored);
      return request;
    }
  }

  @Override
  public Optional<HandoffRequest> claimNext(TenantId tenant, String agentId, Instant now) {
    synchronized (lock) {
      NavigableSet<Stored> open = openByTenant.get(tenant);
      if (open == null || open.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(replace(open.first(), r -> claimed(r, agentId, now)));
    }
  }

  @Override
  public HandoffRequest claim(TenantId tenant, String requestId, String agentId, Instant now) {
    synchronized (lock) {
      Stored stored = require(tenant, requestId);
      HandoffRequest request = stored.request();
      return switch (request.status()) {
        case OPEN -> replace(stored, r -> claimed(r, agentId, now));
        case CLAIMED -> {
          if (request.assignedAgent().filter(agentId::equals).isPresent()) {
            yield request;
          }
          throw WacandaException.conflict("handoff request " + requestId
              + " is already claimed by another agent");
        }
        case RESOLVED -> throw WacandaException.conflict("handoff request " + requestId
            + " is resolved");
      };
    }
  }

  @Override
  public HandoffRequest assign(TenantId tenant, String requestId, String agentId, Instant now) {
    synchronized (lock) {
      Stored stored = requireActive(tenant, requestId);
      return replace(stored, r -> claimed(r, agentId, now));
    }
  }

  @Override
  public HandoffRequest addNote(TenantId tenant, String requestId, String note, Instant now) {
    if (note.isBlank()) {
      throw WacandaException.invalid("note must not be blank");
    }
    synchronized (lock) {
      Stored stored = require(tenant, requestId);
      return replace(stored, r -> {
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(note);
        return new HandoffRequest(r.id(), r.tenant(), r.sessionId(), r.integrationId(),
            r.reason(), r.urgency(), r.status(), r.assignedAgent(), notes, r.summary(),
            r.createdAt(), now, r.resolvedAt());
      });
    }
  }

  @Override
  public HandoffRequest touch(TenantId tenant, String requestId, Instant now) {
    synchronized (lock) {
      Stored stored = require(tenant, requestId);
      if (!stored.request().active()) {
        return stored.request();
      }
      return replace(stored, r -> new HandoffRequest(r.id(), r.tenant(), r.sessionId(),
          r.integrationId(), r.reason(), r.urgency(), r.status(), r.assignedAgent(), r.notes(),
          r.summary(), r.createdAt(), now, r.resolvedAt()));
    }
  }

  @Override
  public HandoffRequest resolve(TenantId tenant, String requestId, Instant now) {
    synchronized (lock) {
      Stored stored = requireActive(tenant, requestId);
      return replace(stored, r -> new HandoffRequest(r.id(), r.tenant(), r.sessionId(),
          r.integrationId(), r.reason(), r.urgency(), HandoffStatus.RESOLVED, r.assignedAgent(),
          r.notes(), r.summary(), r.createdAt(), r.lastActivityAt(), Optional.of(now)));
    }
  }

  @Override
  public Optional<HandoffRequest> find(TenantId tenant, String requestId) {
    return Optional.ofNullable(byId.get(requestId))
        .map(Stored::request)
        .filter(r -> r.tenant().equals(tenant));
  }

  @Override
  public Optional<HandoffRequest> activeForSession(TenantId tenant, String sessionId) {
    synchronized (lock) {
      return Optional.ofNullable(activeIdBySession.get(new SessionKey(tenant, sessionId)))
          .map(id -> byId.get(id).request());
    }
  }

  @Override
  public List<HandoffRequest> list(TenantId tenant, Optional<HandoffStatus> status, int limit) {
    requirePositive(limit);
    List<Stored> rows = new ArrayList<>();
    synchronized (lock) {
      for (String id : idsByTenant.getOrDefault(tenant, Set.of())) {
        Stored stored = byId.get(id);
        if (status.isEmpty() || stored.request().status() == status.get()) {
          rows.add(stored);
        }
      }
    }
    return rows.stream().sorted(SERVING_ORDER).limit(limit).map(Stored::request).toList();
  }

  @Override
  public List<HandoffRequest> idleSince(Instant idleSince, int limit) {
    requirePositive(limit);
    List<Stored> rows = new ArrayList<>();
    synchronized (lock) {
      for (String id : activeIds) {
        Stored stored = byId.get(id);
        if (stored.request().lastActivityAt().isBefore(idleSince)) {
          rows.add(stored);
        }
      }
    }
    return rows.stream().sorted(LEAST_RECENTLY_ACTIVE_FIRST).limit(limit).map(Stored::request)
        .toList();
  }

  private static HandoffRequest claimed(HandoffRequest r, String agentId, Instant now) {
    return new HandoffRequest(r.id(), r.tenant(), r.sessionId(), r.integrationId(), r.reason(),
        r.urgency(), HandoffStatus.CLAIMED, Optional.of(agentId), r.notes(), r.summary(),
        r.createdAt(), now, r.resolvedAt());
  }

  private Stored require(TenantId tenant, String requestId) {
    Stored stored = byId.get(requestId);
    if (stored == null || !stored.request().tenant().equals(tenant)) {
      throw WacandaException.notFound("handoff request", requestId);
    }
    return stored;
  }

  private Stored requireActive(TenantId tenant, String requestId) {
    Stored stored = require(tenant, requestId);
    if (!stored.request().active()) {
      throw WacandaException.conflict("handoff request " + requestId + " is resolved");
    }
    return stored;
  }

  /** Replaces a request, keeping its arrival order, and moves it between the indexes. */
  private HandoffRequest replace(Stored old, UnaryOperator<HandoffRequest> change) {
    unindex(old);
    Stored next = new Stored(change.apply(old.request()), old.seq());
    index(next);
    return next.request();
  }

  private void index(Stored stored) {
    HandoffRequest request = stored.request();
    byId.put(request.id(), stored);
    if (request.active()) {
      activeIds.add(request.id());
      activeIdBySession.put(SessionKey.of(request), request.id());
    }
    if (request.status() == HandoffStatus.OPEN) {
      openByTenant.computeIfAbsent(request.tenant(), t -> new TreeSet<>(SERVING_ORDER))
          .add(stored);
    }
  }

  private void unindex(Stored stored) {
    HandoffRequest request = stored.request();
    activeIds.remove(request.id());
    activeIdBySession.remove(SessionKey.of(request), request.id());
    NavigableSet<Stored> open = openByTenant.get(request.tenant());
    if (open != null) {
      open.remove(stored);
    }
  }

  private static void requirePositive(int limit) {
    if (limit < 1) {
      throw WacandaException.invalid("limit must be positive, was " + limit);
    }
  }

  private record Stored(HandoffRequest request, long seq) {}

  private record SessionKey(TenantId tenant, String sessionId) {
    static SessionKey of(HandoffRequest request) {
      return new SessionKey(request.tenant(), request.sessionId());
    }
  }
}
