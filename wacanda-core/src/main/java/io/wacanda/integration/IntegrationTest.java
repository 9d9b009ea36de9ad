package io.wacanda.integration;

import java.util.List;

/**
 * A connectivity test for one integration type: a few checks (credentials valid, webhook set,
 * instance state). Checks report failures as failed {@link TestCheck}s, never by throwing, and their
 * messages never contain a secret.
 */
@FunctionalInterface
public interface IntegrationTest {
  List<TestCheck> run(ChannelContext context);
}
