package io.wacanda.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A titled table rendered as GitHub Markdown, columns padded so it also reads in a terminal. */
final class ResultTable {
  private final String title;
  private final List<String> columns;
  private final List<List<String>> rows = new ArrayList<>();

  ResultTable(String title, String... columns) {
    this.title = title;
    this.columns = List.of(columns);
  }

  ResultTable row(Object... cells) {
    if (cells.length != columns.size()) {
      throw new IllegalArgumentException("expected " + columns.size() + " cells, got "
          + cells.length + ": " + Arrays.toString(cells));
    }
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(String.valueOf(c).replace("|", "\\|").replace("\n", " "));
    }
    rows.add(r);
    return this;
  }

  int size() {
    return rows.size();
  }

  String render() {
    int[] w = new int[columns.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.max(3, columns.get(i).length());
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("### ").append(title).append("\n\n");
    line(sb, columns, w);
    sb.append('|');
    for (int width : w) {
      sb.append(' ').append("-".repeat(width)).append(" |");
    }
    sb.append('\n');
    for (List<String> r : rows) {
      line(sb, r, w);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    sb.append('|');
    for (int i = 0; i < w.length; i++) {
      String c = cells.get(i);
      sb.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
    }
    sb.append('\n');
  }

  // ------------------------------------------------------------------ formatting

  /** {@code 12,345} */
  static String count(double v) {
    return String.format(Locale.ROOT, "%,d", Math.round(v));
  }

  /** {@code 12,345 /s} */
  static String perSecond(double v) {
    return count(v) + " /s";
  }

  /** Nanoseconds as milliseconds with three decimals: {@code 0.412 ms}. */
  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  /** {@code 71.3%} */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /** {@code 1.42} */
  static String decimal(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
