package io.wacanda.examples.quickstart;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.http.jdk.JdkHttpServerBinding;
import io.wacanda.integration.CreatedIntegration;
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
 * fully offline.
 *
 * <pre>
 * java -jar wacanda-quickstart.jar [--port 8080] [--knowledge DIR] [--public-url URL]
 * </pre>
 *
 * Environment: {@code WACANDA_ADMIN_TOKEN} (admin bearer token), {@code WACANDA_DEMO_KEY} (the demo
 * integration's key), {@code WACANDA_SECRET_KEY} (32+ characters sealing secrets); each is generated
 * and printed when absent. {@code WACANDA_LLM_BASE_URL} and {@code WACANDA_LLM_MODEL} (and
 * optionally {@code WACANDA_LLM_API_KEY}) switch answers from the offline extractive answerer to an
 * OpenAI-compatible model (OpenAI, Ollama, vLLM, llama.cpp). {@code WACANDA_EMBEDDINGS} picks the
 * embeddings: {@code minilm} (default: all-MiniLM-L6-v2 in process, offline, semantic) or {@code
 * hashing} (core's lexical hashing embeddings, no model to load).
 */
public final class Quickstart implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Quickstart.class);
  static final TenantId DEMO_TENANT = TenantId.of("demo");
  static final List<String> SAMPLE_FILES = List.of("orders.md", "shipping.md", "returns.md",
      "payments.md", "accounts.md", "contact.md");

  private final Wacanda wacanda;
  private final JdkHttpServerBinding server;
  private final String adminToken;
  private final String demoKey;
  private final String integrationId;
  private final int documents;

  private Quickstart(Wacanda wacanda, JdkHttpServerBinding server, String adminToken,
      String demoKey, String integrationId, int documents) {
    this.wacanda = wacanda;
    this.server = server;
    this.adminToken = adminToken;
    this.demoKey = demoKey;
    this.integrationId = integrationId;
    this.documents = documents;
  }

  /** Command-line options. */
  record Options(int port, Optional<Path> knowledge, Optional<String> publicUrl,
      Map<String, String> env) {
    static Options parse(String[] args, Map<String, String> env) {
      int port = 8080;
      Path knowledge = null;
      String publicUrl = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--port" -> port = parsePort(value(args, ++i, a));
          case "--knowledge" -> knowledge = Path.of(value(args, ++i, a));
          case "--public-url" -> publicUrl = value(args, ++i, a);
          case "--help", "-h" -> throw new UsageException("");
          default -> throw new UsageException("unknown option " + a);
        }
      }
      if (knowledge != null && !Files.isDirectory(knowledge)) {
        throw new UsageException("--knowledge " + knowledge + " is not a directory");
      }
      return new Options(port, Optional.ofNullable(knowledge), Optional.ofNullable(publicUrl),
          env);
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
          + "[--knowledge DIR] [--public-url URL]");
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

  /** Builds everything, loads the knowledge base, then starts listening. */
  static Quickstart start(Options options) {
    Map<String, String> env = options.env();
    String adminToken = env.getOrDefault("WACANDA_ADMIN_TOKEN", "");
    if (adminToken.length() < 16) {
      adminToken = "adm_" + ApiKeys.randomToken(24);
    }
    String demoKey = env.getOrDefault("WACANDA_DEMO_KEY", "");
    if (!demoKey.matches("[A-Za-z0-9_-]{24,200}")) {
      demoKey = ApiKeys.generate();
    }
    String secret = env.getOrDefault("WACANDA_SECRET_KEY", "");
    byte[] key = secret.length() >= 32 ? SecretCipher.deriveKey(secret)
        : SecretCipher.deriveKey(ApiKeys.randomToken(32));
    String publicUrl = options.publicUrl().orElse("http://localhost:"
        + (options.port() == 0 ? 8080 : options.port()));

    DefaultRagEngine.Builder rag = DefaultRagEngine.builder();
    String embeddings = env.getOrDefault("WACANDA_EMBEDDINGS", "minilm").strip();
    if (embeddings.equalsIgnoreCase("minilm")) {
      if (System.getProperty("ai.djl.offline") == null) {
        System.setProperty("ai.djl.offline", "true"); // the model is in the jar: never download
      }
      rag.embeddingModel(OfflineEmbeddings.allMiniLmL6V2());
    } else if (!embeddings.equalsIgnoreCase("hashing")) {
      throw new UsageException("WACANDA_EMBEDDINGS must be minilm or hashing, was " + embeddings);
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

    Wacanda wacanda = Wacanda.builder()
        .secretKey("quickstart", key)
        .ragEngine(rag.build())
        .adminAuthenticator(StaticTokenAdminAuthenticator.of(adminToken, DEMO_TENANT))
        .publicBaseUrl(publicUrl)
        // Local testing: let custom integrations post replies to services on this machine.
        .urlGuard(UrlGuard.builder().allowLoopback(true).build())
        .build();

    long t0 = System.nanoTime();
    int docs = options.knowledge().map(dir -> ingestDirectory(wacanda, dir))
        .orElseGet(() -> ingestSample(wacanda));
    log.info("Knowledge base loaded: {} documents in {} ms", docs,
        (System.nanoTime() - t0) / 1_000_000);

    CreatedIntegration demo = wacanda.integrations().create(DEMO_TENANT,
        CustomIntegrationProvider.TYPE, "Demo assistant", Map.of(), demoKey);
    wacanda.start();
    JdkHttpServerBinding server = JdkHttpServerBinding.builder(wacanda.httpHandler())
        .port(options.port()).build().start();
    return new Quickstart(wacanda, server, adminToken, demoKey, demo.integration().id(), docs);
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
    wacanda.close();
  }
}
