package io.wacanda.handoff;

import io.wacanda.testing.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link HandoffQueue} must have. Extend it and return a new, empty queue from
 * {@link #newQueue()}; every test uses only the tenants and integration id declared here. Times are
 * passed explicitly, starting at {@link #T0}.
 */
public abstract class HandoffQueueContract {
  protected static final TenantId TENANT_A = TenantId.of("tenant-a");
  protected static final TenantId TENANT_B = TenantId.of("tenant-b");
  protected static final String INTEGRATION_A = "int-a";
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private HandoffQueue queue;

  /** A new, empty queue. */
  protected abstract HandoffQueue newQueue();

  @BeforeEach
  void createQueue() {
    queue = newQueue();
  }

  protected static HandoffRequest open(String id, TenantId tenant, String sessionId,
      Urgency urgency, Instant createdAt) {
    return HandoffRequest.open(id, tenant, sessionId, INTEGRATION_A,
        HandoffReason.CUSTOMER_REQUEST, urgency, "I want to talk to a person", createdAt);
  }

  protected static HandoffRequest open(String id, Urgency urgency, Instant createdAt) {
    return open(id, TENANT_A, "session-" + id, urgency, createdAt);
  }

  private static void assertFailsWith(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(WacandaException.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }

  private HandoffRequest stored(String id) {
    return queue.find(TENANT_A, id).orElseThrow();
  }

  @Test
  void requestOpensRequestThatRoundTrips() {
    HandoffRequest request = open("h-1", Urgency.MEDIUM, T0);

    HandoffRequest opened = queue.request(request);

    assertThat(opened).isEqualTo(request);
    assertThat(queue.find(TENANT_A, "h-1")).contains(request);
    assertThat(queue.activeForSession(TENANT_A, "session-h-1")).contains(request);
  }

  @Test
  void requestForSessionWithActiveRequestReturnsTheActiveOne() {
    HandoffRequest first = queue.request(open("h-1", TENANT_A, "s-1", Urgency.LOW, T0));

    HandoffRequest again =
        queue.request(open("h-2", TENANT_A, "s-1", Urgency.HIGH, T0.plusSeconds(5)));

    assertThat(again).isEqualTo(first);
    assertThat(queue.find(TENANT_A, "h-2")).isEmpty();
    assertThat(queue.list(TENANT_A, Optional.empty(), 10)).containsExactly(first);
  }

  @Test
  void requestForSessionWithClaimedRequestReturnsTheClaimedOne() {
    queue.request(open("h-1", TENANT_A, "s-1", Urgency.LOW, T0));
    HandoffRequest claimed = queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(1));

    assertThat(queue.request(open("h-2", TENANT_A, "s-1", Urgency.LOW, T0.plusSeconds(2))))
        .isEqualTo(claimed);
  }

  @Test
  void requestAfterResolveOpensANewRequest() {
    queue.request(open("h-1", TENANT_A, "s-1", Urgency.LOW, T0));
    queue.resolve(TENANT_A, "h-1", T0.plusSeconds(10));
    HandoffRequest second = open("h-2", TENANT_A, "s-1", Urgency.HIGH, T0.plusSeconds(20));

    assertThat(queue.request(second)).isEqualTo(second);
    assertThat(queue.activeForSession(TENANT_A, "s-1")).contains(second);
  }

  @Test
  void concurrentRequestsForOneSessionOpenOneRequest() throws Exception {
    AtomicInteger next = new AtomicInteger();

    List<HandoffRequest> results = Concurrently.run(8, () -> queue.request(
        open("h-" + next.getAndIncrement(), TENANT_A, "s-1", Urgency.MEDIUM, T0)));

    assertThat(results).extracting(HandoffRequest::id).containsOnly(results.get(0).id());
    assertThat(queue.list(TENANT_A, Optional.empty(), 10)).hasSize(1);
  }

  @Test
  void claimNextServesHighestUrgencyThenOldest() {
    queue.request(open("low-old", Urgency.LOW, T0));
    queue.request(open("high-new", Urgency.HIGH, T0.plusSeconds(30)));
    queue.request(open("medium", Urgency.MEDIUM, T0.plusSeconds(10)));
    queue.request(open("high-old", Urgency.HIGH, T0.plusSeconds(20)));
    Instant now = T0.plusSeconds(60);

    List<String> served = new ArrayList<>();
    Optional<HandoffRequest> next;
    while ((next = queue.claimNext(TENANT_A, "agent-1", now)).isPresent()) {
      served.add(next.get().id());
    }

    assertThat(served).containsExactly("high-old", "high-new", "medium", "low-old");
  }

  @Test
  void claimNextClaimsForTheAgentAndRecordsActivity() {
    queue.request(open("h-1", Urgency.MEDIUM, T0));
    Instant now = T0.plusSeconds(60);

    HandoffRequest claimed = queue.claimNext(TENANT_A, "agent-1", now).orElseThrow();

    assertThat(claimed.status()).isEqualTo(HandoffStatus.CLAIMED);
    assertThat(claimed.assignedAgent()).contains("agent-1");
    assertThat(claimed.lastActivityAt()).isEqualTo(now);
    assertThat(stored("h-1")).isEqualTo(claimed);
    assertThat(queue.activeForSession(TENANT_A, "session-h-1")).contains(claimed);
  }

  @Test
  void claimNextSkipsClaimedAndResolvedRequests() {
    queue.request(open("claimed", Urgency.HIGH, T0));
    queue.request(open("resolved", Urgency.HIGH, T0));
    queue.claim(TENANT_A, "claimed", "agent-1", T0);
    queue.resolve(TENANT_A, "resolved", T0);

    assertThat(queue.claimNext(TENANT_A, "agent-2", T0.plusSeconds(1))).isEmpty();
  }

  @Test
  void claimTakesAnOpenRequest() {
    queue.request(open("h-1", Urgency.LOW, T0));

    HandoffRequest claimed = queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(5));

    assertThat(claimed.status()).isEqualTo(HandoffStatus.CLAIMED);
    assertThat(claimed.assignedAgent()).contains("agent-1");
    assertThat(claimed.lastActivityAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(stored("h-1")).isEqualTo(claimed);
  }

  @Test
  void claimOfRequestTheAgentHoldsReturnsIt() {
    queue.request(open("h-1", Urgency.LOW, T0));
    HandoffRequest claimed = queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(5));

    HandoffRequest again = queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(6));

    assertThat(again.status()).isEqualTo(HandoffStatus.CLAIMED);
    assertThat(again.assignedAgent()).contains("agent-1");
    assertThat(again.id()).isEqualTo(claimed.id());
  }

  @Test
  void claimOfRequestAnotherAgentHoldsFailsWithConflict() {
    queue.request(open("h-1", Urgency.LOW, T0));
    HandoffRequest claimed = queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(5));

    assertFailsWith(ErrorCode.CONFLICT,
        () -> queue.claim(TENANT_A, "h-1", "agent-2", T0.plusSeconds(6)));

    assertThat(stored("h-1")).isEqualTo(claimed);
  }

  @Test
  void claimOfResolvedRequestFailsWithConflict() {
    queue.request(open("h-1", Urgency.LOW, T0));
    HandoffRequest resolved = queue.resolve(TENANT_A, "h-1", T0.plusSeconds(5));

    assertFailsWith(ErrorCode.CONFLICT,
        () -> queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(6)));

    assertThat(stored("h-1")).isEqualTo(resolved);
  }

  @Test
  void concurrentClaimsOfOneRequestSucceedForOneAgent() throws Exception {
    queue.request(open("h-1", Urgency.LOW, T0));
    AtomicInteger agents = new AtomicInteger();

    List<Optional<String>> winners = Concurrently.run(8, () -> {
      String agent = "agent-" + agents.getAndIncrement();
      try {
        return Optional.of(queue.claim(TENANT_A, "h-1", agent, T0).assignedAgent().orElseThrow());
      } catch (WacandaException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
        return Optional.<String>empty();
      }
    });

    List<String> won = winners.stream().flatMap(Optional::stream).toList();
    assertThat(won).hasSize(1);
    assertThat(stored("h-1").assignedAgent()).contains(won.get(0));
  }

  @Test
  void concurrentClaimNextHandsEachRequestToOneAgent() throws Exception {
    int requests = 200;
    for (int n = 0; n < requests; n++) {
      queue.request(open("h-" + n, Urgency.values()[n % 3], T0.plusMillis(n)));
    }
    AtomicInteger agents = new AtomicInteger();

    List<List<String>> claimedPerAgent = Concurrently.run(8, () -> {
      String agent = "agent-" + agents.getAndIncrement();
      List<String> mine = new ArrayList<>();
      Optional<HandoffRequest> next;
      while ((next = queue.claimNext(TENANT_A, agent, T0.plusSeconds(1))).isPresent()) {
        assertThat(next.get().assignedAgent()).contains(agent);
        mine.add(next.get().id());
      }
      return mine;
    });

    List<String> all = claimedPerAgent.stream().flatMap(Collection::stream).toList();
    assertThat(all).hasSize(requests).doesNotHaveDuplicates();
    assertThat(queue.list(TENANT_A, Optional.of(HandoffStatus.OPEN), 10)).isEmpty();
  }

  @Test
  void assignMovesRequestToAgentWhoeverHeldIt() {
    queue.request(open("open", Urgency.LOW, T0));
    queue.request(open("held", Urgency.LOW, T0));
    queue.claim(TENANT_A, "held", "agent-1", T0.plusSeconds(1));

    HandoffRequest assignedOpen = queue.assign(TENANT_A, "open", "agent-2", T0.plusSeconds(2));
    HandoffRequest reassigned = queue.assign(TENANT_A, "held", "agent-2", T0.plusSeconds(3));

    assertThat(assignedOpen.status()).isEqualTo(HandoffStatus.CLAIMED);
    assertThat(assignedOpen.assignedAgent()).contains("agent-2");
    assertThat(reassigned.status()).isEqualTo(HandoffStatus.CLAIMED);
    assertThat(reassigned.assignedAgent()).contains("agent-2");
    assertThat(reassigned.lastActivityAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(stored("held")).isEqualTo(reassigned);
    assertThat(queue.claimNext(TENANT_A, "agent-3", T0.plusSeconds(4))).isEmpty();
  }

  @Test
  void assignOfResolvedRequestFailsWithConflict() {
    queue.request(open("h-1", Urgency.LOW, T0));
    queue.resolve(TENANT_A, "h-1", T0.plusSeconds(1));

    assertFailsWith(ErrorCode.CONFLICT,
        () -> queue.assign(TENANT_A, "h-1", "agent-1", T0.plusSeconds(2)));
  }

  @Test
  void addNoteAppendsNotesInOrder() {
    queue.request(open("h-1", Urgency.LOW, T0));

    queue.addNote(TENANT_A, "h-1", "asked for a refund", T0.plusSeconds(1));
    HandoffRequest noted = queue.addNote(TENANT_A, "h-1", "refund issued", T0.plusSeconds(2));

    assertThat(noted.notes()).containsExactly("asked for a refund", "refund issued");
    assertThat(stored("h-1").notes()).containsExactly("asked for a refund", "refund issued");
  }

  @Test
  void touchRecordsActivity() {
    queue.request(open("h-1", Urgency.LOW, T0));
    queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(1));

    HandoffRequest touched = queue.touch(TENANT_A, "h-1", T0.plusSeconds(90));

    assertThat(touched.lastActivityAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(touched.status()).isEqualTo(HandoffStatus.CLAIMED);
    assertThat(touched.assignedAgent()).contains("agent-1");
    assertThat(stored("h-1")).isEqualTo(touched);
  }

  @Test
  void resolveGivesTheSessionBackToTheBot() {
    queue.request(open("h-1", Urgency.HIGH, T0));
    queue.claim(TENANT_A, "h-1", "agent-1", T0.plusSeconds(1));

    HandoffRequest resolved = queue.resolve(TENANT_A, "h-1", T0.plusSeconds(60));

    assertThat(resolved.status()).isEqualTo(HandoffStatus.RESOLVED);
    assertThat(resolved.resolvedAt()).contains(T0.plusSeconds(60));
    assertThat(resolved.active()).isFalse();
    assertThat(resolved.assignedAgent()).contains("agent-1");
    assertThat(stored("h-1")).isEqualTo(resolved);
    assertThat(queue.activeForSession(TENANT_A, "session-h-1")).isEmpty();
  }

  @Test
  void resolveOfOpenRequestTakesItOffTheQueue() {
    queue.request(open("h-1", Urgency.HIGH, T0));

    queue.resolve(TENANT_A, "h-1", T0.plusSeconds(60));

    assertThat(queue.claimNext(TENANT_A, "agent-1", T0.plusSeconds(61))).isEmpty();
  }

  @Test
  void resolveOfResolvedRequestFailsWithConflict() {
    queue.request(open("h-1", Urgency.HIGH, T0));
    HandoffRequest resolved = queue.resolve(TENANT_A, "h-1", T0.plusSeconds(60));

    assertFailsWith(ErrorCode.CONFLICT, () -> queue.resolve(TENANT_A, "h-1", T0.plusSeconds(61)));

    assertThat(stored("h-1")).isEqualTo(resolved);
  }

  @Test
  void unknownIdFailsWithNotFound() {
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.claim(TENANT_A, "missing", "agent-1", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.assign(TENANT_A, "missing", "agent-1", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.addNote(TENANT_A, "missing", "note", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.touch(TENANT_A, "missing", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.resolve(TENANT_A, "missing", T0));
    assertThat(queue.find(TENANT_A, "missing")).isEmpty();
    assertThat(queue.activeForSession(TENANT_A, "missing")).isEmpty();
  }

  @Test
  void listOrdersByUrgencyThenAgeAndFiltersByStatus() {
    queue.request(open("low", Urgency.LOW, T0));
    queue.request(open("high-new", Urgency.HIGH, T0.plusSeconds(30)));
    queue.request(open("medium", Urgency.MEDIUM, T0.plusSeconds(10)));
    queue.request(open("high-old", Urgency.HIGH, T0.plusSeconds(20)));
    queue.claim(TENANT_A, "medium", "agent-1", T0.plusSeconds(40));
    queue.resolve(TENANT_A, "high-new", T0.plusSeconds(50));

    assertThat(queue.list(TENANT_A, Optional.empty(), 10)).extracting(HandoffRequest::id)
        .containsExactly("high-old", "high-new", "medium", "low");
    assertThat(queue.list(TENANT_A, Optional.empty(), 2)).extracting(HandoffRequest::id)
        .containsExactly("high-old", "high-new");
    assertThat(queue.list(TENANT_A, Optional.of(HandoffStatus.OPEN), 10))
        .extracting(HandoffRequest::id).containsExactly("high-old", "low");
    assertThat(queue.list(TENANT_A, Optional.of(HandoffStatus.CLAIMED), 10))
        .extracting(HandoffRequest::id).containsExactly("medium");
    assertThat(queue.list(TENANT_A, Optional.of(HandoffStatus.RESOLVED), 10))
        .extracting(HandoffRequest::id).containsExactly("high-new");
  }

  @Test
  void idleSinceReturnsActiveRequestsOfEveryTenantWithoutRecentActivity() {
    Instant idleSince = T0.plus(Duration.ofMinutes(30));
    queue.request(open("idle-a", TENANT_A, "s-1", Urgency.LOW, T0));
    queue.request(open("idle-b", TENANT_B, "s-2", Urgency.LOW, T0.plusSeconds(10)));
    queue.request(open("claimed-idle", TENANT_A, "s-3", Urgency.LOW, T0));
    queue.claim(TENANT_A, "claimed-idle", "agent-1", T0.plusSeconds(20));
    queue.request(open("touched", TENANT_A, "s-4", Urgency.LOW, T0));
    queue.touch(TENANT_A, "touched", idleSince);
    queue.request(open("resolved", TENANT_A, "s-5", Urgency.LOW, T0));
    queue.resolve(TENANT_A, "resolved", T0.plusSeconds(5));

    assertThat(queue.idleSince(idleSince, 10)).extracting(HandoffRequest::id)
        .containsExactlyInAnyOrder("idle-a", "idle-b", "claimed-idle");
    assertThat(queue.idleSince(idleSince, 2)).hasSize(2);
  }

  @Test
  void tenantCannotReadAnotherTenantsRequests() {
    HandoffRequest request = queue.request(open("h-1", TENANT_A, "s-1", Urgency.HIGH, T0));

    assertThat(queue.find(TENANT_B, "h-1")).isEmpty();
    assertThat(queue.activeForSession(TENANT_B, "s-1")).isEmpty();
    assertThat(queue.list(TENANT_B, Optional.empty(), 10)).isEmpty();
    assertThat(queue.claimNext(TENANT_B, "agent-b", T0)).isEmpty();

    assertThat(stored("h-1")).isEqualTo(request);
  }

  @Test
  void tenantCannotChangeAnotherTenantsRequests() {
    HandoffRequest request = queue.request(open("h-1", TENANT_A, "s-1", Urgency.HIGH, T0));

    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.claim(TENANT_B, "h-1", "agent-b", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.assign(TENANT_B, "h-1", "agent-b", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.addNote(TENANT_B, "h-1", "note", T0));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.touch(TENANT_B, "h-1", T0.plusSeconds(9)));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> queue.resolve(TENANT_B, "h-1", T0));

    assertThat(stored("h-1")).isEqualTo(request);
  }

  @Test
  void requestForSameSessionIdUnderAnotherTenantOpensItsOwnRequest() {
    HandoffRequest requestA = queue.request(open("h-a", TENANT_A, "s-1", Urgency.HIGH, T0));
    HandoffRequest requestB = open("h-b", TENANT_B, "s-1", Urgency.LOW, T0);

    assertThat(queue.request(requestB)).isEqualTo(requestB);
    assertThat(queue.activeForSession(TENANT_A, "s-1")).contains(requestA);
    assertThat(queue.activeForSession(TENANT_B, "s-1")).contains(requestB);
  }
}
