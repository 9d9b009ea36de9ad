package io.wacanda.conversation;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConversationStore} held in memory: sessions, messages and turns by id, with indexes for
 * the open session of each sender, the messages of each session in time order, idempotency keys,
 * platform message ids and each integration's rows. Thread-safe: lookups by id are lock-free,
 * every other call takes one lock, so {@link #openSession} and {@link #appendMessage} are atomic.
 * Everything is lost when the process stops; use {@code wacanda-jdbc} for durability.
 *
 * <p>Updating an unknown session or message, or another tenant's, changes nothing. Appending a
 * message whose id is already stored, or recording a turn whose id is, changes nothing.
 */
public final class InMemoryConversationStore implements ConversationStore {
  private static final Comparator<ChatSession> MOST_RECENTLY_ACTIVE_FIRST =
      Comparator.comparing(ChatSession::lastMessageAt)
          .thenComparing(ChatSession::createdAt)
          .thenComparing(ChatSession::id)
          .reversed();

  private final Object lock = new Object();
  private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();
  private final Map<SenderKey, String> openSessionIds = new HashMap<>();
  private final Map<Owned, Set<String>> sessionIdsByIntegration = new HashMap<>();

  private final Map<String, StoredMessage> messages = new ConcurrentHashMap<>();
  private final Map<Owned, NavigableSet<Slot>> messagesBySession = new HashMap<>();
  private final Map<Owned, Set<String>> messageIdsByIntegration = new HashMap<>();
  private final Map<Owned, String> messageIdByKey = new HashMap<>();
  private final Map<PlatformKey, String> messageIdByPlatformId = new HashMap<>();

  private final Map<String, StoredTurn> turns = new HashMap<>();
  private final Map<TenantId, NavigableSet<Slot>> turnsByTenant = new HashMap<>();
  private final Map<Owned, Set<String>> turnIdsByIntegration = new HashMap<>();
  private long nextSeq;

  @Inject
  public InMemoryConversationStore() {}

  @Override
  public ChatSession openSession(TenantId tenant, String integrationId, String senderId,
      String chatId, String senderName, Instant now) {
    SenderKey key = new SenderKey(tenant, integrationId, senderId);
    synchronized (lock) {
      String openId = openSessionIds.get(key);
      if (openId != null) {
        return sessions.get(openId);
      }
      ChatSession session = new ChatSession(UUID.randomUUID().toString(), tenant, integrationId,
          senderId, chatId, senderName, SessionState.BOT, 0, now, now);
      sessions.put(session.id(), session);
      openSessionIds.put(key, session.id());
      sessionIdsByIntegration.computeIfAbsent(Owned.integrationOf(session), k -> new HashSet<>())
          .add(session.id());
      return session;
    }
  }

  @Override
  public Optional<ChatSession> findSession(TenantId tenant, String sessionId) {
    return Optional.ofNullable(sessions.get(sessionId)).filter(s -> s.tenant().equals(tenant));
  }

  @Override
  public void updateSession(ChatSession session) {
    synchronized (lock) {
      ChatSession old = sessions.get(session.id());
      if (old == null || !old.tenant().equals(session.tenant())) {
        return;
      }
      unindexSession(old);
      sessions.put(session.id(), session);
      sessionIdsByIntegration.computeIfAbsent(Owned.integrationOf(session), k -> new HashSet<>())
          .add(session.id());
      if (session.state() != SessionState.CLOSED) {
        openSessionIds.putIfAbsent(SenderKey.of(session), session.id());
      }
    }
  }

  @Override
  public List<ChatSession> listSessions(TenantId tenant, String integrationId, int limit) {
    requirePositive("limit", limit);
    List<ChatSession> rows = new ArrayList<>();
    synchronized (lock) {
      for (String id : sessionIdsByIntegration.getOrDefault(new Owned(tenant, integrationId),
          Set.of())) {
        rows.add(sessions.get(id));
      }
    }
    rows.sort(MOST_RECENTLY_ACTIVE_FIRST);
    return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : List.copyOf(rows);
  }

  @Override
  public boolean appendMessage(ChatMessage message) {
    synchronized (lock) {
      if (messages.containsKey(message.id())) {
        return false;
      }
      if (!message.idempotencyKey().isEmpty()
          && messageIdByKey.containsKey(Owned.keyOf(message))) {
        return false;
      }
      indexMessage(new StoredMessage(message, nextSeq++));
      return true;
    }
  }

  @Override
  public void updateMessage(ChatMessage message) {
    synchronized (lock) {
      StoredMessage old = messages.get(message.id());
      if (old == null || !old.message().tenant().equals(message.tenant())) {
        return;
      }
      unindexMessage(old);
      indexMessage(new StoredMessage(message, old.seq()));
    }
  }

  @Override
  public Optional<ChatMessage> findMessageByKey(TenantId tenant, String idempotencyKey) {
    if (idempotencyKey.isEmpty()) {
      return Optional.empty();
    }
    String id;
    synchronized (lock) {
      id = messageIdByKey.get(new Owned(tenant, idempotencyKey));
    }
    return findMessage(tenant, id);
  }

  @Override
  public Optional<ChatMessage> findMessageByPlatformId(TenantId tenant, String integrationId,
      String platformMessageId) {
    if (platformMessageId.isEmpty()) {
      return Optional.empty();
    }
    String id;
    synchronized (lock) {
      id = messageIdByPlatformId.get(new PlatformKey(tenant, integrationId, platformMessageId));
    }
    return findMessage(tenant, id);
  }

  @Override
  public List<ChatMessage> recentMessages(TenantId tenant, String sessionId, int limit) {
    requirePositive("limit", limit);
    Deque<ChatMessage> newestLast = new ArrayDeque<>();
    synchronized (lock) {
      NavigableSet<Slot> slots = messagesBySession.get(new Owned(tenant, sessionId));
      if (slots == null) {
        return List.of();
      }
      Iterator<Slot> newestFirst = slots.descendingIterator();
      while (newestFirst.hasNext() && newestLast.size() < limit) {
        newestLast.addFirst(messages.get(newestFirst.next().id()).message());
      }
    }
    return List.copyOf(newestLast);
  }

  @Override
  public void recordTurn(TurnMetrics turn) {
    synchronized (lock) {
      if (turns.containsKey(turn.id())) {
        return;
      }
      StoredTurn stored = new StoredTurn(turn, new Slot(turn.at(), nextSeq++, turn.id()));
      turns.put(turn.id(), stored);
      turnsByTenant.computeIfAbsent(turn.tenant(), t -> new TreeSet<>()).add(stored.slot());
      turnIdsByIntegration.computeIfAbsent(new Owned(turn.tenant(), turn.integrationId()),
          k -> new HashSet<>()).add(turn.id());
    }
  }

  @Override
  public List<TurnMetrics> turns(TenantId tenant, TurnQuery query) {
    requirePositive("limit", query.limit());
    List<TurnMetrics> rows = new ArrayList<>();
    synchronized (lock) {
      NavigableSet<Slot> slots = turnsByTenant.get(tenant);
      if (slots == null) {
        return List.of();
      }
      Slot from = new Slot(query.since(), Long.MIN_VALUE, "");
      for (Slot slot : slots.tailSet(from, true).descendingSet()) {
        TurnMetrics turn = turns.get(slot.id()).turn();
        if (matches(turn, query)) {
          rows.add(turn);
          if (rows.size() == query.limit()) {
            break;
          }
        }
      }
    }
    return List.copyOf(rows);
  }

  @Override
  public Counts counts(TenantId tenant, String integrationId, Instant activeSince,
      Instant todayStart) {
    Owned scope = new Owned(tenant, integrationId);
    synchronized (lock) {
      Set<String> sessionIds = sessionIdsByIntegration.getOrDefault(scope, Set.of());
      long active = sessionIds.stream()
          .filter(id -> !sessions.get(id).lastMessageAt().isBefore(activeSince))
          .count();
      Set<String> messageIds = messageIdsByIntegration.getOrDefault(scope, Set.of());
      long today = messageIds.stream()
          .filter(id -> !messages.get(id).message().createdAt().isBefore(todayStart))
          .count();
      Set<String> turnIds = turnIdsByIntegration.getOrDefault(scope, Set.of());
      Duration total = Duration.ZERO;
      for (String id : turnIds) {
        total = total.plus(turns.get(id).turn().responseTime());
      }
      Duration average = turnIds.isEmpty() ? Duration.ZERO : total.dividedBy(turnIds.size());
      return new Counts(sessionIds.size(), active, messageIds.size(), today, average);
    }
  }

  @Override
  public void deleteAll(TenantId tenant, String integrationId) {
    Owned scope = new Owned(tenant, integrationId);
    synchronized (lock) {
      for (String id : List.copyOf(messageIdsByIntegration.getOrDefault(scope, Set.of()))) {
        unindexMessage(messages.get(id));
      }
      for (String id : List.copyOf(sessionIdsByIntegration.getOrDefault(scope, Set.of()))) {
        unindexSession(sessions.remove(id));
      }
      Set<String> turnIds = turnIdsByIntegration.remove(scope);
      if (turnIds != null) {
        NavigableSet<Slot> tenantTurns = turnsByTenant.get(tenant);
        for (String id : turnIds) {
          tenantTurns.remove(turns.remove(id).slot());
        }
        if (tenantTurns.isEmpty()) {
          turnsByTenant.remove(tenant);
        }
      }
    }
  }

  private Optional<ChatMessage> findMessage(TenantId tenant, String id) {
    return Optional.ofNullable(id == null ? null : messages.get(id))
        .map(StoredMessage::message)
        .filter(m -> m.tenant().equals(tenant));
  }

  /** Removes a session from the secondary indexes; the caller replaces or removes the row. */
  private void unindexSession(ChatSession session) {
    openSessionIds.remove(SenderKey.of(session), session.id());
    removeFrom(sessionIdsByIntegration, Owned.integrationOf(session), session.id());
  }

  private void indexMessage(StoredMessage stored) {
    ChatMessage message = stored.message();
    messages.put(message.id(), stored);
    messagesBySession.computeIfAbsent(new Owned(message.tenant(), message.sessionId()),
        k -> new TreeSet<>()).add(stored.slot());
    messageIdsByIntegration.computeIfAbsent(new Owned(message.tenant(), message.integrationId()),
        k -> new HashSet<>()).add(message.id());
    if (!message.idempotencyKey().isEmpty()) {
      messageIdByKey.putIfAbsent(Owned.keyOf(message), message.id());
    }
    if (!message.platformMessageId().isEmpty()) {
      messageIdByPlatformId.put(PlatformKey.of(message), message.id());
    }
  }

  private void unindexMessage(StoredMessage stored) {
    ChatMessage message = stored.message();
    messages.remove(message.id());
    Owned session = new Owned(message.tenant(), message.sessionId());
    NavigableSet<Slot> slots = messagesBySession.get(session);
    slots.remove(stored.slot());
    if (slots.isEmpty()) {
      messagesBySession.remove(session);
    }
    removeFrom(messageIdsByIntegration, new Owned(message.tenant(), message.integrationId()),
        message.id());
    if (!message.idempotencyKey().isEmpty()) {
      messageIdByKey.remove(Owned.keyOf(message), message.id());
    }
    if (!message.platformMessageId().isEmpty()) {
      messageIdByPlatformId.remove(PlatformKey.of(message), message.id());
    }
  }

  private static <K> void removeFrom(Map<K, Set<String>> index, K key, String id) {
    Set<String> ids = index.get(key);
    if (ids != null) {
      ids.remove(id);
      if (ids.isEmpty()) {
        index.remove(key);
      }
    }
  }

  private static boolean matches(TurnMetrics turn, TurnQuery query) {
    return query.sessionId().map(turn.sessionId()::equals).orElse(true)
        && query.integrationId().map(turn.integrationId()::equals).orElse(true)
        && query.channelType().map(turn.channelType()::equals).orElse(true);
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw WacandaException.invalid(name + " must be positive, was " + value);
    }
  }

  private record StoredMessage(ChatMessage message, long seq) {
    Slot slot() {
      return new Slot(message.createdAt(), seq, message.id());
    }
  }

  private record StoredTurn(TurnMetrics turn, Slot slot) {}

  /** Position in a time-ordered index: time, then arrival order. */
  private record Slot(Instant at, long seq, String id) implements Comparable<Slot> {
    @Override
    public int compareTo(Slot other) {
      int byAt = at.compareTo(other.at);
      return byAt != 0 ? byAt : Long.compare(seq, other.seq);
    }
  }

  /** A tenant-scoped name: an integration id, a session id or an idempotency key. */
  private record Owned(TenantId tenant, String name) {
    static Owned integrationOf(ChatSession session) {
      return new Owned(session.tenant(), session.integrationId());
    }

    static Owned keyOf(ChatMessage message) {
      return new Owned(message.tenant(), message.idempotencyKey());
    }
  }

  private record SenderKey(TenantId tenant, String integrationId, String senderId) {
    static SenderKey of(ChatSession session) {
      return new SenderKey(session.tenant(), session.integrationId(), session.senderId());
    }
  }

  private record PlatformKey(TenantId tenant, String integrationId, String platformMessageId) {
    static PlatformKey of(ChatMessage message) {
      return new PlatformKey(message.tenant(), message.integrationId(),
          message.platformMessageId());
    }
  }
}
