package io.wacanda.rag;

import io.wacanda.WacandaException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a {@link HnswGraph}, version 2: never Java serialization, every number
 * checked on the way in, a CRC-32C over the whole file. Little-endian throughout.
 *
 * <pre>
 * magic "WACANDA-HNSW" | int version (2) | int dimensions | int m | int efConstruction
 * | int slots | int live | int entryPoint | int maxLevel
 * per slot:  byte deleted | byte level | int idBytes | UTF-8 id
 * per slot:  dimensions floats
 * per slot, per level 0..level: int count | count ints (slots)
 * long CRC-32C of everything before it
 * </pre>
 *
 * Deleted slots are kept (they route searches); a graph with many is compacted before it grows.
 */
final class HnswFile {

  static final byte[] MAGIC = "WACANDA-HNSW".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 2;
  private static final int MAX_DIMENSIONS = 65_536;
  private static final int MAX_ID_BYTES = 65_536;
  private static final int BUFFER = 1 << 20;

  private HnswFile() {}

  static void write(HnswGraph g, Path file) throws IOException {
    try (Output out = new Output(FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
      out.bytes(MAGIC);
      out.putInt(VERSION);
      out.putInt(g.dimensions);
      out.putInt(g.m);
      out.putInt(g.efConstruction);
      out.putInt(g.slots);
      out.putInt(g.live());
      out.putInt(g.entryPoint);
      out.putInt(g.maxLevel);
      for (int s = 0; s < g.slots; s++) {
        byte[] id = g.ids[s].getBytes(StandardCharsets.UTF_8);
        out.putByte(g.deleted[s] ? (byte) 1 : 0);
        out.putByte(g.levels[s]);
        out.putInt(id.length);
        out.bytes(id);
      }
      out.floats(g.vectors, g.slots * g.dimensions);
      for (int s = 0; s < g.slots; s++) {
        for (int l = 0; l <= g.levels[s]; l++) {
          int[] links = g.linksArray(s, l);
          int base = g.linksOffset(s, l);
          int count = links[base];
          out.putInt(count);
          for (int i = 1; i <= count; i++) {
            out.putInt(links[base + i]);
          }
        }
      }
      out.finish();
    }
  }

  /**
   * Reads a graph written by {@link #write}; {@code magic} and version are already checked by
   * the caller, which passes the channel positioned after them.
   *
   * @throws WacandaException {@code INVALID_REQUEST} for anything inconsistent
   */
  static HnswGraph read(FileChannel channel, Path file, long seed) throws IOException {
    long length = channel.size();
    if (length < MAGIC.length + 4 + 8) {
      throw corrupt(file, "too short");
    }
    Input in = new Input(channel, length - 8);
    in.skipChecked(MAGIC.length + 4);
    int dimensions = in.getInt();
    int m = in.getInt();
    int efConstruction = in.getInt();
    int slots = in.getInt();
    int live = in.getInt();
    int entryPoint = in.getInt();
    int maxLevel = in.getInt();
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS || m < 2 || m > 1024
        || efConstruction < 1 || slots < 0 || live < 0 || live > slots
        || maxLevel < -1 || maxLevel > HnswGraph.MAX_LEVEL
        || (slots == 0) != (entryPoint == -1) || entryPoint < -1 || entryPoint >= slots) {
      throw corrupt(file, "bad header");
    }
    long vectorBytes = (long) slots * dimensions * 4;
    if (vectorBytes > length) {
      throw corrupt(file, slots + " vectors of " + dimensions + " dimensions do not fit");
    }
    HnswGraph g = new HnswGraph(dimensions, m, efConstruction, Math.max(16, slots), seed);
    int counted = 0;
    for (int s = 0; s < slots; s++) {
      byte del = in.getByte();
      int level = in.getByte();
      int idLength = in.getInt();
      if ((del != 0 && del != 1) || level < 0 || level > HnswGraph.MAX_LEVEL
          || idLength < 0 || idLength > MAX_ID_BYTES) {
        throw corrupt(file, "bad node " + s);
      }
      String id = new String(in.bytes(idLength), StandardCharsets.UTF_8);
      g.ids[s] = id;
      g.levels[s] = (byte) level;
      g.deleted[s] = del == 1;
      if (level > 0) {
        g.upperLinks[s] = new int[level * (m + 1)];
      }
      if (del == 0) {
        if (g.slotById.put(id, s) != null) {
          throw corrupt(file, "id appears twice among live nodes");
        }
        counted++;
      }
    }
    if (counted != live) {
      throw corrupt(file, "live count " + live + " does not match " + counted + " live nodes");
    }
    in.floats(g.vectors, slots * dimensions);
    for (int s = 0; s < slots; s++) {
      for (int l = 0; l <= g.levels[s]; l++) {
        int count = in.getInt();
        int max = l == 0 ? g.m0 : g.m;
        if (count < 0 || count > max) {
          throw corrupt(file, "node " + s + " has " + count + " links at level " + l);
        }
        int[] links = g.linksArray(s, l);
        int base = g.linksOffset(s, l);
        links[base] = count;
        for (int i = 1; i <= count; i++) {
          int n = in.getInt();
          if (n < 0 || n >= slots || g.levels[n] < l) {
            throw corrupt(file, "node " + s + " links to " + n + " at level " + l);
          }
          links[base + i] = n;
        }
      }
    }
    if (!in.atEnd()) {
      throw corrupt(file, "data after the last node");
    }
    long expected = in.crc();
    ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    channel.read(trailer, length - 8);
    if (trailer.position() != 8 || trailer.flip().getLong() != expected) {
      throw corrupt(file, "checksum mismatch");
    }
    if (slots > 0 && g.levels[entryPoint] != maxLevel) {
      throw corrupt(file, "entry point is not on the top level");
    }
    g.slots = slots;
    g.entryPoint = entryPoint;
    g.maxLevel = maxLevel;
    return g;
  }

