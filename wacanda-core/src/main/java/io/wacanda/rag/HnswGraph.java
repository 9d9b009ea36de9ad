package io.wacanda.rag;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * One hierarchical navigable small world graph (Malkov and Yashunin, 2016) over vectors of norm
 * at most 1 compared by inner product: the engine behind {@link HnswVectorIndex}. Nodes live in
 * slots; vectors are stored in one flat array, level-0 links in another, so a search touches few
 * objects. Removal marks a slot deleted: it still routes searches but is never returned.
 *
 * <p>Not thread-safe for writers: {@link HnswVectorIndex} serializes changes with a write lock.
 * Searches only read shared state (their scratch space is per thread), so any number may run at
 * once while no change runs.
 */
final class HnswGraph {

  /** Highest level a node can get; far above what 2^31 nodes need with m = 4. */
  static final int MAX_LEVEL = 30;

  final int dimensions;
  final int m;
  final int m0;
  final int efConstruction;
  private final double levelMultiplier;
  private final SplittableRandom random;

  float[] vectors;
  String[] ids;
  byte[] levels;
  boolean[] deleted;
  /** Level-0 links: per slot {@code m0 + 1} ints, the count first. */
  int[] links0;
  /** Links of levels 1..level: per slot {@code level * (m + 1)} ints, each level's count first. */
  int[][] upperLinks;
  int slots;
  int entryPoint = -1;
  int maxLevel = -1;
  final Map<String, Integer> slotById = new HashMap<>();

  HnswGraph(int dimensions, int m, int efConstruction, int capacity, long seed) {
    this.dimensions = dimensions;
    this.m = m;
    this.m0 = 2 * m;
    this.efConstruction = efConstruction;
    this.levelMultiplier = 1.0 / Math.log(m);
    this.random = new SplittableRandom(seed);
    allocate(Math.max(1, capacity));
  }

  private void allocate(int capacity) {
    vectors = new float[capacity * dimensions];
    ids = new String[capacity];
    levels = new byte[capacity];
    deleted = new boolean[capacity];
    links0 = new int[capacity * (m0 + 1)];
    upperLinks = new int[capacity][];
  }

  int capacity() {
    return ids.length;
  }

  int live() {
    return slotById.size();
  }

  /** Grows the arrays to hold at least {@code capacity} slots. */
  void ensureCapacity(int capacity) {
    if (capacity <= ids.length) {
      return;
    }
    vectors = Arrays.copyOf(vectors, capacity * dimensions);
    ids = Arrays.copyOf(ids, capacity);
    levels = Arrays.copyOf(levels, capacity);
    deleted = Arrays.copyOf(deleted, capacity);
    links0 = Arrays.copyOf(links0, capacity * (m0 + 1));
    upperLinks = Arrays.copyOf(upperLinks, capacity);
  }

  boolean contains(String id) {
    return slotById.containsKey(id);
  }

  /** The live vector of an id, or null. */
  float[] vector(String id) {
    Integer slot = slotById.get(id);
    if (slot == null) {
      return null;
    }
    int from = slot * dimensions;
    return Arrays.copyOfRange(vectors, from, from + dimensions);
  }

  boolean remove(String id) {
    Integer slot = slotById.remove(id);
    if (slot == null) {
      return false;
    }
    deleted[slot] = true;
    return true;
  }

