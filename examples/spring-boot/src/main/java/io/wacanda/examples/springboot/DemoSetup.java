package io.wacanda.examples.springboot;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.custom.CustomIntegrationProvider;
import io.wacanda.integration.CreatedIntegration;
import io.wacanda.rag.Document;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Loads the sample help centre into the demo tenant, creates the demo integration with the demo
 * key, and prints where the console is with the credentials to paste (on standard output, never
 * in the log).
 */
@Component
class DemoSetup implements ApplicationRunner, ApplicationListener<ApplicationReadyEvent> {
  private static final Logger log = LoggerFactory.getLogger(DemoSetup.class);
  static final List<String> SAMPLE_FILES = List.of("orders.md", "shipping.md", "returns.md",
      "payments.md", "accounts.md", "contact.md");

  private final Wacanda wacanda;
  private final TenantId tenant;
  private final String adminToken;
  private final String demoKey;
  private final boolean printBanner;
  private volatile String demoId = "";

  DemoSetup(Wacanda wacanda, @Value("${wacanda.admin.tenant}") String tenant,
      @Value("${wacanda.admin.token}") String adminToken,
      @Value("${example.demo-key}") String demoKey,
      @Value("${example.print-banner:true}") boolean printBanner) {
    this.wacanda = wacanda;
    this.tenant = TenantId.of(tenant);
    this.adminToken = adminToken;
    this.demoKey = demoKey;
    this.printBanner = printBanner;
  }

  @Override
  public void run(ApplicationArguments args) {
    for (String file : SAMPLE_FILES) {
      try (InputStream in = DemoSetup.class.getResourceAsStream("/sample-kb/" + file)) {
        if (in == null) {
          throw new IllegalStateException("sample knowledge base file missing: " + file);
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String title = text.lines().filter(l -> l.startsWith("# ")).findFirst()
            .map(l -> l.substring(2).trim()).orElse(file);
        wacanda.rag().ingest(tenant, Document.of(file, title, "sample-kb/" + file,
            "text/markdown", text));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    CreatedIntegration demo = wacanda.integrations().create(tenant,
        CustomIntegrationProvider.TYPE, "Demo assistant", Map.of(), demoKey);
    demoId = demo.integration().id();
    log.info("Sample knowledge base loaded ({} documents); demo integration {}",
        SAMPLE_FILES.size(), demoId);
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (!printBanner || !(event.getApplicationContext()
        instanceof WebServerApplicationContext web)) {
      return;
    }
    int port = web.getWebServer().getPort();
    System.out.println("""

        Wacanda Spring Boot example is up.
          Console:      http://localhost:%1$d/   (admin token: %2$s)
          Demo key:     %3$s   (integration %4$s)
          Try it:       curl -s localhost:%1$d/wacanda/external-api -H 'Content-Type: application/json' \\
                          -d '{"action":"chat","integration_key":"%3$s","sender_id":"u1","message":"How long do I have to return an item?"}'
          Health:       http://localhost:%1$d/actuator/health
        """.formatted(port, adminToken, demoKey, demoId));
  }
}
