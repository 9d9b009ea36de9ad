package io.wacanda.integration;

import java.time.Duration;

/**
 * Statistics for one integration.
 *
 * @param activeSessions sessions with a message in the active window (default 24 hours)
 * @param messagesToday messages since midnight UTC
 * @param averageResponseTime mean bot turn time; zero when there were no turns
 * @param testSuccessRate share of passed connectivity tests, 0..1; 0 when never tested
 */
public record IntegrationStats(
    long totalSessions,
    long activeSessions,
    long totalMessages,
    long messagesToday,
    Duration averageResponseTime,
    long apiCalls,
    long testsRun,
    double testSuccessRate,
    long webhookEventsPending,
    long webhookEventsFailed) {}