  /**
   * Inserts a vector; an earlier vector of the same id is deleted first (unless equal, then
   * nothing changes). The caller makes sure there is a free slot.
   */
  void add(String id, float[] vector) {
    Integer old = slotById.get(id);
    if (old != null) {
      if (equalsSlot(old, vector)) {
        return;
      }
      remove(id);
    }
    if (slots == ids.length) {
      ensureCapacity(ids.length * 2);
    }
    int node = slots++;
    System.arraycopy(vector, 0, vectors, node * dimensions, dimensions);
    ids[node] = id;
    int level = randomLevel();
    levels[node] = (byte) level;
    if (level > 0) {
      upperLinks[node] = new int[level * (m + 1)];
    }
    slotById.put(id, node);
    if (entryPoint < 0) {
      entryPoint = node;
      maxLevel = level;
      return;
    }
    int current = entryPoint;
    float currentDistance = distance(vector, current);
    for (int l = maxLevel; l > level; l--) {
      boolean changed = true;
      while (changed) {
        changed = false;
        int[] links = linksArray(current, l);
        int base = linksOffset(current, l);
        int count = links[base];
        for (int i = 1; i <= count; i++) {
          int candidate = links[base + i];
          float d = distance(vector, candidate);
          if (d < currentDistance) {
            currentDistance = d;
            current = candidate;
            changed = true;
          }
        }
      }
    }
    Scratch scratch = Scratch.get(ids.length);
    for (int l = Math.min(level, maxLevel); l >= 0; l--) {
      NodeHeap found = searchLayer(vector, current, currentDistance, efConstruction, l, null,
          false, scratch);
      Sorted sorted = found.sortedAscending();
      int[] order = sorted.values();
      float[] orderDistances = sorted.keys();
      int[] selected = selectNeighbors(order, orderDistances, m, scratch);
      setLinks(node, l, selected, selected.length);
      int max = l == 0 ? m0 : m;
      for (int neighbour : selected) {
        connect(neighbour, node, l, max, scratch);
      }
      current = order[0];
      currentDistance = orderDistances[0];
    }
    if (level > maxLevel) {
      maxLevel = level;
      entryPoint = node;
    }
  }

  private boolean equalsSlot(int slot, float[] vector) {
    int base = slot * dimensions;
    for (int i = 0; i < dimensions; i++) {
      if (Float.floatToIntBits(vectors[base + i]) != Float.floatToIntBits(vector[i])) {
        return false;
      }
    }
    return true;
  }

  private int randomLevel() {
    double u = random.nextDouble();
    int level = (int) (-Math.log(1.0 - u) * levelMultiplier);
    return Math.min(level, MAX_LEVEL);
  }

  /** Adds {@code node} to {@code neighbour}'s links at a level, pruning by the heuristic. */
  private void connect(int neighbour, int node, int level, int max, Scratch scratch) {
    int[] links = linksArray(neighbour, level);
    int base = linksOffset(neighbour, level);
    int count = links[base];
    for (int i = 1; i <= count; i++) {
      if (links[base + i] == node) {
        return;
      }
    }
    if (count < max) {
      links[base + count + 1] = node;
      links[base] = count + 1;
      return;
    }
    int[] candidates = new int[count + 1];
    float[] distances = new float[count + 1];
    int nBase = neighbour * dimensions;
    for (int i = 0; i < count; i++) {
      candidates[i] = links[base + 1 + i];
      distances[i] = distanceBetween(nBase, candidates[i] * dimensions);
    }
    candidates[count] = node;
    distances[count] = distanceBetween(nBase, node * dimensions);
    sortByDistance(candidates, distances);
    int[] kept = selectNeighbors(candidates, distances, max, scratch);
    setLinks(neighbour, level, kept, kept.length);
  }

  /**
   * The neighbour-selection heuristic (algorithm 4 of the paper): a candidate is kept when it is
   * closer to the base than to every candidate kept before it, so links spread in all directions.
   *
   * @param candidates sorted by ascending distance to the base
   */
  private int[] selectNeighbors(int[] candidates, float[] distances, int max, Scratch scratch) {
    if (candidates.length <= max) {
      return candidates;
    }
    int[] kept = new int[max];
    int n = 0;
    for (int i = 0; i < candidates.length && n < max; i++) {
      int c = candidates[i];
      int cBase = c * dimensions;
      boolean good = true;
      for (int j = 0; j < n; j++) {
        if (distanceBetween(cBase, kept[j] * dimensions) < distances[i]) {
          good = false;
          break;
        }
      }
      if (good) {
        kept[n++] = c;
      }
    }
    return n == max ? kept : Arrays.copyOf(kept, n);
  }

