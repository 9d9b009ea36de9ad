package io.wacanda.examples.customchannel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The point of this example: a channel needs nothing but Wacanda's public packages. Reads the main
 * sources and checks every {@code io.wacanda} import.
 */
class PublicSpiOnlyTest {
  private static final Set<String> PUBLIC_PACKAGES = Set.of("io.wacanda", "io.wacanda.channel",
      "io.wacanda.integration", "io.wacanda.http", "io.wacanda.http.jdk", "io.wacanda.security",
      "io.wacanda.rag", "io.wacanda.examples.customchannel");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?(io\\.wacanda(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]",
          Pattern.MULTILINE);

  @Test
  void mainSourcesImportOnlyPublicWacandaPackages() throws IOException {
    Set<String> used = new TreeSet<>();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(Path.of("src/main/java"))) {
      sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path p : sources) {
      String text = Files.readString(p);
      Matcher m = IMPORT.matcher(text);
      while (m.find()) {
        used.add(m.group(1));
      }
      assertThat(text).as(p.toString()).doesNotContain("io.wacanda.internal");
    }

    assertThat(sources).hasSizeGreaterThanOrEqualTo(5);
    assertThat(used).contains("io.wacanda.channel", "io.wacanda.integration");
    assertThat(PUBLIC_PACKAGES).containsAll(used);
  }

  @Test
  void theProviderIsRegisteredForServiceLoader() throws IOException {
    assertThat(Files.readString(Path.of(
        "src/main/resources/META-INF/services/io.wacanda.integration.IntegrationProvider")).trim())
        .isEqualTo(TincanIntegrationProvider.class.getName());
  }
}
