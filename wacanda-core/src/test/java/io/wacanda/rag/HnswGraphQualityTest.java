package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recall, filters and the persisted graph of {@link HnswVectorIndex}. */
class HnswGraphQualityTest {

  private static final TenantId T = TenantId.of("t");

  @TempDir
  Path dir;

  /** Unit vectors around {@code clusters} random centres: the shape real embeddings have. */
  static List<float[]> clustered(int n, int dims, int clusters, long seed) {
    Random r = new Random(seed);
    List<float[]> centres = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      centres.add(unit(gaussian(r, dims, 1.0)));
    }
    List<float[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] centre = centres.get(r.nextInt(clusters));
      float[] noise = gaussian(r, dims, 0.6 / Math.sqrt(dims) * 4);
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = centre[d] + noise[d];
      }
      out.add(unit(v));
    }
    return out;
  }

  private static float[] gaussian(Random r, int dims, double sigma) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = (float) (r.nextGaussian() * sigma);
    }
    return v;
  }

  private static float[] unit(float[] v) {
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

  private static List<String> exact(List<float[]> data, float[] q, int k, Set<Integer> allowed) {
    return IntStream.range(0, data.size())
        .filter(i -> allowed == null || allowed.contains(i))
        .boxed()
        .sorted(Comparator.comparingDouble(i -> -RankFusion.dot(q, data.get(i))))
        .limit(k)
        .map(i -> "v" + i)
        .toList();
  }

  private static HnswVectorIndex indexOf(List<float[]> data) {
    HnswVectorIndex index = HnswVectorIndex.builder().initialCapacity(64).build();
    for (int i = 0; i < data.size(); i++) {
      index.add(T, "v" + i, data.get(i));
    }
    return index;
  }

  @Test
  void findsNearlyAllTrueNeighboursOfClusteredVectors() {
    List<float[]> data = clustered(3000, 64, 30, 1);
    List<float[]> queries = clustered(100, 64, 30, 1_000_001);
    HnswVectorIndex index = indexOf(data);

    int found = 0;
    for (float[] q : queries) {
      Set<String> truth = new HashSet<>(exact(data, q, 10, null));
      for (VectorIndex.Hit h : index.search(T, q, 10)) {
        if (truth.contains(h.chunkId())) {
          found++;
        }
      }
    }

    assertThat(found / 1000.0).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void aLargerEfFindsAtLeastAsMuch() {
    List<float[]> data = clustered(2000, 32, 20, 2);
    HnswVectorIndex index = indexOf(data);
    List<float[]> queries = clustered(50, 32, 20, 77);
    int low = 0;
    int high = 0;
    for (float[] q : queries) {
      Set<String> truth = new HashSet<>(exact(data, q, 10, null));
      low += (int) index.search(T, q, 10, 10).stream().filter(h -> truth.contains(h.chunkId()))
          .count();
      high += (int) index.search(T, q, 10, 200).stream().filter(h -> truth.contains(h.chunkId()))
          .count();
    }
    assertThat(high).isGreaterThanOrEqualTo(low);
    assertThat(high / 500.0).isGreaterThanOrEqualTo(0.97);
  }

  @Test
  void filteredSearchReturnsOnlyAcceptedChunksAndFindsTheirNearest() {
    List<float[]> data = clustered(2000, 32, 20, 3);
    HnswVectorIndex index = indexOf(data);
    Set<Integer> allowed = new HashSet<>();
    for (int i = 0; i < data.size(); i += 10) {
      allowed.add(i);
    }
    float[] q = data.get(5);

    List<VectorIndex.Hit> hits = index.search(T, q, 5,
        id -> allowed.contains(Integer.parseInt(id.substring(1))));

    assertThat(hits).hasSize(5);
    assertThat(hits).extracting(VectorIndex.Hit::chunkId)
        .allMatch(id -> Integer.parseInt(id.substring(1)) % 10 == 0);
    assertThat(hits).extracting(VectorIndex.Hit::chunkId)
        .containsAnyElementsOf(exact(data, q, 2, allowed));
  }

  @Test
  void theDefaultFilteredSearchOfTheSpiAsksForMoreUntilItHasEnough() {
    List<float[]> data = clustered(300, 16, 5, 4);
    HnswVectorIndex hnsw = indexOf(data);
    VectorIndex plain = new VectorIndex() {
      @Override
      public void add(TenantId tenant, String chunkId, float[] vector) {
        hnsw.add(tenant, chunkId, vector);
      }

      @Override
      public void remove(TenantId tenant, String chunkId) {
        hnsw.remove(tenant, chunkId);
      }

      @Override
      public List<Hit> search(TenantId tenant, float[] query, int k) {
        return hnsw.search(tenant, query, k, Math.max(k, 400));
      }

      @Override
      public int size(TenantId tenant) {
        return hnsw.size(tenant);
      }
    };

    List<VectorIndex.Hit> hits = plain.search(T, data.get(0), 3, id -> id.endsWith("7"));

    assertThat(hits).hasSize(3).extracting(VectorIndex.Hit::chunkId)
        .allMatch(id -> id.endsWith("7"));
  }

  @Test
  void aReloadedGraphAnswersExactlyAsTheSavedOne() throws IOException {
    List<float[]> data = clustered(1500, 48, 15, 5);
    HnswVectorIndex index = indexOf(data);
    for (int i = 0; i < 100; i++) {
      index.remove(T, "v" + (i * 7));
    }
    Path file = dir.resolve("t.hnsw");

    index.save(T, file);
    HnswVectorIndex restored = HnswVectorIndex.create();
    restored.load(T, file);

    assertThat(restored.size(T)).isEqualTo(1400);
    for (float[] q : clustered(30, 48, 15, 99)) {
      assertThat(restored.search(T, q, 10)).isEqualTo(index.search(T, q, 10));
    }
    long raw = 1500L * 48 * 4;
    // 48 floats per node beside up to 32 level-0 links: the links weigh more here than at 384
    assertThat(Files.size(file)).isLessThan((long) (raw * 1.9));
    restored.add(T, "new", data.get(0));
    assertThat(restored.search(T, data.get(0), 1).get(0).chunkId()).isIn("new", "v0");
  }

  @Test
  void refusesAFileWhoseBytesWereChanged() throws IOException {
    HnswVectorIndex index = indexOf(clustered(200, 16, 4, 6));
    Path file = dir.resolve("t.hnsw");
    index.save(T, file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Path changed = dir.resolve("changed.hnsw");
    Files.write(changed, bytes);
    HnswVectorIndex other = HnswVectorIndex.create();

    assertThatThrownBy(() -> other.load(T, changed))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("corrupt");
    assertThat(other.size(T)).isZero();
  }

  @Test
  void refusesLinksOutsideTheGraphEvenWithAMatchingChecksum() throws IOException {
    HnswVectorIndex index = indexOf(clustered(50, 8, 2, 7));
    Path file = dir.resolve("t.hnsw");
    index.save(T, file);
    byte[] bytes = Files.readAllBytes(file);
    // the last link of the last node sits just before the 8-byte checksum
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(bytes.length - 12, 1_000_000);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, bytes.length - 8);
    b.putLong(bytes.length - 8, crc.getValue());
    Path forged = dir.resolve("forged.hnsw");
    Files.write(forged, bytes);

    assertThatThrownBy(() -> HnswVectorIndex.create().load(T, forged))
        .isInstanceOf(WacandaException.class).hasMessageContaining("links to");
  }

  @Test
  void readsFilesOfTheFirstFormat() throws IOException {
    List<float[]> data = clustered(20, 8, 2, 8);
    Path file = dir.resolve("v1.hnsw");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.write(HnswVectorIndex.MAGIC);
      out.writeInt(1);
      out.writeInt(8);
      out.writeInt(data.size());
      for (int i = 0; i < data.size(); i++) {
        out.writeUTF("v" + i);
        for (float f : data.get(i)) {
          out.writeFloat(f);
        }
      }
    }
    HnswVectorIndex index = HnswVectorIndex.create();

    index.load(T, file);

    assertThat(index.size(T)).isEqualTo(20);
    assertThat(index.search(T, data.get(3), 1).get(0).chunkId()).isEqualTo("v3");
  }
}