  private void setLinks(int node, int level, int[] neighbours, int count) {
    int[] links = linksArray(node, level);
    int base = linksOffset(node, level);
    links[base] = count;
    System.arraycopy(neighbours, 0, links, base + 1, count);
  }

  int[] linksArray(int node, int level) {
    return level == 0 ? links0 : upperLinks[node];
  }

  int linksOffset(int node, int level) {
    return level == 0 ? node * (m0 + 1) : (level - 1) * (m + 1);
  }

  /**
   * The {@code k} nearest live nodes accepted by the filter, best first.
   *
   * @param accept null for every live node
   * @return slots and their inner products, in two parallel arrays
   */
  Result search(float[] query, int k, int ef, Predicate<String> accept) {
    if (entryPoint < 0 || slotById.isEmpty()) {
      return new Result(new int[0], new float[0]);
    }
    int current = entryPoint;
    float currentDistance = distance(query, current);
    for (int l = maxLevel; l > 0; l--) {
      boolean changed = true;
      while (changed) {
        changed = false;
        int[] links = upperLinks[current];
        int base = (l - 1) * (m + 1);
        int count = links[base];
        for (int i = 1; i <= count; i++) {
          int candidate = links[base + i];
          float d = distance(query, candidate);
          if (d < currentDistance) {
            currentDistance = d;
            current = candidate;
            changed = true;
          }
        }
      }
    }
    Scratch scratch = Scratch.get(ids.length);
    NodeHeap found = searchLayer(query, current, currentDistance, Math.max(ef, k), 0, accept,
        true, scratch);
    while (found.size() > k) {
      found.poll();
    }
    Sorted sorted = found.sortedAscending();
    int[] order = sorted.values();
    float[] scores = sorted.keys();
    for (int i = 0; i < scores.length; i++) {
      scores[i] = -scores[i];
    }
    return new Result(order, scores);
  }

  record Result(int[] slots, float[] scores) {}

  /** Heap content in ascending key order. */
  record Sorted(int[] values, float[] keys) {}

  /**
   * Best-first search of one level from one entry node.
   *
   * @param onlyResults when true, deleted nodes and nodes the filter refuses route the search
   *     but are not results (and the search goes on until it has {@code ef} results or runs out)
   * @return a max-heap (by distance) of at most {@code ef} results
   */
  private NodeHeap searchLayer(float[] query, int entry, float entryDistance, int ef, int level,
      Predicate<String> accept, boolean onlyResults, Scratch scratch) {
    scratch.nextEpoch();
    int[] visited = scratch.visited;
    int epoch = scratch.epoch;
    NodeHeap candidates = scratch.candidates; // min-heap on distance
    NodeHeap results = new NodeHeap(ef + 1, true); // max-heap on distance
    candidates.clear();
    visited[entry] = epoch;
    candidates.push(entryDistance, entry);
    boolean restricted = onlyResults && (accept != null || slotById.size() < slots);
    if (!onlyResults || isResult(entry, accept)) {
      results.push(entryDistance, entry);
    }
    float bound = results.size() > 0 ? results.peekKey() : Float.POSITIVE_INFINITY;
    while (candidates.size() > 0) {
      float d = candidates.peekKey();
      if (d > bound && (results.size() >= ef || !restricted)) {
        break;
      }
      int c = candidates.poll();
      int[] links = level == 0 ? links0 : upperLinks[c];
      int base = level == 0 ? c * (m0 + 1) : (level - 1) * (m + 1);
      int count = links[base];
      for (int i = 1; i <= count; i++) {
        int n = links[base + i];
        if (visited[n] == epoch) {
          continue;
        }
        visited[n] = epoch;
        float dn = distance(query, n);
        if (results.size() < ef || dn < bound) {
          candidates.push(dn, n);
          if (!onlyResults || isResult(n, accept)) {
            results.push(dn, n);
            if (results.size() > ef) {
              results.poll();
            }
          }
          if (results.size() > 0) {
            bound = results.peekKey();
          }
        }
      }
    }
    return results;
  }

  private boolean isResult(int slot, Predicate<String> accept) {
    return !deleted[slot] && (accept == null || accept.test(ids[slot]));
  }

