package io.wacanda.benchmarks.retrieval;

import java.util.SplittableRandom;

/**
 * Clustered unit vectors from a seed, shaped like text embeddings rather than isotropic noise
 * (which says nothing about recall): {@value #TOPICS} topics of {@value #SUBTOPICS} subtopics;
 * each vector is {@code normalize(topic + 0.7 * subtopic + 1.0 * noise)}, every part a random
 * Gaussian unit vector. The topic structure depends only on {@code structureSeed}, so queries
 * drawn with another {@code drawSeed} come from the same distribution.
 */
record SyntheticVectors(float[][] vectors) {

  static final int TOPICS = 200;
  static final int SUBTOPICS = 10;

  static SyntheticVectors generate(int n, int dims, long seed) {
    return generate(n, dims, seed, seed);
  }

  static SyntheticVectors generate(int n, int dims, long structureSeed, long drawSeed) {
    SplittableRandom structure = new SplittableRandom(structureSeed);
    float[][] topics = new float[TOPICS][];
    float[][][] subtopics = new float[TOPICS][SUBTOPICS][];
    for (int t = 0; t < TOPICS; t++) {
      topics[t] = unitGaussian(structure, dims);
      for (int s = 0; s < SUBTOPICS; s++) {
        subtopics[t][s] = unitGaussian(structure, dims);
      }
    }
    SplittableRandom draw = new SplittableRandom(drawSeed * 31 + 7);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      int t = draw.nextInt(TOPICS);
      int s = draw.nextInt(SUBTOPICS);
      float[] noise = unitGaussian(draw, dims);
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = topics[t][d] + 0.7f * subtopics[t][s][d] + 1.0f * noise[d];
      }
      out[i] = normalize(v);
    }
    return new SyntheticVectors(out);
  }

  private static float[] unitGaussian(SplittableRandom r, int dims) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = (float) gaussian(r);
    }
    return normalize(v);
  }

  /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static float[] normalize(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