  static WacandaException corrupt(Path file, String why) {
    return WacandaException.invalid("corrupt Wacanda HNSW index file " + file + ": " + why);
  }

  /** Buffered little-endian writer that keeps a running CRC-32C. */
  private static final class Output implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    Output(FileChannel channel) {
      this.channel = channel;
    }

    private void room(int n) throws IOException {
      if (buffer.remaining() < n) {
        flush();
      }
    }

    private void flush() throws IOException {
      buffer.flip();
      crc.update(buffer.array(), 0, buffer.limit());
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    void putByte(byte b) throws IOException {
      room(1);
      buffer.put(b);
    }

    void putInt(int v) throws IOException {
      room(4);
      buffer.putInt(v);
    }

    void bytes(byte[] b) throws IOException {
      int off = 0;
      while (off < b.length) {
        room(1);
        int n = Math.min(buffer.remaining(), b.length - off);
        buffer.put(b, off, n);
        off += n;
      }
    }

    void floats(float[] v, int count) throws IOException {
      int off = 0;
      while (off < count) {
        room(4);
        int n = Math.min(buffer.remaining() / 4, count - off);
        buffer.asFloatBuffer().put(v, off, n);
        buffer.position(buffer.position() + n * 4);
        off += n;
      }
    }

    void finish() throws IOException {
      flush();
      ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putLong(crc.getValue()).flip();
      while (trailer.hasRemaining()) {
        channel.write(trailer);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Buffered little-endian reader over the first {@code limit} bytes, with a CRC-32C. */
  private static final class Input {
    private final FileChannel channel;
    private final long limit;
    private long position;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    Input(FileChannel channel, long limit) {
      this.channel = channel;
      this.limit = limit;
      buffer.limit(0);
    }

    private void need(int n) throws IOException {
      if (buffer.remaining() >= n) {
        return;
      }
      buffer.compact();
      while (buffer.position() < n) {
        long left = limit - position;
        if (left <= 0) {
          throw new EOFException();
        }
        int want = (int) Math.min(buffer.remaining(), left);
        int start = buffer.position();
        ByteBuffer slice = buffer.duplicate();
        slice.limit(start + want);
        int read = channel.read(slice, position);
        if (read < 0) {
          throw new EOFException();
        }
        crc.update(buffer.array(), start, read);
        buffer.position(start + read);
        position += read;
      }
      buffer.flip();
    }

    void skipChecked(int n) throws IOException {
      need(n);
      buffer.position(buffer.position() + n);
    }

    byte getByte() throws IOException {
      need(1);
      return buffer.get();
    }

    int getInt() throws IOException {
      need(4);
      return buffer.getInt();
    }

    byte[] bytes(int n) throws IOException {
      byte[] out = new byte[n];
      int off = 0;
      while (off < n) {
        need(1);
        int k = Math.min(buffer.remaining(), n - off);
        buffer.get(out, off, k);
        off += k;
      }
      return out;
    }

    void floats(float[] out, int count) throws IOException {
      int off = 0;
      while (off < count) {
        need(4);
        int k = Math.min(buffer.remaining() / 4, count - off);
        buffer.asFloatBuffer().get(out, off, k);
        buffer.position(buffer.position() + k * 4);
        off += k;
      }
    }

    boolean atEnd() {
      return buffer.remaining() == 0 && position == limit;
    }

    long crc() {
      return crc.getValue();
    }
  }

  static boolean hasMagic(byte[] head) {
    return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
  }
}