  /** Distance used inside the graph: the negated inner product (smaller is closer). */
  float distance(float[] query, int slot) {
    return -dot(query, 0, vectors, slot * dimensions, dimensions);
  }

  private float distanceBetween(int baseA, int baseB) {
    return -dot(vectors, baseA, vectors, baseB, dimensions);
  }

  /** Inner product, unrolled so the JIT keeps four independent sums in flight. */
  static float dot(float[] a, int aFrom, float[] b, int bFrom, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    int end = n - 3;
    for (; i < end; i += 4) {
      s0 += a[aFrom + i] * b[bFrom + i];
      s1 += a[aFrom + i + 1] * b[bFrom + i + 1];
      s2 += a[aFrom + i + 2] * b[bFrom + i + 2];
      s3 += a[aFrom + i + 3] * b[bFrom + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[aFrom + i] * b[bFrom + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static void sortByDistance(int[] nodes, float[] distances) {
    // insertion sort: at most m0 + 1 elements
    for (int i = 1; i < nodes.length; i++) {
      int n = nodes[i];
      float d = distances[i];
      int j = i - 1;
      while (j >= 0 && distances[j] > d) {
        nodes[j + 1] = nodes[j];
        distances[j + 1] = distances[j];
        j--;
      }
      nodes[j + 1] = n;
      distances[j + 1] = d;
    }
  }

  /** Per-thread search scratch space: visited marks and the candidate heap. */
  static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    int[] visited = new int[0];
    int epoch;
    final NodeHeap candidates = new NodeHeap(64, false);

    static Scratch get(int capacity) {
      Scratch s = LOCAL.get();
      if (s.visited.length < capacity) {
        s.visited = new int[capacity];
        s.epoch = 0;
      }
      return s;
    }

    void nextEpoch() {
      epoch++;
      if (epoch == Integer.MAX_VALUE) {
        Arrays.fill(visited, 0);
        epoch = 1;
      }
    }
  }

  /** A binary heap of (float key, int value), min or max on the key; grows as needed. */
  static final class NodeHeap {
    private float[] keys;
    private int[] values;
    private int size;
    private final boolean max;

    NodeHeap(int capacity, boolean max) {
      this.keys = new float[Math.max(2, capacity)];
      this.values = new int[keys.length];
      this.max = max;
    }

    int size() {
      return size;
    }

    void clear() {
      size = 0;
    }

    float peekKey() {
      return keys[0];
    }

    void push(float key, int value) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!before(key, keys[parent])) {
          break;
        }
        keys[i] = keys[parent];
        values[i] = values[parent];
        i = parent;
      }
      keys[i] = key;
      values[i] = value;
    }

    /** Removes the top and returns its value. */
    int poll() {
      int top = values[0];
      size--;
      if (size > 0) {
        float key = keys[size];
        int value = values[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
          int child = 2 * i + 1;
          int right = child + 1;
          if (right < size && before(keys[right], keys[child])) {
            child = right;
          }
          if (!before(keys[child], key)) {
            break;
          }
          keys[i] = keys[child];
          values[i] = values[child];
          i = child;
        }
        keys[i] = key;
        values[i] = value;
      }
      return top;
    }

    private boolean before(float a, float b) {
      return max ? a > b : a < b;
    }

    /** Values and keys sorted by ascending key; the heap itself is unchanged. */
    Sorted sortedAscending() {
      long[] packed = new long[size];
      for (int i = 0; i < size; i++) {
        packed[i] = ((long) sortableBits(keys[i]) << 32) | i;
      }
      Arrays.sort(packed);
      int[] outValues = new int[size];
      float[] outKeys = new float[size];
      for (int i = 0; i < size; i++) {
        int at = (int) packed[i];
        outValues[i] = values[at];
        outKeys[i] = keys[at];
      }
      return new Sorted(outValues, outKeys);
    }

    /** Float bits mapped so that signed int order equals float order. */
    private static int sortableBits(float f) {
      int bits = Float.floatToIntBits(f);
      return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }
  }
}
