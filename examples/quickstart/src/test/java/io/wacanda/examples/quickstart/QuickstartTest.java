package io.wacanda.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {
  private static final String KEY = "wk_quickstart_test_key_0123456789";
  private static final String TOKEN = "quickstart-admin-token-for-tests";
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(int port, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/external-api"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersFromTheSampleHelpCentreWithTheKeyAndTokenFromTheEnvironment() throws Exception {
    Quickstart.Options options = Quickstart.Options.parse(new String[] {"--port", "0"},
        Map.of("WACANDA_DEMO_KEY", KEY, "WACANDA_ADMIN_TOKEN", TOKEN));
    try (Quickstart app = Quickstart.start(options)) {
      HttpResponse<String> r = post(app.port(), "{\"action\":\"chat\",\"integration_key\":\"" + KEY
          + "\",\"sender_id\":\"user123\",\"sender_name\":\"John Doe\","
          + "\"message\":\"How long do I have to return an item?\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("30 days").contains("sample-kb/returns.md");

      HttpResponse<String> admin = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/admin/integrations"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(admin.body()).contains(app.integrationId()).doesNotContain(KEY);
      assertThat(app.banner()).contains("curl").contains(KEY).contains(TOKEN);
    }
  }

  @Test
  void ingestsAFolderInsteadOfTheSample(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("faq"));
    Files.writeString(dir.resolve("faq/pets.md"), "# Pets\n\nDogs are welcome in our Berlin "
        + "showroom if they are on a lead.");
    Files.writeString(dir.resolve("opening.html"), "<html><body><nav>Menu</nav><main><h1>Hours"
        + "</h1><p>The cafe opens at 7 am on weekdays.</p></main></body></html>");
    Files.writeString(dir.resolve("ignored.bin"), "binary");
    Quickstart.Options options = Quickstart.Options.parse(
        new String[] {"--port", "0", "--knowledge", dir.toString()}, Map.of("WACANDA_DEMO_KEY", KEY));
    try (Quickstart app = Quickstart.start(options)) {
      HttpResponse<String> r = post(app.port(), "{\"action\":\"chat\",\"integration_key\":\"" + KEY
          + "\",\"sender_id\":\"u\",\"message\":\"Can I bring my dog to the showroom?\"}");
      assertThat(r.body()).contains("on a lead");
      HttpResponse<String> cafe = post(app.port(), "{\"action\":\"chat\",\"integration_key\":\""
          + KEY + "\",\"sender_id\":\"u2\",\"message\":\"When does the cafe open?\"}");
      assertThat(cafe.body()).contains("7 am").doesNotContain("Menu");
    }
  }

  @Test
  void generatesCredentialsWhenTheEnvironmentHasNone() throws Exception {
    try (Quickstart app = Quickstart.start(Quickstart.Options.parse(new String[] {"--port", "0"},
        Map.of()))) {
      assertThat(app.demoKey()).startsWith("wk_");
      assertThat(app.adminToken()).hasSizeGreaterThan(16);
      assertThat(post(app.port(), "{\"action\":\"status\",\"integration_key\":\"" + app.demoKey()
          + "\"}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void rejectsBadOptions(@TempDir Path dir) {
    assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--port", "x"}, Map.of()))
        .hasMessageContaining("--port");
    assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--bogus"}, Map.of()))
        .hasMessageContaining("unknown option");
    assertThatThrownBy(() -> Quickstart.Options.parse(
        new String[] {"--knowledge", dir.resolve("missing").toString()}, Map.of()))
        .hasMessageContaining("not a directory");
    assertThat(Quickstart.Options.parse(new String[] {}, Map.of()).knowledge())
        .isEqualTo(Optional.empty());
  }
}
