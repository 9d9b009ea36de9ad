package io.wacanda.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import io.wacanda.internal.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Conversions between Java values and columns. Instants are kept to the microsecond (truncated,
 * so a time just before a bound stays before it) and clamped to years 1..9999; durations are
 * nanoseconds; maps and lists are JSON text; embeddings are float32 little-endian bytes.
 */
final class Columns {
  private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private Columns() {}

  static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    Instant t = value.isBefore(MIN) ? MIN : value.isAfter(MAX) ? MAX : value;
    ps.setObject(index, OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
  }

  static void setInstant(PreparedStatement ps, int index, Optional<Instant> value)
      throws SQLException {
    if (value.isPresent()) {
      setInstant(ps, index, value.get());
    } else {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    if (t == null) {
      throw new SQLException("column " + column + " is null", "22004");
    }
    return t.toInstant();
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  /** Nullable text: empty strings are stored as NULL (so they never collide in unique keys). */
  static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null || value.isEmpty()) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  static String string(ResultSet rs, String column) throws SQLException {
    String s = rs.getString(column);
    return s == null ? "" : s;
  }

  static Duration duration(ResultSet rs, String column) throws SQLException {
    return Duration.ofNanos(rs.getLong(column));
  }

  static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      throw WacandaException.invalid("duration too long to store: " + d);
    }
  }

  static String json(Object value) {
    return Json.writeString(value);
  }

  static Map<String, String> stringMap(String json) {
    return read(json, STRING_MAP);
  }

  static List<String> stringList(String json) {
    return read(json, STRING_LIST);
  }

  static <T> T read(String json, TypeReference<T> type) {
    try {
      return Json.mapper().readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new WacandaException(ErrorCode.INTERNAL, "stored JSON could not be read as "
          + type.getType().getTypeName(), e);
    }
  }

  static byte[] floats(float[] vector) {
    ByteBuffer b = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      b.putFloat(f);
    }
    return b.array();
  }

  static float[] floats(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[bytes.length / Float.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }
}
