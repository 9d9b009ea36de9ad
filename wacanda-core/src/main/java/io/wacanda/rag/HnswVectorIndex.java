package io.wacanda.rag;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link VectorIndex}: an in-memory HNSW graph per tenant (hnswlib-core), created on
 * the tenant's first vector and grown as needed. Vectors must be L2-normalized; the graph uses the
 * inner product ({@code DistanceFunctions.FLOAT_INNER_PRODUCT}), so a hit's score is the inner
 * product, which equals the cosine for normalized vectors. All vectors of a tenant share the
 * dimension of its first vector.
 *
 * <p>Removal marks the node deleted in the graph; once deleted nodes outnumber live ones the
 * graph is rebuilt from the live vectors when it next needs room.
 *
 * <p>Persistence writes a small file of its own, never Java serialization: the magic {@code
 * WACANDA-HNSW}, a format version, the dimension, then each chunk id and its floats; {@link
 * #load} validates the header and rebuilds the graph. In Wacanda the {@link KnowledgeStore} is
 * the source of truth and {@link #rebuild} restores an index from it; a saved file just makes a
 * large index start faster.
 *
 * <p>Thread-safe: searches of a tenant run in parallel; changes to a tenant wait for its searches.
 */
public final class HnswVectorIndex implements VectorIndex {

  private static final Logger LOG = LoggerFactory.getLogger(HnswVectorIndex.class);

  /** Default links per node: 16. */
  public static final int DEFAULT_M = 16;
  /** Default candidate list size while searching: 100 (at least 50 is accepted). */
  public static final int DEFAULT_EF = 100;
  /** Default candidate list size while inserting: 200. */
  public static final int DEFAULT_EF_CONSTRUCTION = 200;
  /** Default first capacity of a tenant's graph: 1024 vectors; it doubles when full. */
  public static final int DEFAULT_INITIAL_CAPACITY = 1024;

  static final byte[] MAGIC = "WACANDA-HNSW".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  private static final int MAX_DIMENSIONS = 65536;

  private final int m;
  private final int ef;
  private final int efConstruction;
  private final int initialCapacity;
  private final ConcurrentHashMap<TenantId, TenantGraph> graphs = new ConcurrentHashMap<>();

  /** An index with the defaults: m 16, ef 100, efConstruction 200, capacity 1024. */
  @Inject
  public HnswVectorIndex() {
    this(DEFAULT_M, DEFAULT_EF, DEFAULT_EF_CONSTRUCTION, DEFAULT_INITIAL_CAPACITY);
  }

  private HnswVectorIndex(int m, int ef, int efConstruction, int initialCapacity) {
    this.m = m;
    this.ef = ef;
    this.efConstruction = efConstruction;
    this.initialCapacity = initialCapacity;
  }

  /** An index with the defaults. */
  public static HnswVectorIndex create() {
    return new HnswVectorIndex();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void add(TenantId tenant, String chunkId, float[] vector) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(chunkId, "chunkId");
    Objects.requireNonNull(vector, "vector");
    TenantGraph graph = graphs.computeIfAbsent(tenant, t -> new TenantGraph());
    graph.lock.writeLock().lock();
    try {
      graph.add(chunkId, vector.clone());
    } finally {
      graph.lock.writeLock().unlock();
    }
  }

  @Override
  public void remove(TenantId tenant, String chunkId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(chunkId, "chunkId");
    TenantGraph graph = graphs.get(tenant);
    if (graph == null) {
      return;
    }
    graph.lock.writeLock().lock();
    try {
      graph.remove(chunkId);
    } finally {
      graph.lock.writeLock().unlock();
    }
  }

  @Override
  public List<Hit> search(TenantId tenant, float[] query, int k) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(query, "query");
    TenantGraph graph = graphs.get(tenant);
    if (graph == null || k <= 0) {
      return List.of();
    }
    graph.lock.readLock().lock();
    try {
      if (graph.index == null || graph.vectors.isEmpty()) {
        return List.of();
      }
      if (query.length != graph.dimensions) {
        throw WacandaException.invalid("query has " + query.length
            + " dimensions, the index of tenant " + tenant + " has " + graph.dimensions);
      }
      List<SearchResult<Entry, Float>> results = graph.index.findNearest(query, k);
      List<Hit> hits = new ArrayList<>(results.size());
      for (SearchResult<Entry, Float> r : results) {
        hits.add(new Hit(r.item().id(), 1.0 - r.distance()));
      }
      return hits;
    } finally {
      graph.lock.readLock().unlock();
    }
  }

  @Override
  public int size(TenantId tenant) {
    TenantGraph graph = graphs.get(Objects.requireNonNull(tenant, "tenant"));
    if (graph == null) {
      return 0;
    }
    graph.lock.readLock().lock();
    try {
      return graph.vectors.size();
    } finally {
      graph.lock.readLock().unlock();
    }
  }

  /**
   * Replaces the tenant's index with the embeddings of these chunks.
   *
   * @throws WacandaException {@code INVALID_REQUEST} if a chunk belongs to another tenant or the
   *     dimensions differ; the index is then unchanged
   */
  public void rebuild(TenantId tenant, List<KnowledgeChunk> chunks) {
    Objects.requireNonNull(tenant, "tenant");
    Map<String, float[]> vectors = new LinkedHashMap<>();
    for (KnowledgeChunk chunk : chunks) {
      if (!chunk.tenant().equals(tenant)) {
        throw WacandaException.invalid("chunk " + chunk.id() + " belongs to tenant "
            + chunk.tenant() + ", not " + tenant);
      }
      vectors.put(chunk.id(), chunk.embedding().clone());
    }
    replace(tenant, vectors);
  }

  /**
   * Writes the tenant's vectors to a file (through a temporary file in the same folder, then an
   * atomic move).
   *
   * @throws WacandaException {@code INTERNAL} when the file cannot be written
   */
  public void save(TenantId tenant, Path file) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(file, "file");
    Map<String, float[]> snapshot;
    int dimensions;
    TenantGraph graph = graphs.get(tenant);
    if (graph == null) {
      snapshot = Map.of();
      dimensions = 0;
    } else {
      graph.lock.readLock().lock();
      try {
        snapshot = new LinkedHashMap<>(graph.vectors);
        dimensions = graph.dimensions;
      } finally {
        graph.lock.readLock().unlock();
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (DataOutputStream out = new DataOutputStream(
          new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(dimensions);
        out.writeInt(snapshot.size());
        for (Map.Entry<String, float[]> e : snapshot.entrySet()) {
          out.writeUTF(e.getKey());
          for (float f : e.getValue()) {
            out.writeFloat(f);
          }
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      LOG.info("Saved vector index of tenant {} ({} vectors) to {}", tenant, snapshot.size(), file);
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL,
          "could not write vector index of tenant " + tenant + " to " + file, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the move succeeded or the write failed; nothing more to do
        }
      }
    }
  }

  /**
   * Replaces the tenant's index with the vectors of a file written by {@link #save}.
   *
   * @throws WacandaException {@code INVALID_REQUEST} for a file that is not a Wacanda HNSW index
   *     (wrong magic, unknown version, inconsistent sizes, truncated); {@code INTERNAL} when the
   *     file cannot be read. The index is unchanged in both cases.
   */
  public void load(TenantId tenant, Path file) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(file, "file");
    Map<String, float[]> vectors = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      byte[] magic = new byte[MAGIC.length];
      int read = in.readNBytes(magic, 0, magic.length);
      if (read != magic.length || !Arrays.equals(magic, MAGIC)) {
        throw WacandaException.invalid("not a Wacanda HNSW index file (bad header): " + file);
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw WacandaException.invalid("unsupported Wacanda HNSW index version " + version
            + " in " + file + "; this version reads " + FORMAT_VERSION);
      }
      int dimensions = in.readInt();
      int count = in.readInt();
      if (dimensions < 0 || dimensions > MAX_DIMENSIONS || count < 0
          || count > 0 && dimensions == 0) {
        throw WacandaException.invalid("corrupt Wacanda HNSW index file " + file + ": "
            + count + " vectors of " + dimensions + " dimensions");
      }
      for (int i = 0; i < count; i++) {
        String id = in.readUTF();
        float[] v = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
          v[d] = in.readFloat();
        }
        vectors.put(id, v);
      }
      if (in.read() != -1) {
        throw WacandaException.invalid("corrupt Wacanda HNSW index file " + file
            + ": data after the last vector");
      }
    } catch (EOFException e) {
      throw new WacandaException(ErrorCode.INVALID_REQUEST,
          "corrupt Wacanda HNSW index file " + file + ": truncated", e);
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL,
          "could not read vector index of tenant " + tenant + " from " + file, e);
    }
    replace(tenant, vectors);
    LOG.info("Loaded vector index of tenant {} ({} vectors) from {}", tenant, vectors.size(), file);
  }

  private void replace(TenantId tenant, Map<String, float[]> vectors) {
    int dimensions = 0;
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      int d = e.getValue().length;
      if (dimensions == 0) {
        dimensions = d;
      } else if (d != dimensions) {
        throw WacandaException.invalid("vector " + e.getKey() + " has " + d
            + " dimensions, expected " + dimensions);
      }
    }
    TenantGraph graph = graphs.computeIfAbsent(tenant, t -> new TenantGraph());
    graph.lock.writeLock().lock();
    try {
      graph.reset(vectors, dimensions);
    } finally {
      graph.lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "HnswVectorIndex[m=" + m + ", ef=" + ef + ", efConstruction=" + efConstruction
        + ", tenants=" + graphs.size() + "]";
  }

  /** A graph item: the chunk id and its vector. */
  record Entry(String id, float[] vector) implements Item<String, float[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public int dimensions() {
      return vector.length;
    }
  }

  /** One tenant's graph and its live vectors; every field guarded by {@link #lock}. */
  private final class TenantGraph {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Map<String, float[]> vectors = new LinkedHashMap<>();
    HnswIndex<String, float[], Entry, Float> index;
    int dimensions;
    int capacity;
    int slotsUsed;

    void add(String id, float[] vector) {
      if (index == null || vectors.isEmpty() && dimensions != vector.length) {
        dimensions = vector.length;
        newGraph(initialCapacity);
      } else if (vector.length != dimensions) {
        throw WacandaException.invalid("vector " + id + " has " + vector.length
            + " dimensions, this tenant's index has " + dimensions);
      }
      float[] existing = vectors.get(id);
      if (existing != null && Arrays.equals(existing, vector)) {
        return;
      }
      ensureRoom();
      index.add(new Entry(id, vector));
      slotsUsed++;
      vectors.put(id, vector);
    }

    void remove(String id) {
      if (vectors.remove(id) != null) {
        index.remove(id, 0);
      }
    }

    void reset(Map<String, float[]> live, int dims) {
      vectors.clear();
      vectors.putAll(live);
      if (dims > 0) {
        dimensions = dims;
      }
      if (dimensions == 0) {
        index = null;
        return;
      }
      newGraph(Math.max(initialCapacity, live.size() * 2));
      for (Map.Entry<String, float[]> e : live.entrySet()) {
        index.add(new Entry(e.getKey(), e.getValue()));
        slotsUsed++;
      }
    }

    private void ensureRoom() {
      if (slotsUsed < capacity) {
        return;
      }
      int live = vectors.size();
      if (slotsUsed - live > live) {
        LOG.debug("Compacting vector graph: {} live of {} slots", live, slotsUsed);
        reset(new LinkedHashMap<>(vectors), dimensions);
        if (slotsUsed < capacity) {
          return;
        }
      }
      capacity = capacity * 2;
      index.resize(capacity);
    }

    private void newGraph(int cap) {
      capacity = cap;
      slotsUsed = 0;
      index = HnswIndex.newBuilder(dimensions, DistanceFunctions.FLOAT_INNER_PRODUCT, cap)
          .withM(m)
          .withEf(ef)
          .withEfConstruction(efConstruction)
          .withRemoveEnabled()
          .build();
    }
  }

  /** Settings of a {@link HnswVectorIndex}; rejects bad values at once. */
  public static final class Builder {
    private int m = DEFAULT_M;
    private int ef = DEFAULT_EF;
    private int efConstruction = DEFAULT_EF_CONSTRUCTION;
    private int initialCapacity = DEFAULT_INITIAL_CAPACITY;

    private Builder() {}

    /** Links per node, 4 to 128. Default 16. */
    public Builder m(int m) {
      if (m < 4 || m > 128) {
        throw WacandaException.invalid("m must be 4..128, was " + m);
      }
      this.m = m;
      return this;
    }

    /** Candidate list size while searching, 50 to 10000; higher finds more, slower. Default 100. */
    public Builder ef(int ef) {
      if (ef < 50 || ef > 10_000) {
        throw WacandaException.invalid("ef must be 50..10000, was " + ef);
      }
      this.ef = ef;
      return this;
    }

    /** Candidate list size while inserting, 50 to 10000. Default 200. */
    public Builder efConstruction(int efConstruction) {
      if (efConstruction < 50 || efConstruction > 10_000) {
        throw WacandaException.invalid("efConstruction must be 50..10000, was " + efConstruction);
      }
      this.efConstruction = efConstruction;
      return this;
    }

    /** First capacity of each tenant's graph, 16 or more; it doubles when full. Default 1024. */
    public Builder initialCapacity(int initialCapacity) {
      if (initialCapacity < 16) {
        throw WacandaException.invalid("initialCapacity must be at least 16, was "
            + initialCapacity);
      }
      this.initialCapacity = initialCapacity;
      return this;
    }

    public HnswVectorIndex build() {
      return new HnswVectorIndex(m, ef, efConstruction, initialCapacity);
    }
  }
}
