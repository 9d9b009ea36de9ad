package io.wacanda.examples.springboot;

import io.wacanda.security.ApiKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example: Wacanda through {@code wacanda-spring-adapter}, every channel module on
 * the class path, the sample help centre as knowledge base, a demo integration, and the admin
 * console at {@code /}.
 *
 * <pre>
 * java -jar wacanda-example-spring-boot.jar [--server.port=8080]
 * </pre>
 *
 * Environment: {@code WACANDA_ADMIN_TOKEN} (the console's and admin API's bearer token),
 * {@code WACANDA_DEMO_KEY} (the demo integration's key), {@code WACANDA_SECRET_KEY} (seals
 * integration secrets); the first two are generated and printed when absent.
 */
@SpringBootApplication
public class SpringBootExample {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringBootExample.class);
    app.setDefaultProperties(credentials(System.getenv()));
    app.run(args);
  }

  /** The admin token and demo key: from the environment, or generated for this run. */
  static Map<String, Object> credentials(Map<String, String> env) {
    Map<String, Object> p = new LinkedHashMap<>();
    String token = env.getOrDefault("WACANDA_ADMIN_TOKEN", "");
    p.put("wacanda.admin.token", token.length() >= 16 ? token : "adm_" + ApiKeys.randomToken(24));
    String demo = env.getOrDefault("WACANDA_DEMO_KEY", "");
    p.put("example.demo-key", demo.matches("[A-Za-z0-9_-]{24,200}") ? demo : ApiKeys.generate());
    return p;
  }
}
