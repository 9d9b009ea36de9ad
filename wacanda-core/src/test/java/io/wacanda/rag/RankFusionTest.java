package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankFusionTest {

  @Test
  void fusesRankingsByReciprocalRankWithKSixty() {
    List<RankFusion.Fused> fused = RankFusion.reciprocalRank(
        List.of("a", "b", "c"), List.of("c", "d"), RankFusion.RRF_K);

    assertThat(fused).extracting(RankFusion.Fused::chunkId).containsExactly("c", "a", "b", "d");
    assertThat(fused.get(0).score()).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-12));
    assertThat(fused.get(1).score()).isCloseTo(1.0 / 61, within(1e-12));
    assertThat(fused.get(3).firstRank()).isZero();
    assertThat(fused.get(3).secondRank()).isEqualTo(2);
  }

  @Test
  void breaksEqualScoresByBestRankThenByTheFirstRanking() {
    List<RankFusion.Fused> fused = RankFusion.reciprocalRank(
        List.of("v1", "v2"), List.of("l1", "l2"), 60);

    assertThat(fused).extracting(RankFusion.Fused::chunkId).containsExactly("v1", "l1", "v2", "l2");
  }

  @Test
  void maximalMarginalRelevanceDropsNearDuplicatesAndPrefersNovelty() {
    float[] a = {1, 0, 0};
    float[] aCopy = {1, 0, 0};
    float[] close = {0.8f, 0.6f, 0};
    float[] other = {0, 0, 1};

    List<Integer> chosen = RankFusion.maximalMarginalRelevance(
        List.of(a, aCopy, close, other), new double[] {0.9, 0.9, 0.85, 0.5}, 3, 0.5, 0.95);

    assertThat(chosen).containsExactly(0, 3, 2);
  }

  @Test
  void pureRelevanceKeepsTheOrder() {
    float[] a = {1, 0};
    float[] b = {0.9f, 0.43589f};
    float[] c = {0, 1};

    assertThat(RankFusion.maximalMarginalRelevance(List.of(a, b, c), new double[] {3, 2, 1}, 3,
        1.0, 1.01)).containsExactly(0, 1, 2);
  }

  @Test
  void aWeakerSecondRankingLiftsLessFar() {
    List<String> first = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
        "n", "o", "p", "q", "r", "s", "t");
    List<String> second = List.of("t");

    assertThat(RankFusion.reciprocalRank(first, second, 60, 1.0).get(0).chunkId())
        .isEqualTo("t");
    assertThat(RankFusion.reciprocalRank(first, second, 60, 0.2))
        .extracting(RankFusion.Fused::chunkId).startsWith("a", "b", "c", "t", "d");
    assertThat(RankFusion.reciprocalRank(first, List.of("z"), 60, 0.0))
        .extracting(RankFusion.Fused::chunkId).startsWith("a").endsWith("t", "z");
  }
}
