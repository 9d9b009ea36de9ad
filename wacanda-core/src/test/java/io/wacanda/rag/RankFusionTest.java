package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankFusionTest {

  @Test
  void fusesByVectorSimilarityPlusWeightedLexicalScore() {
    List<RankFusion.Fused> fused = RankFusion.fuse(
        Map.of("a", 0.60, "b", 0.55, "c", 0.50, "d", 0.20),
        Map.of("b", 0.40, "d", 0.90), 0.2);

    // b: 0.55 + 0.08 = 0.63 > a: 0.60 > c: 0.50 > d: 0.20 + 0.18 = 0.38
    assertThat(fused).extracting(RankFusion.Fused::chunkId).containsExactly("b", "a", "c", "d");
    assertThat(fused.get(0).score()).isCloseTo(0.63, within(1e-12));
    assertThat(fused.get(0).vector()).isEqualTo(0.55);
    assertThat(fused.get(0).lexical()).isEqualTo(0.40);
    assertThat(fused.get(2).lexical()).isZero();
  }

  @Test
  void aWeakLexicalMatchDoesNotLiftAPassageOverAMuchBetterVectorMatch() {
    // Rank fusion would put "neighbour" (lexical rank 1) at the top by about 1/60^2; by score it
    // needs to make up the vector gap, which a match of a small part of the question cannot.
    Map<String, Double> vector = Map.of("answer", 0.62, "neighbour", 0.48, "other", 0.30);
    Map<String, Double> lexical = Map.of("neighbour", 0.25, "other", 0.10);

    assertThat(RankFusion.fuse(vector, lexical, 0.2)).extracting(RankFusion.Fused::chunkId)
        .containsExactly("answer", "neighbour", "other");
    // a strong lexical match (most of the question's terms) close behind does overtake
    assertThat(RankFusion.fuse(Map.of("answer", 0.62, "exact", 0.55), Map.of("exact", 0.80),
        0.2)).extracting(RankFusion.Fused::chunkId).containsExactly("exact", "answer");
  }

  @Test
  void weightZeroKeepsTheVectorOrderAndTiesGoByVectorThenId() {
    Map<String, Double> vector = Map.of("x", 0.3, "y", 0.5, "z", 0.4);
    Map<String, Double> lexical = Map.of("x", 0.99);

    assertThat(RankFusion.fuse(vector, lexical, 0.0)).extracting(RankFusion.Fused::chunkId)
        .containsExactly("y", "z", "x");
    // equal fused scores: the better vector similarity first, then the smaller id
    assertThat(RankFusion.fuse(Map.of("p", 0.5, "q", 0.4, "r", 0.5), Map.of("q", 0.5), 0.2))
        .extracting(RankFusion.Fused::chunkId).containsExactly("p", "r", "q");
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
  void maximalMarginalRelevanceComparesByCosineWhateverTheNorms() {
    float[] a = {1, 0};
    float[] aShorter = {0.8f, 0}; // same direction, as a weighted mean of two embeddings can be
    float[] b = {0, 0.9f};

    assertThat(RankFusion.cosine(a, aShorter)).isCloseTo(1.0, within(1e-6));
    assertThat(RankFusion.cosine(a, new float[2])).isZero();
    assertThat(RankFusion.maximalMarginalRelevance(List.of(a, aShorter, b),
        new double[] {0.9, 0.8, 0.5}, 3, 0.7, 0.95)).containsExactly(0, 2);
  }
}
