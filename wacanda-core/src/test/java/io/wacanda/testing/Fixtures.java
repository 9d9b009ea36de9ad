package io.wacanda.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the platforms' real payloads from {@code ../shared/fixtures}. */
public final class Fixtures {
  private Fixtures() {}

  /** The shared fixtures folder, found from the module or the repository root. */
  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("../shared/fixtures").normalize();
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      Path inside = p.resolve("shared/fixtures");
      if (Files.isDirectory(inside)) {
        return inside;
      }
    }
    throw new IllegalStateException("../shared/fixtures not found; clone the repository next to shared/");
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String relative) {
    return new String(bytes(relative), java.nio.charset.StandardCharsets.UTF_8);
  }
}
