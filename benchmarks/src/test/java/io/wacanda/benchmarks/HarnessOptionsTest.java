package io.wacanda.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class HarnessOptionsTest {

  @Test
  void defaultsRunEveryPhaseWithTheIssuesNumbers() {
    HarnessOptions o = HarnessOptions.parse();

    assertThat(o.phases()).containsExactlyInAnyOrder(HarnessOptions.Phase.values());
    assertThat(o.rate()).isEqualTo(1000);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.httpThreads())
        .isEqualTo(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    assertThat(o.inboxWorkers()).isZero();
    assertThat(o.ackOnly()).isTrue();
  }

  @Test
  void readsEveryOption() {
    HarnessOptions o = HarnessOptions.parse("--phases", "latency,chat", "--connections", "8",
        "--round", "2s", "--rounds", "5", "--warmup", "500ms", "--rate", "250.5",
        "--duration", "1m", "--latency-warmup", "0", "--latency-connections", "4",
        "--baseline", "0s", "--chat-duration", "3", "--in-process-duration", "1.5s",
        "--in-process-threads", "3", "--http-threads", "6", "--queue", "10", "--senders", "7",
        "--inbox-workers", "1",
        "--no-ack-only", "--out", "x/y.md");

    assertThat(o.phases()).isEqualTo(EnumSet.of(HarnessOptions.Phase.LATENCY,
        HarnessOptions.Phase.CHAT));
    assertThat(o.connections()).isEqualTo(8);
    assertThat(o.round()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.rounds()).isEqualTo(5);
    assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.rate()).isEqualTo(250.5);
    assertThat(o.duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.latencyWarmup()).isZero();
    assertThat(o.latencyConnections()).isEqualTo(4);
    assertThat(o.baseline()).isZero();
    assertThat(o.chatDuration()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.inProcessDuration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.inProcessThreads()).isEqualTo(3);
    assertThat(o.httpThreads()).isEqualTo(6);
    assertThat(o.queueCapacity()).isEqualTo(10);
    assertThat(o.senders()).isEqualTo(7);
    assertThat(o.inboxWorkers()).isEqualTo(1);
    assertThat(o.ackOnly()).isFalse();
    assertThat(o.out()).isEqualTo(Path.of("x/y.md"));
  }

  @Test
  void refusesBadValuesNamingTheOption() {
    assertThatThrownBy(() -> HarnessOptions.parse("--duration", "soon"))
        .isInstanceOf(HarnessOptions.UsageException.class).hasMessageContaining("--duration");
    assertThatThrownBy(() -> HarnessOptions.parse("--duration", "0s"))
        .hasMessageContaining("--duration must be longer than 0");
    assertThatThrownBy(() -> HarnessOptions.parse("--connections", "0"))
        .hasMessageContaining("--connections must be 1..");
    assertThatThrownBy(() -> HarnessOptions.parse("--rate", "-3"))
        .hasMessageContaining("--rate");
    assertThatThrownBy(() -> HarnessOptions.parse("--phases", "speed"))
        .hasMessageContaining("--phases");
    assertThatThrownBy(() -> HarnessOptions.parse("--warmup", "-1s"))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> HarnessOptions.parse("--rounds"))
        .hasMessageContaining("--rounds needs a value");
    assertThatThrownBy(() -> HarnessOptions.parse("--fast"))
        .hasMessageContaining("unknown option --fast");
  }
}
