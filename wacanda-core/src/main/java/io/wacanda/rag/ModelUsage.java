package io.wacanda.rag;

import java.time.Duration;

/** What a model call cost, when the model reports it. */
public record ModelUsage(String model, long inputTokens, long outputTokens, Duration latency) {}
