package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HnswVectorIndexTest {

  private static final TenantId A = TenantId.of("tenant-a");
  private static final TenantId B = TenantId.of("tenant-b");

  @TempDir
  Path dir;

  private static float[] randomUnit(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    HashingEmbeddingModel.normalize(v);
    return v;
  }

  private static List<float[]> vectors(int n, int dims, long seed) {
    Random random = new Random(seed);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(randomUnit(random, dims));
    }
    return out;
  }

  @Test
  void findsTheNearestVectorsScoredByInnerProduct() {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(200, 32, 1);
    for (int i = 0; i < vs.size(); i++) {
      index.add(A, "c" + i, vs.get(i));
    }

    List<VectorIndex.Hit> hits = index.search(A, vs.get(42), 5);

    assertThat(hits).hasSize(5);
    assertThat(hits.get(0).chunkId()).isEqualTo("c42");
    assertThat(hits.get(0).score()).isCloseTo(1.0, within(1e-5));
    for (VectorIndex.Hit h : hits) {
      int i = Integer.parseInt(h.chunkId().substring(1));
      assertThat(h.score()).isCloseTo(RankFusion.dot(vs.get(42), vs.get(i)), within(1e-5));
    }
    assertThat(hits).isSortedAccordingTo(Comparator.comparingDouble(VectorIndex.Hit::score).reversed());
  }

  @Test
  void findsWhatExactSearchFinds() {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(2000, 48, 2);
    for (int i = 0; i < vs.size(); i++) {
      index.add(A, "c" + i, vs.get(i));
    }
    List<float[]> queries = vectors(50, 48, 3);
    int found = 0;
    for (float[] q : queries) {
      List<String> exact = IntStream.range(0, vs.size()).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -RankFusion.dot(q, vs.get(i))))
          .limit(10).map(i -> "c" + i).toList();
      Set<String> approx = new HashSet<>();
      index.search(A, q, 10).forEach(h -> approx.add(h.chunkId()));
      found += (int) exact.stream().filter(approx::contains).count();
    }

    assertThat(found / 500.0).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void removedVectorsAreNotFoundAndCanBeAddedAgain() {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(20, 16, 4);
    for (int i = 0; i < vs.size(); i++) {
      index.add(A, "c" + i, vs.get(i));
    }

    index.remove(A, "c3");
    index.remove(A, "unknown");
    index.remove(B, "c3");

    assertThat(index.size(A)).isEqualTo(19);
    assertThat(index.search(A, vs.get(3), 20)).extracting(VectorIndex.Hit::chunkId)
        .doesNotContain("c3").hasSize(19);

    index.add(A, "c3", vs.get(3));

    assertThat(index.search(A, vs.get(3), 1).get(0).chunkId()).isEqualTo("c3");
  }

  @Test
  void replacesTheVectorOfAnExistingId() {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(3, 16, 5);
    index.add(A, "x", vs.get(0));
    index.add(A, "y", vs.get(1));

    index.add(A, "x", vs.get(2));

    assertThat(index.size(A)).isEqualTo(2);
    assertThat(index.search(A, vs.get(2), 1).get(0))
        .satisfies(h -> assertThat(h.chunkId()).isEqualTo("x"))
        .satisfies(h -> assertThat(h.score()).isCloseTo(1.0, within(1e-5)));
  }

  @Test
  void growsPastItsInitialCapacityAndSurvivesChurn() {
    HnswVectorIndex index = HnswVectorIndex.builder().initialCapacity(16).build();
    List<float[]> vs = vectors(300, 16, 6);
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < vs.size(); i++) {
        index.add(A, "c" + i, vs.get((i + round) % vs.size()));
      }
      for (int i = 0; i < vs.size(); i += 2) {
        index.remove(A, "c" + i);
      }
    }

    assertThat(index.size(A)).isEqualTo(150);
    assertThat(index.search(A, vs.get(5), 1).get(0).chunkId()).isEqualTo("c1");
  }

  @Test
  void keepsTenantsApart() {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(2, 16, 7);
    index.add(A, "a", vs.get(0));
    index.add(B, "b", vs.get(1));

    assertThat(index.search(A, vs.get(1), 10)).extracting(VectorIndex.Hit::chunkId)
        .containsExactly("a");
    assertThat(index.search(TenantId.of("nobody"), vs.get(1), 10)).isEmpty();
    assertThat(index.size(B)).isEqualTo(1);
  }

  @Test
  void rejectsVectorsOfAnotherDimension() {
    HnswVectorIndex index = HnswVectorIndex.create();
    index.add(A, "a", vectors(1, 16, 8).get(0));

    assertThatThrownBy(() -> index.add(A, "b", new float[8]))
        .isInstanceOf(WacandaException.class).hasMessageContaining("dimensions");
    assertThatThrownBy(() -> index.search(A, new float[8], 1))
        .isInstanceOf(WacandaException.class).hasMessageContaining("dimensions");
  }

  @Test
  void savesAndLoadsItsOwnFileFormat() throws IOException {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(100, 24, 9);
    for (int i = 0; i < vs.size(); i++) {
      index.add(A, "chunk/" + i + "#é", vs.get(i));
    }
    Path file = dir.resolve("a.hnsw");

    index.save(A, file);
    HnswVectorIndex restored = HnswVectorIndex.create();
    restored.load(B, file);

    assertThat(Files.readAllBytes(file)).startsWith("WACANDA-HNSW".getBytes());
    assertThat(restored.size(B)).isEqualTo(100);
    assertThat(restored.search(B, vs.get(17), 3)).isEqualTo(index.search(A, vs.get(17), 3));
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void refusesAFileWithAnotherHeader() throws IOException {
    Path file = dir.resolve("java.ser");
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
      out.writeObject(new ArrayList<>(List.of("not", "an", "index")));
    }
    HnswVectorIndex index = HnswVectorIndex.create();
    index.add(A, "kept", vectors(1, 4, 10).get(0));

    assertThatThrownBy(() -> index.load(A, file))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("bad header");
    assertThat(index.size(A)).isEqualTo(1);
  }

  @Test
  void refusesAnUnknownVersionAndATruncatedFile() throws IOException {
    Path future = dir.resolve("future.hnsw");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(future))) {
      out.write(HnswVectorIndex.MAGIC);
      out.writeInt(99);
    }
    HnswVectorIndex index = HnswVectorIndex.create();
    for (int i = 0; i < 10; i++) {
      index.add(A, "c" + i, vectors(1, 8, i).get(0));
    }
    Path good = dir.resolve("good.hnsw");
    index.save(A, good);
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.hnsw");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 7));

    assertThatThrownBy(() -> index.load(B, future)).isInstanceOf(WacandaException.class)
        .hasMessageContaining("version 99");
    assertThatThrownBy(() -> index.load(B, truncated)).isInstanceOf(WacandaException.class)
        .hasMessageContaining("truncated");
    assertThat(index.size(B)).isZero();
  }

  @Test
  void rebuildReplacesTheTenantsVectors() {
    HnswVectorIndex index = HnswVectorIndex.create();
    List<float[]> vs = vectors(3, 8, 11);
    index.add(A, "old", vs.get(0));
    List<KnowledgeChunk> chunks = List.of(
        new KnowledgeChunk("n1", A, "d", 0, "", "one", vs.get(1)),
        new KnowledgeChunk("n2", A, "d", 1, "", "two", vs.get(2)));

    index.rebuild(A, chunks);

    assertThat(index.size(A)).isEqualTo(2);
    assertThat(index.search(A, vs.get(0), 5)).extracting(VectorIndex.Hit::chunkId)
        .containsExactlyInAnyOrder("n1", "n2");
    assertThatThrownBy(() -> index.rebuild(B, chunks)).isInstanceOf(WacandaException.class)
        .hasMessageContaining("belongs to tenant");
  }

  @Test
  void searchesWhileAnotherThreadAdds() throws Exception {
    HnswVectorIndex index = HnswVectorIndex.builder().initialCapacity(16).build();
    List<float[]> vs = vectors(1000, 16, 12);
    for (int i = 0; i < 100; i++) {
      index.add(A, "c" + i, vs.get(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int i = 100; i < vs.size(); i++) {
          index.add(A, "c" + i, vs.get(i));
        }
      });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(pool.submit(() -> {
          int hits = 0;
          for (int i = 0; i < 500; i++) {
            hits += index.search(A, vs.get(i % 100), 3).size();
          }
          return hits;
        }));
      }
      writer.get(60, TimeUnit.SECONDS);
      for (Future<Integer> r : readers) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(1500);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(index.size(A)).isEqualTo(1000);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> HnswVectorIndex.builder().ef(9))
        .isInstanceOf(WacandaException.class).hasMessageContaining("ef");
    assertThatThrownBy(() -> HnswVectorIndex.builder().m(2))
        .isInstanceOf(WacandaException.class).hasMessageContaining("m must");
    assertThatThrownBy(() -> HnswVectorIndex.builder().efConstruction(9))
        .isInstanceOf(WacandaException.class).hasMessageContaining("efConstruction");
    assertThat(HnswVectorIndex.create().search(A, new float[3], 0)).isEmpty();
  }
}
