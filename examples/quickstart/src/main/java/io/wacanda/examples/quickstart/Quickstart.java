package io.wacanda.examples.quickstart;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.wacanda.inbox.WebhookInbox;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.integration.Integration;
import io.wacanda.jdbc.JdbcStores;
import io.wacanda.jdbc.KnowledgeFollower;
import io.wacanda.langchain4j.OfflineEmbeddings;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.OpenAiCompatibleChatModel;
import io.wacanda.security.ApiKeys;
import io.wacanda.security.SecretCipher;
import io.wacanda.security.StaticTokenAdminAuthenticator;
import io.wacanda.security.UrlGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart: an assistant answering from a sample help centre over HTTP, on embedded defaults,
 * fully offline. Everything is kept in an embedded H2 database under {@code --data} (default
 * {@code ./wacanda-data}), so a restart keeps integrations, conversations, the inbox and
 * knowledge; {@code --jdbc-url} points it at PostgreSQL instead.
 *
 * <pre>
 * java -jar wacanda-quickstart.jar [--port 8080] [--knowledge DIR] [--public-url URL]
 *     [--data DIR] [--jdbc-url URL [--jdbc-user USER]] [--inbox-lease SECONDS]
 * </pre>
 *
 * Environment: {@code WACANDA_ADMIN_TOKEN} (admin bearer token), {@code WACANDA_DEMO_KEY} (the demo
 * integration's key), {@code WACANDA_SECRET_KEY} (32+ characters sealing secrets),
 * {@code WACANDA_JDBC_PASSWORD} (the database password for {@code --jdbc-url}). The admin token
 * and demo key are generated and printed when absent; the secret key is generated once and kept
 * in {@code DATA/secret.key}, since stored secrets must be readable after a restart.
 * {@code WACANDA_LLM_BASE_URL} and {@code WACANDA_LLM_MODEL} (and optionally
 * {@code WACANDA_LLM_API_KEY}) switch answers from the offline extractive answerer to an
 * OpenAI-compatible model (OpenAI, Ollama, vLLM, llama.cpp). {@code WACANDA_EMBEDDINGS} picks the
 * embeddings: {@code minilm} (default: all-MiniLM-L6-v2 in process, offline, semantic) or {@code
 * hashing} (core's lexical hashing embeddings, no model to load).
 */
public final class Quickstart implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Quickstart.class);
  static final TenantId DEMO_TENANT = TenantId.of("demo");
  static final String DEMO_NAME = "Demo assistant";
  static final List<String> SAMPLE_FILES = List.of("orders.md", "shipping.md", "returns.md",
      "payments.md", "accounts.md", "contact.md");

  private final Wacanda wacanda;
  private final JdkHttpServerBinding server;
  private final KnowledgeFollower follower;
  private final HikariDataSource dataSource;
  private final String database;
  private final String adminToken;
  private final String demoKey;
  private final String integrationId;
  private final int documents;

  private Quickstart(Wacanda wacanda, JdkHttpServerBinding server, KnowledgeFollower follower,
      HikariDataSource dataSource, String database, String adminToken, String demoKey,
      String integrationId, int documents) {
    this.wacanda = wacanda;
    this.server = server;
    this.follower = follower;
    this.dataSource = dataSource;
    this.database = database;
    this.adminToken = adminToken;
    this.demoKey = demoKey;
    this.integrationId = integrationId;
    this.documents = documents;
  }

  /** Command-line options. */
  record Options(int port, Optional<Path> knowledge, Optional<String> publicUrl, Path data,
      Optional<String> jdbcUrl, String jdbcUser, Duration inboxLease, Map<String, String> env) {
    static final Path DEFAULT_DATA = Path.of("wacanda-data");

    static Options parse(String[] args, Map<String, String> env) {
      int port = 8080;
      Path knowledge = null;
      String publicUrl = null;
      Path data = DEFAULT_DATA;
      String jdbcUrl = null;
      String jdbcUser = "";
      Duration lease = WebhookInbox.Config.defaults().lease();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--port" -> port = parsePort(value(args, ++i, a));
          case "--knowledge" -> knowledge = Path.of(value(args, ++i, a));
          case "--public-url" -> publicUrl = value(args, ++i, a);
          case "--data" -> data = Path.of(value(args, ++i, a));
          case "--jdbc-url" -> jdbcUrl = value(args, ++i, a);
          case "--jdbc-user" -> jdbcUser = value(args, ++i, a);
          case "--inbox-lease" -> lease = parseSeconds(value(args, ++i, a), a);
          case "--help", "-h" -> throw new UsageException("");
          default -> throw new UsageException("unknown option " + a);
        }
      }
      if (knowledge != null && !Files.isDirectory(knowledge)) {
        throw new UsageException("--knowledge " + knowledge + " is not a directory");
      }
      if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")
          && !jdbcUrl.startsWith("jdbc:h2:")) {
        throw new UsageException("--jdbc-url must be a jdbc:postgresql: or jdbc:h2: URL");
      }
      return new Options(port, Optional.ofNullable(knowledge), Optional.ofNullable(publicUrl),
          data, Optional.ofNullable(jdbcUrl), jdbcUser, lease, env);
    }

    private static Duration parseSeconds(String v, String option) {
      try {
        int seconds = Integer.parseInt(v);
        if (seconds < 1 || seconds > 86_400) {
          throw new NumberFormatException();
        }
        return Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        throw new UsageException(option + " must be 1..86400 seconds");
      }
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new UsageException(option + " needs a value");
      }
      return args[i];
    }

    private static int parsePort(String v) {
      try {
        int p = Integer.parseInt(v);
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        return p;
      } catch (NumberFormatException e) {
        throw new UsageException("--port must be 0..65535");
      }
    }
  }

  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args, System.getenv());
    } catch (UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println("usage: java -jar wacanda-quickstart.jar [--port 8080] "
          + "[--knowledge DIR] [--public-url URL] [--data DIR] "
          + "[--jdbc-url URL [--jdbc-user USER]] [--inbox-lease SECONDS]\n"
          + "  --data DIR       embedded H2 database and secret key (default ./wacanda-data)\n"
          + "  --jdbc-url URL   PostgreSQL instead, e.g. jdbc:postgresql://localhost/wacanda;"
          + " password from WACANDA_JDBC_PASSWORD\n"
          + "  --inbox-lease S  seconds before an event a killed worker held is retried"
          + " (default 300)");
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    Quickstart app = start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Stopping");
      app.close();
      stopped.countDown();
    }, "wacanda-shutdown"));
    System.out.println(app.banner());
    stopped.await();
  }

  /**
   * Opens the database (migrating its schema), builds everything, loads the knowledge base
   * (unchanged documents are skipped), finds or creates the demo integration, then starts
   * listening.
   */
  static Quickstart start(Options options) {
    Map<String, String> env = options.env();
    String adminToken = env.getOrDefault("WACANDA_ADMIN_TOKEN", "");
    if (adminToken.length() < 16) {
      adminToken = "adm_" + ApiKeys.randomToken(24);
    }
    String givenDemoKey = env.getOrDefault("WACANDA_DEMO_KEY", "");
    boolean demoKeyGiven = givenDemoKey.matches("[A-Za-z0-9_-]{24,200}");
    String publicUrl = options.publicUrl().orElse("http://localhost:"
        + (options.port() == 0 ? 8080 : options.port()));
    createDataDirectory(options.data());
    byte[] key = SecretCipher.deriveKey(secretKey(env, options.data()));

    HikariDataSource dataSource = dataSource(options);
    try {
      JdbcStores stores = JdbcStores.builder(dataSource).build();
      // read the knowledge revisions before the engine rebuilds, so no change is missed
      KnowledgeFollower follower = stores.knowledgeFollower().build();
      DefaultRagEngine.Builder rag = DefaultRagEngine.builder()
          .knowledgeStore(stores.knowledgeStore());   // indexes rebuilt from the table
      String embeddings = env.getOrDefault("WACANDA_EMBEDDINGS", "minilm").strip();
      if (embeddings.equalsIgnoreCase("minilm")) {
        if (System.getProperty("ai.djl.offline") == null) {
          System.setProperty("ai.djl.offline", "true"); // the model is in the jar: never download
        }
        rag.embeddingModel(OfflineEmbeddings.allMiniLmL6V2());
      } else if (!embeddings.equalsIgnoreCase("hashing")) {
        throw new UsageException("WACANDA_EMBEDDINGS must be minilm or hashing, was "
            + embeddings);
      }
      log.info("Embeddings: {}", embeddings.toLowerCase(Locale.ROOT));
      String llmUrl = env.getOrDefault("WACANDA_LLM_BASE_URL", "");
      if (!llmUrl.isBlank()) {
        OpenAiCompatibleChatModel.Builder model = OpenAiCompatibleChatModel.builder()
            .baseUrl(llmUrl).model(env.getOrDefault("WACANDA_LLM_MODEL", "llama3.1"));
        String llmKey = env.getOrDefault("WACANDA_LLM_API_KEY", "");
        if (!llmKey.isBlank()) {
          model.apiKey(llmKey);
        }
        rag.chatModel(model.build());
        log.info("Answers come from the model at {}", llmUrl);
      }
      DefaultRagEngine engine = rag.build();
      Wacanda wacanda = stores.applyTo(Wacanda.builder())
          .secretKey("quickstart", key)
          .ragEngine(engine)
          .adminAuthenticator(StaticTokenAdminAuthenticator.of(adminToken, DEMO_TENANT))
          .publicBaseUrl(publicUrl)
          .inboxConfig(WebhookInbox.Config.defaults().withLease(options.inboxLease()))
          // Local testing: let custom integrations post replies to services on this machine.
          .urlGuard(UrlGuard.builder().allowLoopback(true).build())
          .build();
      follower.start(engine);

      long t0 = System.nanoTime();
      int docs = options.knowledge().map(dir -> ingestDirectory(wacanda, dir))
          .orElseGet(() -> ingestSample(wacanda));
      log.info("Knowledge base loaded: {} documents in {} ms", docs,
          (System.nanoTime() - t0) / 1_000_000);

      CreatedIntegration demo = demoIntegration(wacanda, stores, demoKeyGiven
          ? Optional.of(givenDemoKey) : Optional.empty());
      wacanda.start();
      JdkHttpServerBinding server = JdkHttpServerBinding.builder(wacanda.httpHandler())
          .port(options.port()).build().start();
      String database = options.jdbcUrl().isPresent() ? stores.database() + " "
          + options.jdbcUrl().get() : "embedded H2 in " + options.data().toAbsolutePath();
      return new Quickstart(wacanda, server, follower, dataSource, database, adminToken,
          demo.apiKey(), demo.integration().id(), docs);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  private static HikariDataSource dataSource(Options options) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("wacanda-quickstart");
    config.setMaximumPoolSize(10);
    if (options.jdbcUrl().isPresent()) {
      config.setJdbcUrl(options.jdbcUrl().get());
      config.setUsername(options.jdbcUser());
      config.setPassword(options.env().getOrDefault("WACANDA_JDBC_PASSWORD", ""));
    } else {
      config.setJdbcUrl(JdbcStores.h2FileUrl(options.data()));
      config.setUsername("sa");
      config.setPassword("");
    }
    return new HikariDataSource(config);
  }

  /**
   * The demo integration: the stored one (a {@code custom} integration named "Demo assistant"
   * of the demo tenant) when there is one, else a new one. Its key is the given
   * {@code WACANDA_DEMO_KEY}; without one a new key is generated, and for a stored integration
   * the old key stops working (only its hash was kept, so it cannot be shown again).
   */
  static CreatedIntegration demoIntegration(Wacanda wacanda, JdbcStores stores,
      Optional<String> demoKey) {
    Optional<Integration> stored = wacanda.integrations().list(DEMO_TENANT).stream()
        .filter(i -> i.type().equals(CustomIntegrationProvider.TYPE))
        .filter(i -> i.name().equals(DEMO_NAME))
        .findFirst();
    if (stored.isEmpty()) {
      return wacanda.integrations().create(DEMO_TENANT, CustomIntegrationProvider.TYPE,
          DEMO_NAME, Map.of(), demoKey.orElseGet(ApiKeys::generate));
    }
    Integration existing = stored.get();
    if (demoKey.isEmpty()) {
      log.info("Reusing demo integration {}; issuing a new key (the stored one is only a hash)",
          existing.id());
      return wacanda.integrations().rotateKey(DEMO_TENANT, existing.id());
    }
    String hash = ApiKeys.hash(demoKey.get());
    if (!existing.apiKeyHash().equals(hash)) {
      existing = existing.withApiKey(hash, ApiKeys.prefix(demoKey.get()),
          Clock.systemUTC().instant());
      stores.integrationStore().save(existing);
    }
    log.info("Reusing demo integration {}", existing.id());
    return new CreatedIntegration(existing, wacanda.integrations().webhookUrl(existing.id()),
        demoKey.get());
  }

  private static void createDataDirectory(Path data) {
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new UsageException("cannot create --data directory " + data + ": " + e.getMessage());
    }
  }

  /** WACANDA_SECRET_KEY, or the key kept in DATA/secret.key (created on first start). */
  static String secretKey(Map<String, String> env, Path data) {
    String secret = env.getOrDefault("WACANDA_SECRET_KEY", "");
    if (secret.length() >= 32) {
      return secret;
    }
    Path file = data.resolve("secret.key");
    try {
      if (Files.exists(file)) {
        String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (kept.length() >= 32) {
          return kept;
        }
      }
      String fresh = ApiKeys.randomToken(32);
      Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        log.debug("File system without POSIX permissions; {} keeps its defaults", file);
      }
      log.info("Generated a secret key in {} (set WACANDA_SECRET_KEY to choose one)", file);
      return fresh;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  private static int ingestSample(Wacanda wacanda) {
    int n = 0;
    for (String file : SAMPLE_FILES) {
      try (InputStream in = Quickstart.class.getResourceAsStream("/sample-kb/" + file)) {
        if (in == null) {
          throw new IllegalStateException("sample knowledge base file missing: " + file);
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        wacanda.rag().ingest(DEMO_TENANT, Document.of(file, titleOf(text, file),
            "sample-kb/" + file, "text/markdown", text));
        n++;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return n;
  }

  static int ingestDirectory(Wacanda wacanda, Path dir) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).filter(p -> mediaType(p).isPresent()).sorted()
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    int n = 0;
    for (Path p : files) {
      try {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        String id = dir.relativize(p).toString().replace('\\', '/');
        wacanda.rag().ingest(DEMO_TENANT, Document.of(id, titleOf(text, id), p.toString(),
            mediaType(p).orElseThrow(), text));
        n++;
      } catch (IOException | RuntimeException e) {
        log.warn("Skipped {}: {}", p, e.getMessage());
      }
    }
    return n;
  }

  static Optional<String> mediaType(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".md") || name.endsWith(".markdown")) {
      return Optional.of("text/markdown");
    }
    if (name.endsWith(".html") || name.endsWith(".htm")) {
      return Optional.of("text/html");
    }
    if (name.endsWith(".txt")) {
      return Optional.of("text/plain");
    }
    return Optional.empty();
  }

  private static String titleOf(String text, String fallback) {
    for (String line : text.split("\n", 20)) {
      if (line.startsWith("# ")) {
        return line.substring(2).strip();
      }
    }
    return fallback;
  }

  int port() {
    return server.port();
  }

  String adminToken() {
    return adminToken;
  }

  String demoKey() {
    return demoKey;
  }

  String integrationId() {
    return integrationId;
  }

  String banner() {
    String base = "http://localhost:" + port();
    return String.join("\n",
        "",
        "Wacanda quickstart is ready on " + base + " (" + documents + " documents loaded).",
        "Data: " + database,
        "Demo integration " + integrationId + ", key " + demoKey,
        "Admin token " + adminToken,
        "",
        "Ask the assistant:",
        "  curl -s " + base + "/external-api -H 'Content-Type: application/json' \\",
        "    -d '{\"action\":\"chat\",\"integration_key\":\"" + demoKey
            + "\",\"sender_id\":\"user123\",\"sender_name\":\"John Doe\","
            + "\"message\":\"How long do I have to return an item?\"}'",
        "",
        "Send an asynchronous message through the inbox:",
        "  curl -s " + base + "/external-api -H 'Content-Type: application/json' \\",
        "    -d '{\"action\":\"webhook\",\"integration_key\":\"" + demoKey
            + "\",\"event_type\":\"message_received\",\"data\":{\"sender_id\":\"user123\","
            + "\"message\":\"Customer inquiry\",\"platform\":\"whatwut\"}}'",
        "",
        "Integration status and statistics:",
        "  curl -s " + base + "/external-api -H 'Content-Type: application/json' \\",
        "    -d '{\"action\":\"status\",\"integration_key\":\"" + demoKey + "\"}'",
        "",
        "Admin API:",
        "  curl -s " + base + "/admin/integrations -H 'Authorization: Bearer " + adminToken + "'",
        "  curl -s " + base + "/admin/templates -H 'Authorization: Bearer " + adminToken + "'",
        "  curl -s " + base + "/admin/handoffs -H 'Authorization: Bearer " + adminToken + "'",
        "",
        "Press Ctrl-C to stop.");
  }

  @Override
  public void close() {
    server.close();
    follower.close();
    wacanda.close();
    dataSource.close();
  }
}
