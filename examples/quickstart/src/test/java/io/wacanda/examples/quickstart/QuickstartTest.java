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

  @TempDir
  Path data;

  private Quickstart.Options options(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    return Quickstart.Options.parse(all, env);
  }

  private HttpResponse<String> post(int port, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/external-api"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersFromTheSampleHelpCentreWithTheKeyAndTokenFromTheEnvironment() throws Exception {
    Quickstart.Options options = options(
        Map.of("WACANDA_DEMO_KEY", KEY, "WACANDA_ADMIN_TOKEN", TOKEN), "--port", "0");
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
    Quickstart.Options options = options(Map.of("WACANDA_DEMO_KEY", KEY), "--port", "0",
        "--knowledge", dir.toString());
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
    try (Quickstart app = Quickstart.start(options(Map.of(), "--port", "0"))) {
      assertThat(app.demoKey()).startsWith("wk_");
      assertThat(app.adminToken()).hasSizeGreaterThan(16);
      assertThat(post(app.port(), "{\"action\":\"status\",\"integration_key\":\"" + app.demoKey()
          + "\"}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRestartKeepsTheIntegrationTheConversationsAndTheKnowledge() throws Exception {
    Map<String, String> env = Map.of("WACANDA_DEMO_KEY", KEY, "WACANDA_ADMIN_TOKEN", TOKEN);
    String integrationId;
    try (Quickstart app = Quickstart.start(options(env, "--port", "0"))) {
      integrationId = app.integrationId();
      assertThat(post(app.port(), "{\"action\":\"chat\",\"integration_key\":\"" + KEY
          + "\",\"sender_id\":\"ada\",\"message\":\"How long do I have to return an item?\"}")
          .body()).contains("30 days");
    }

    try (Quickstart app = Quickstart.start(options(env, "--port", "0"))) {
      assertThat(app.integrationId()).isEqualTo(integrationId);
      assertThat(app.demoKey()).isEqualTo(KEY);
      String status = post(app.port(), "{\"action\":\"status\",\"integration_key\":\"" + KEY
          + "\"}").body();
      assertThat(status).contains("\"total_sessions\":1").contains("\"total_messages\":2");
      assertThat(post(app.port(), "{\"action\":\"chat\",\"integration_key\":\"" + KEY
          + "\",\"sender_id\":\"bob\",\"message\":\"How long do I have to return an item?\"}")
          .body()).contains("30 days").contains("sample-kb/returns.md");
    }
    assertThat(data.resolve("wacanda.mv.db")).exists();
    assertThat(data.resolve("secret.key")).exists();
  }

  @Test
  void withoutADemoKeyARestartReusesTheIntegrationUnderANewKey() throws Exception {
    String firstKey;
    String integrationId;
    try (Quickstart app = Quickstart.start(options(Map.of(), "--port", "0"))) {
      firstKey = app.demoKey();
      integrationId = app.integrationId();
    }

    try (Quickstart app = Quickstart.start(options(Map.of(), "--port", "0"))) {
      assertThat(app.integrationId()).isEqualTo(integrationId);
      assertThat(app.demoKey()).isNotEqualTo(firstKey).startsWith("wk_");
      assertThat(post(app.port(), "{\"action\":\"status\",\"integration_key\":\""
          + app.demoKey() + "\"}").statusCode()).isEqualTo(200);
      assertThat(post(app.port(), "{\"action\":\"status\",\"integration_key\":\"" + firstKey
          + "\"}").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aGivenDemoKeyReplacesTheStoredOneOnRestart() throws Exception {
    String otherKey = "wk_another_quickstart_key_9876543210";
    try (Quickstart app = Quickstart.start(options(Map.of("WACANDA_DEMO_KEY", KEY), "--port",
        "0"))) {
      assertThat(app.demoKey()).isEqualTo(KEY);
    }

    try (Quickstart app = Quickstart.start(options(Map.of("WACANDA_DEMO_KEY", otherKey),
        "--port", "0"))) {
      assertThat(post(app.port(), "{\"action\":\"status\",\"integration_key\":\"" + otherKey
          + "\"}").statusCode()).isEqualTo(200);
      assertThat(post(app.port(), "{\"action\":\"status\",\"integration_key\":\"" + KEY
          + "\"}").statusCode()).isEqualTo(401);
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
    assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--jdbc-url", "jdbc:mysql://x"},
        Map.of())).hasMessageContaining("--jdbc-url");
    assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--inbox-lease", "0"},
        Map.of())).hasMessageContaining("--inbox-lease");
    Quickstart.Options defaults = Quickstart.Options.parse(new String[] {}, Map.of());
    assertThat(defaults.knowledge()).isEqualTo(Optional.empty());
    assertThat(defaults.data()).isEqualTo(Path.of("wacanda-data"));
    assertThat(defaults.jdbcUrl()).isEmpty();
  }
}
