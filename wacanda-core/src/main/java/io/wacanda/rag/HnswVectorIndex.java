package io.wacanda.rag;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link VectorIndex}: an in-memory HNSW graph per tenant (hierarchical navigable
 * small world, Malkov and Yashunin 2016, with the neighbour-selection heuristic), created on the
 * tenant's first vector and grown as needed. Vectors must have a norm of at most 1; a hit's score
 * is the inner product, which equals the cosine for normalized vectors (and the weighted mean of
 * the cosines for {@link DefaultRagEngine}'s mixed passage vectors). All vectors of a tenant share the
 * dimension of its first vector. Levels are drawn from a seeded generator, so the same vectors
 * added in the same order give the same graph.
 *
 * <p>Removal marks the node deleted: it still routes searches and is never returned. When the
 * graph is full and deleted nodes outnumber live ones, it is rebuilt from the live vectors.
 * Filtered searches ({@link #search(TenantId, float[], int, Predicate)}) walk the same graph and
 * return only accepted nodes, searching on until they have enough.
 *
 * <p>Persistence writes a file of its own, never Java serialization: the magic {@code
 * WACANDA-HNSW}, a format version, the dimension, every node's id, vector and links, and a CRC-32C
 * of the whole; {@link #load} checks the header, every count and link, and the checksum, then uses
 * the graph as saved (no rebuild). Files of format 1 (vectors only) are still read, and their graph
 * rebuilt. The {@link KnowledgeStore} stays the source of truth: {@link #rebuild} restores an
 * index from it; a saved file makes a large index start in seconds.
 *
 * <p>Thread-safe: searches of a tenant run in parallel; changes to a tenant wait for its searches.
 */
public final class HnswVectorIndex implements VectorIndex {

  private static final Logger LOG = LoggerFactory.getLogger(HnswVectorIndex.class);

  /** Default links per node (twice as many on the bottom level): 16. */
  public static final int DEFAULT_M = 16;
  /** Default candidate list size while searching: 100. */
  public static final int DEFAULT_EF = 100;
  /** Default candidate list size while inserting: 200. */
  public static final int DEFAULT_EF_CONSTRUCTION = 200;
  /** Default first capacity of a tenant's graph: 1024 vectors; it doubles when full. */
  public static final int DEFAULT_INITIAL_CAPACITY = 1024;
  /** Default seed of the level generator: 42. */
  public static final long DEFAULT_SEED = 42;

  static final byte[] MAGIC = HnswFile.MAGIC;
  static final int FORMAT_VERSION = HnswFile.VERSION;
  private static final int MAX_DIMENSIONS = 65536;

  private final int m;
  private final int ef;
  private final int efConstruction;
  private final int initialCapacity;
  private final long seed;
  private final ConcurrentHashMap<TenantId, TenantGraph> graphs = new ConcurrentHashMap<>();

  /** An index with the defaults: m 16, ef 100, efConstruction 200, capacity 1024. */
  @Inject
  public HnswVectorIndex() {
    this(DEFAULT_M, DEFAULT_EF, DEFAULT_EF_CONSTRUCTION, DEFAULT_INITIAL_CAPACITY, DEFAULT_SEED);
  }

  private HnswVectorIndex(int m, int ef, int efConstruction, int initialCapacity, long seed) {
    this.m = m;
    this.ef = ef;
    this.efConstruction = efConstruction;
    this.initialCapacity = initialCapacity;
    this.seed = seed;
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
      graph.add(chunkId, vector);
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
      if (graph.graph != null) {
        graph.graph.remove(chunkId);
      }
    } finally {
      graph.lock.writeLock().unlock();
    }
  }

  @Override
  public List<Hit> search(TenantId tenant, float[] query, int k) {
    return search(tenant, query, k, ef, null);
  }

  /**
   * The {@code k} nearest chunks the filter accepts, best first. Refused nodes still route the
   * search, which goes on until it has {@code k} accepted ones or has seen the whole reachable
   * graph; for very selective filters an exact scan of the accepted chunks is cheaper.
   */
  @Override
  public List<Hit> search(TenantId tenant, float[] query, int k, Predicate<String> filter) {
    return search(tenant, query, k, ef, Objects.requireNonNull(filter, "filter"));
  }

  /**
   * A search with its own candidate list size instead of the index's {@code ef}: higher finds
   * more of the true nearest neighbours and costs more.
   *
   * @param ef 1 or more; at least {@code k} is used
   */
  public List<Hit> search(TenantId tenant, float[] query, int k, int ef) {
    if (ef < 1) {
      throw WacandaException.invalid("ef must be at least 1, was " + ef);
    }
    return search(tenant, query, k, ef, null);
  }

  private List<Hit> search(TenantId tenant, float[] query, int k, int efSearch,
      Predicate<String> filter) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(query, "query");
    TenantGraph graph = graphs.get(tenant);
    if (graph == null || k <= 0) {
      return List.of();
    }
    graph.lock.readLock().lock();
    try {
      HnswGraph g = graph.graph;
      if (g == null || g.live() == 0) {
        return List.of();
      }
      if (query.length != g.dimensions) {
        throw WacandaException.invalid("query has " + query.length
            + " dimensions, the index of tenant " + tenant + " has " + g.dimensions);
      }
      HnswGraph.Result r = g.search(query, k, efSearch, filter);
      List<Hit> hits = new ArrayList<>(r.slots().length);
      for (int i = 0; i < r.slots().length; i++) {
        hits.add(new Hit(g.ids[r.slots()[i]], r.scores()[i]));
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
      return graph.graph == null ? 0 : graph.graph.live();
    } finally {
      graph.lock.readLock().unlock();
    }
  }

  /**
   * Whether the tenant's index holds exactly these chunks (same ids, equal vectors) and nothing
   * else: then a {@link #rebuild} would change nothing.
   */
  public boolean holdsExactly(TenantId tenant, List<KnowledgeChunk> chunks) {
    Objects.requireNonNull(tenant, "tenant");
    TenantGraph graph = graphs.get(tenant);
    if (graph == null) {
      return chunks.isEmpty();
    }
    graph.lock.readLock().lock();
    try {
      HnswGraph g = graph.graph;
      if (g == null) {
        return chunks.isEmpty();
      }
      if (g.live() != chunks.size()) {
        return false;
      }
      for (KnowledgeChunk c : chunks) {
        Integer slot = g.slotById.get(c.id());
        if (slot == null || c.embedding().length != g.dimensions) {
          return false;
        }
        int base = slot * g.dimensions;
        float[] v = c.embedding();
        for (int i = 0; i < v.length; i++) {
          if (Float.floatToIntBits(g.vectors[base + i]) != Float.floatToIntBits(v[i])) {
            return false;
          }
        }
      }
      return true;
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
      vectors.put(chunk.id(), chunk.embedding());
    }
    HnswGraph g = build(vectors);
    install(tenant, g);
  }

  /**
   * Writes the tenant's graph to a file (through a temporary file in the same folder, then an
   * atomic move). Searches go on while it writes; changes wait.
   *
   * @throws WacandaException {@code INTERNAL} when the file cannot be written
   */
  public void save(TenantId tenant, Path file) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(file, "file");
    TenantGraph graph = graphs.get(tenant);
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    int count = 0;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      HnswGraph g = null;
      if (graph != null) {
        graph.lock.readLock().lock();
      }
      try {
        g = graph == null ? null : graph.graph;
        if (g == null) {
          g = new HnswGraph(1, m, efConstruction, 1, seed);
        }
        count = g.live();
        HnswFile.write(g, tmp);
      } finally {
        if (graph != null) {
          graph.lock.readLock().unlock();
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      LOG.info("Saved vector index of tenant {} ({} vectors) to {}", tenant, count, file);
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
   * Replaces the tenant's index with the graph of a file written by {@link #save}.
   *
   * @throws WacandaException {@code INVALID_REQUEST} for a file that is not a Wacanda HNSW index
   *     (wrong magic, unknown version, inconsistent sizes or links, truncated, bad checksum);
   *     {@code INTERNAL} when the file cannot be read. The index is unchanged in both cases.
   */
  public void load(TenantId tenant, Path file) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(file, "file");
    HnswGraph g;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4);
      while (head.hasRemaining() && channel.read(head) >= 0) {
        // fill the header
      }
      if (head.position() < MAGIC.length
          || !Arrays.equals(Arrays.copyOf(head.array(), MAGIC.length), MAGIC)) {
        throw WacandaException.invalid("not a Wacanda HNSW index file (bad header): " + file);
      }
      if (head.position() < MAGIC.length + 4) {
        throw HnswFile.corrupt(file, "truncated");
      }
      int bigEndianVersion = ByteBuffer.wrap(head.array(), MAGIC.length, 4).getInt();
      int littleEndianVersion = ByteBuffer.wrap(head.array(), MAGIC.length, 4)
          .order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (littleEndianVersion == FORMAT_VERSION) {
        g = HnswFile.read(channel, file, seed);
      } else if (bigEndianVersion == 1) {
        channel.position(MAGIC.length + 4);
        g = build(readVersion1(channel, file));
      } else {
        int shown = littleEndianVersion >= 0 && littleEndianVersion < 65_536
            ? littleEndianVersion : bigEndianVersion;
        throw WacandaException.invalid("unsupported Wacanda HNSW index version "
            + shown + " in " + file + "; this version reads 1 and "
            + FORMAT_VERSION);
      }
    } catch (EOFException e) {
      throw new WacandaException(ErrorCode.INVALID_REQUEST,
          "corrupt Wacanda HNSW index file " + file + ": truncated", e);
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL,
          "could not read vector index of tenant " + tenant + " from " + file, e);
    }
    boolean empty = g == null || g.slots == 0;
    install(tenant, empty ? null : g);
    LOG.info("Loaded vector index of tenant {} ({} vectors) from {}", tenant,
        empty ? 0 : g.live(), file);
  }

  /** Format 1: big-endian dimension, count, then each id (modified UTF-8) and its floats. */
  private static Map<String, float[]> readVersion1(FileChannel channel, Path file)
      throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(
        Channels.newInputStream(channel), 1 << 16));
    int dimensions = in.readInt();
    int count = in.readInt();
    if (dimensions < 0 || dimensions > MAX_DIMENSIONS || count < 0
        || count > 0 && dimensions == 0) {
      throw HnswFile.corrupt(file, count + " vectors of " + dimensions + " dimensions");
    }
    Map<String, float[]> vectors = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String id = in.readUTF();
      float[] v = new float[dimensions];
      for (int d = 0; d < dimensions; d++) {
        v[d] = in.readFloat();
      }
      vectors.put(id, v);
    }
    if (in.read() != -1) {
      throw HnswFile.corrupt(file, "data after the last vector");
    }
    return vectors;
  }

  private HnswGraph build(Map<String, float[]> vectors) {
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
    if (dimensions == 0) {
      return null;
    }
    HnswGraph g = new HnswGraph(dimensions, m, efConstruction,
        Math.max(initialCapacity, vectors.size()), seed);
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      g.add(e.getKey(), e.getValue());
    }
    return g;
  }

  private void install(TenantId tenant, HnswGraph g) {
    TenantGraph graph = graphs.computeIfAbsent(tenant, t -> new TenantGraph());
    graph.lock.writeLock().lock();
    try {
      graph.graph = g;
    } finally {
      graph.lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "HnswVectorIndex[m=" + m + ", ef=" + ef + ", efConstruction=" + efConstruction
        + ", tenants=" + graphs.size() + "]";
  }

  /** One tenant's graph; guarded by {@link #lock}. */
  private final class TenantGraph {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    HnswGraph graph;

    void add(String id, float[] vector) {
      if (graph == null || graph.live() == 0 && graph.dimensions != vector.length) {
        graph = new HnswGraph(vector.length, m, efConstruction, initialCapacity, seed);
      } else if (vector.length != graph.dimensions) {
        throw WacandaException.invalid("vector " + id + " has " + vector.length
            + " dimensions, this tenant's index has " + graph.dimensions);
      }
      if (graph.slots == graph.capacity()) {
        int live = graph.live();
        if (graph.slots - live > live) {
          LOG.debug("Compacting vector graph: {} live of {} slots", live, graph.slots);
          Map<String, float[]> vectors = new LinkedHashMap<>();
          for (String liveId : graph.slotById.keySet()) {
            vectors.put(liveId, graph.vector(liveId));
          }
          HnswGraph fresh = new HnswGraph(graph.dimensions, m, efConstruction,
              Math.max(initialCapacity, live * 2), seed);
          for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            fresh.add(e.getKey(), e.getValue());
          }
          graph = fresh;
        }
      }
      graph.add(id, vector);
    }
  }

  /** Settings of a {@link HnswVectorIndex}; rejects bad values at once. */
  public static final class Builder {
    private int m = DEFAULT_M;
    private int ef = DEFAULT_EF;
    private int efConstruction = DEFAULT_EF_CONSTRUCTION;
    private int initialCapacity = DEFAULT_INITIAL_CAPACITY;
    private long seed = DEFAULT_SEED;

    private Builder() {}

    /** Links per node, 4 to 128 (twice as many on the bottom level). Default 16. */
    public Builder m(int m) {
      if (m < 4 || m > 128) {
        throw WacandaException.invalid("m must be 4..128, was " + m);
      }
      this.m = m;
      return this;
    }

    /** Candidate list size while searching, 10 to 10000; higher finds more, slower. Default 100. */
    public Builder ef(int ef) {
      if (ef < 10 || ef > 10_000) {
        throw WacandaException.invalid("ef must be 10..10000, was " + ef);
      }
      this.ef = ef;
      return this;
    }

    /** Candidate list size while inserting, 10 to 10000. Default 200. */
    public Builder efConstruction(int efConstruction) {
      if (efConstruction < 10 || efConstruction > 10_000) {
        throw WacandaException.invalid("efConstruction must be 10..10000, was " + efConstruction);
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

    /** Seed of the level generator. Default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public HnswVectorIndex build() {
      return new HnswVectorIndex(m, ef, efConstruction, initialCapacity, seed);
    }
  }
}
