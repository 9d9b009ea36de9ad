package io.wacanda.rag;

import java.util.ArrayList;
import java.util.List;

/** Turns text into a fixed-size, L2-normalized vector. Thread-safe. */
public interface EmbeddingModel {

  int dimension();

  float[] embed(String text);

  default List<float[]> embedAll(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(embed(t));
    }
    return out;
  }
}
