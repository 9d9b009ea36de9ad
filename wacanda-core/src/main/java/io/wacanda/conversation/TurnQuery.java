package io.wacanda.conversation;

import java.time.Instant;
import java.util.Optional;

/**
 * Filter for {@link ConversationStore#turns}: any combination of session, integration and channel
 * type, turns at or after {@code since}, newest first, at most {@code limit}.
 */
public record TurnQuery(Optional<String> sessionId, Optional<String> integrationId,
    Optional<String> channelType, Instant since, int limit) {

  public static TurnQuery forSession(String sessionId) {
    return new TurnQuery(Optional.of(sessionId), Optional.empty(), Optional.empty(), Instant.EPOCH,
        1000);
  }

  public static TurnQuery forIntegration(String integrationId) {
    return new TurnQuery(Optional.empty(), Optional.of(integrationId), Optional.empty(),
        Instant.EPOCH, 1000);
  }

  public static TurnQuery forChannelType(String channelType) {
    return new TurnQuery(Optional.empty(), Optional.empty(), Optional.of(channelType),
        Instant.EPOCH, 1000);
  }
}
