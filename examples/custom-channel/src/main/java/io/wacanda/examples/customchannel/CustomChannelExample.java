package io.wacanda.examples.customchannel;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.integration.IntegrationTemplate;
import io.wacanda.rag.Document;
import io.wacanda.security.ApiKeys;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Wacanda on the JDK server with the Tincan channel found on the class path (step 4 of the
 * guide): nothing here names {@link TincanIntegrationProvider}, {@link java.util.ServiceLoader}
 * does.
 *
 * <pre>
 * java -jar wacanda-custom-channel.jar [--port 8080] [--public-url URL]
 * </pre>
 *
 * Environment: {@code WACANDA_ADMIN_TOKEN} (generated and printed when absent),
 * {@code WACANDA_SECRET_KEY} (32+ characters; random per run when absent), and, to create a Tincan
 * integration at start, {@code TINCAN_API_URL} with {@code TINCAN_BOT_TOKEN}.
 */
public final class CustomChannelExample implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CustomChannelExample.class);
  static final TenantId TENANT = TenantId.of("example");

  private final Wacanda wacanda;
  private final JdkHttpServerBinding server;
  private final String adminToken;
  private final Optional<Demo> demo;

  /** The Tincan integration created from the environment, with what Tincan needs to know. */
  record Demo(String integrationId, String webhookUrl, String signingSecret, String verifyToken) {
    @Override
    public String toString() {
      return "Demo[integrationId=" + integrationId + ", secrets=<redacted>]";
    }
  }

  private CustomChannelExample(Wacanda wacanda, JdkHttpServerBinding server, String adminToken,
      Optional<Demo> demo) {
    this.wacanda = wacanda;
    this.server = server;
    this.adminToken = adminToken;
    this.demo = demo;
  }

  public static void main(String[] args) throws InterruptedException {
    int port = 8080;
    String publicUrl = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--public-url") && i + 1 < args.length) {
        publicUrl = args[++i];
      } else {
        System.err.println("usage: java -jar wacanda-custom-channel.jar [--port 8080] "
            + "[--public-url URL]");
        System.exit(2);
      }
    }
    CustomChannelExample app = start(port, publicUrl, System.getenv());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "example-shutdown"));
    System.out.println(app.banner());
    stopped.await();
  }

  static CustomChannelExample start(int port, String publicUrl, Map<String, String> env) {
    String adminToken = env.getOrDefault("WACANDA_ADMIN_TOKEN", "");
    if (adminToken.length() < 16) {
      adminToken = "adm_" + ApiKeys.randomToken(24);
    }
    String secret = env.getOrDefault("WACANDA_SECRET_KEY", "");
    Wacanda wacanda = Wacanda.builder()
        .secretKey("example", SecretCipher.deriveKey(secret.length() >= 32 ? secret
            : ApiKeys.randomToken(32)))
        .adminAuthenticator(StaticTokenAdminAuthenticator.of(adminToken, TENANT))
        .publicBaseUrl(publicUrl != null ? publicUrl
            : "http://localhost:" + (port == 0 ? 8080 : port))
        // Local trials: allow a Tincan fake on this machine. Production keeps UrlGuard.strict().
        .urlGuard(UrlGuard.builder().allowLoopback(true).build())
        .build();
    wacanda.rag().ingest(TENANT, Document.of("tincan-store", "Tincan Telephones",
        "example-kb/tincan-store.md", "text/markdown", resource("/example-kb/tincan-store.md")));
    log.info("Integration types found: {}", wacanda.integrations().registry().templates()
        .stream().map(IntegrationTemplate::type).collect(Collectors.joining(", ")));

    Optional<Demo> demo = Optional.empty();
    String apiUrl = env.getOrDefault("TINCAN_API_URL", "");
    String botToken = env.getOrDefault("TINCAN_BOT_TOKEN", "");
    if (!apiUrl.isBlank() && !botToken.isBlank()) {
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("bot_token", botToken);
      settings.put("api_url", apiUrl);
      // Chosen here rather than generated, so the example can print them for Tincan's console.
      settings.put("signing_secret", ApiKeys.randomToken(32));
      settings.put("verify_token", ApiKeys.randomToken(24));
      CreatedIntegration created = wacanda.integrations().create(TENANT,
          TincanIntegrationProvider.TYPE, "Tincan shop", settings);
      demo = Optional.of(new Demo(created.integration().id(), created.webhookUrl(),
          settings.get("signing_secret"), settings.get("verify_token")));
    }
    wacanda.start();
    JdkHttpServerBinding server = JdkHttpServerBinding.builder(wacanda.httpHandler()).port(port)
        .build().start();
    return new CustomChannelExample(wacanda, server, adminToken, demo);
  }

  private static String resource(String path) {
    try (InputStream in = CustomChannelExample.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.port();
  }

  String adminToken() {
    return adminToken;
  }

  Optional<Demo> demo() {
    return demo;
  }

  Wacanda wacanda() {
    return wacanda;
  }

  String banner() {
    String base = "http://localhost:" + port();
    StringBuilder b = new StringBuilder();
    b.append("\nWacanda with the Tincan channel is ready on ").append(base).append('\n')
        .append("Admin token ").append(adminToken).append("\n\n");
    if (demo.isPresent()) {
      Demo d = demo.get();
      b.append("Tincan integration ").append(d.integrationId()).append('\n')
          .append("  In Tincan's console set the webhook URL to ").append(d.webhookUrl())
          .append('\n')
          .append("  signing secret ").append(d.signingSecret()).append('\n')
          .append("  verify token   ").append(d.verifyToken()).append("\n\n")
          .append("Post a signed message by hand:\n")
          .append("  BODY='{\"events\":[{\"id\":\"ev_1\",\"type\":\"message.created\","
              + "\"message\":{\"id\":\"tm_1\",\"from\":{\"id\":\"c_42\",\"name\":\"Ana\"},"
              + "\"text\":\"How long does delivery take?\"}}]}'\n")
          .append("  T=$(date +%s); SIG=$(printf '%s' \"$T.$BODY\" | openssl dgst -sha256 -hmac '")
          .append(d.signingSecret()).append("' | sed 's/^.* //')\n")
          .append("  curl -s ").append(base).append("/webhooks/").append(d.integrationId())
          .append(" -H \"Tincan-Signature: t=$T,v1=$SIG\" -d \"$BODY\"\n");
    } else {
      b.append("Create a Tincan integration:\n")
          .append("  curl -s ").append(base).append("/admin/integrations -H 'Authorization: ")
          .append("Bearer ").append(adminToken).append("' -H 'Content-Type: application/json' ")
          .append("-d '{\"type\":\"tincan\",\"name\":\"Tincan shop\",\"settings\":")
          .append("{\"bot_token\":\"<token>\",\"api_url\":\"https://api.tincan.example\"}}'\n")
          .append("Or set TINCAN_API_URL and TINCAN_BOT_TOKEN and start again.\n");
    }
    return b.toString();
  }

  @Override
  public void close() {
    server.close();
    wacanda.close();
  }
}
