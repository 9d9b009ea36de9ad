package io.wacanda.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration keys under {@code wacanda.*}, mapped onto the core builders by
 * {@link WacandaAutoConfiguration}. Every key is optional; the defaults are the core's. Values are
 * checked when the beans are built, and a bad one fails startup naming the key.
 */
@ConfigurationProperties("wacanda")
public class WacandaProperties {

  /** Whether Wacanda is auto-configured at all. */
  private boolean enabled = true;

  /**
   * Host secret (at least 32 characters) from which the AES-256 key sealing integration secrets
   * at rest is derived. Required with durable stores; without it and with in-memory stores a
   * random key is used for the life of the process.
   */
  private String secretKey;

  /** Id stored beside every sealed secret, so keys can rotate. */
  private String secretKeyId = "k1";

  /** Earlier secret keys by id, still accepted for reading secrets sealed with them. */
  private Map<String, String> oldSecretKeys = new LinkedHashMap<>();

  /**
   * Base of the webhook URLs handed out, e.g. {@code https://bot.example.com/wacanda}. Default:
   * {@code http://localhost:${server.port}} followed by the HTTP base path.
   */
  private String publicBaseUrl;

  /** Whether integration types are also found with java.util.ServiceLoader (besides beans). */
  private boolean discoverProviders = true;

  /** How long processed webhook events and API usage logs are kept; at least 7 days. */
  private Duration retention = Duration.ofDays(30);

  /** How often idle handoffs and retention are checked. */
  private Duration housekeepingInterval = Duration.ofMinutes(1);

  private final Http http = new Http();
  private final Admin admin = new Admin();
  private final Inbox inbox = new Inbox();
  private final Engine engine = new Engine();
  private final UrlGuard urlGuard = new UrlGuard();
  private final Security security = new Security();
  private final Jdbc jdbc = new Jdbc();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getSecretKey() {
    return secretKey;
  }

  public void setSecretKey(String secretKey) {
    this.secretKey = secretKey;
  }

  public String getSecretKeyId() {
    return secretKeyId;
  }

  public void setSecretKeyId(String secretKeyId) {
    this.secretKeyId = secretKeyId;
  }

  public Map<String, String> getOldSecretKeys() {
    return oldSecretKeys;
  }

  public void setOldSecretKeys(Map<String, String> oldSecretKeys) {
    this.oldSecretKeys = oldSecretKeys;
  }

  public String getPublicBaseUrl() {
    return publicBaseUrl;
  }

  public void setPublicBaseUrl(String publicBaseUrl) {
    this.publicBaseUrl = publicBaseUrl;
  }

  public boolean isDiscoverProviders() {
    return discoverProviders;
  }

  public void setDiscoverProviders(boolean discoverProviders) {
    this.discoverProviders = discoverProviders;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  public Duration getHousekeepingInterval() {
    return housekeepingInterval;
  }

  public void setHousekeepingInterval(Duration housekeepingInterval) {
    this.housekeepingInterval = housekeepingInterval;
  }

  public Http getHttp() {
    return http;
  }

  public Admin getAdmin() {
    return admin;
  }

  public Inbox getInbox() {
    return inbox;
  }

  public Engine getEngine() {
    return engine;
  }

  public UrlGuard getUrlGuard() {
    return urlGuard;
  }

  public Security getSecurity() {
    return security;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  @Override
  public String toString() {
    // Never print the secret key or the admin token.
    return "WacandaProperties[basePath=" + http.basePath + ", tenant=" + admin.tenant + "]";
  }

  /** The HTTP endpoints mounted on Spring MVC. */
  public static class Http {
    /** Whether the webhook, external API and admin endpoints are mounted on Spring MVC. */
    private boolean enabled = true;

    /** Path the endpoints are mounted under: empty or /segment[/segment], no trailing slash. */
    private String basePath = "/wacanda";

    /** Largest accepted request body (1KB..64MB); larger ones are answered 413. */
    private DataSize maxBodySize = DataSize.ofMegabytes(1);

    /** Origins allowed by CORS, e.g. https://admin.example.com; none by default. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Sustained external API requests per second per integration key. */
    private double ratePerSecond = 50;

    /** Burst of external API requests per integration key. */
    private int rateBurst = 100;

    private final Events events = new Events();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getBasePath() {
      return basePath;
    }

    public void setBasePath(String basePath) {
      this.basePath = basePath;
    }

    public DataSize getMaxBodySize() {
      return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
      this.maxBodySize = maxBodySize;
    }

    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    public double getRatePerSecond() {
      return ratePerSecond;
    }

    public void setRatePerSecond(double ratePerSecond) {
      this.ratePerSecond = ratePerSecond;
    }

    public int getRateBurst() {
      return rateBurst;
    }

    public void setRateBurst(int rateBurst) {
      this.rateBurst = rateBurst;
    }

    public Events getEvents() {
      return events;
    }
  }

  /** The Server-Sent Events stream at {base-path}/admin/events. */
  public static class Events {
    /** Most concurrent event streams; more are answered 503. */
    private int maxStreams = 64;

    /** Interval of the keep-alive comment sent on idle streams. */
    private Duration heartbeat = Duration.ofSeconds(15);

    /** How long one stream stays open; browsers reconnect by themselves after it. */
    private Duration timeout = Duration.ofMinutes(30);

    /** Frames queued for a slow client before it is disconnected. */
    private int queueCapacity = 256;

    public int getMaxStreams() {
      return maxStreams;
    }

    public void setMaxStreams(int maxStreams) {
      this.maxStreams = maxStreams;
    }

    public Duration getHeartbeat() {
      return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public int getQueueCapacity() {
      return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
    }
  }

  /** Who may call the admin API when Spring Security does not decide it. */
  public static class Admin {
    /**
     * Bearer token (at least 16 characters) for the admin API. Without it, and without Spring
     * Security or an AdminAuthenticator bean, every admin call is refused.
     */
    private String token;

    /** Tenant the admin token (and, by default, every Spring Security user) acts for. */
    private String tenant = "default";

    /** Agent id of the admin token holder in the handoff queue. */
    private String agentId = "admin";

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public String getTenant() {
      return tenant;
    }

    public void setTenant(String tenant) {
      this.tenant = tenant;
    }

    public String getAgentId() {
      return agentId;
    }

    public void setAgentId(String agentId) {
      this.agentId = agentId;
    }
  }

  /** The webhook inbox and its workers. */
  public static class Inbox {
    /** Worker threads (1..256). */
    private int workers = 4;

    /** Events claimed per store call. */
    private int batchSize = 8;

    /** How long an idle worker waits before polling again (appends wake it at once). */
    private Duration pollInterval = Duration.ofMillis(500);

    /** How long a claim holds before another worker may take the event. */
    private Duration lease = Duration.ofMinutes(5);

    /** How long shutdown waits for in-flight events. */
    private Duration drainTimeout = Duration.ofSeconds(10);

    /** Attempts in all, including the first, before an event is dead-lettered. */
    private int maxAttempts = 6;

    /** Delay after the first failed attempt. */
    private Duration initialRetryDelay = Duration.ofSeconds(2);

    /** Cap on any retry delay. */
    private Duration maxRetryDelay = Duration.ofHours(1);

    /** Growth of the retry delay per attempt. */
    private double retryMultiplier = 3.0;

    /**
     * How long at a stretch workers leave the CPU to Wacanda requests while the server is
     * saturated (acknowledgements first); 0 never defers.
     */
    private Duration ackPriority = Duration.ofSeconds(30);

    public int getWorkers() {
      return workers;
    }

    public void setWorkers(int workers) {
      this.workers = workers;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public Duration getDrainTimeout() {
      return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialRetryDelay() {
      return initialRetryDelay;
    }

    public void setInitialRetryDelay(Duration initialRetryDelay) {
      this.initialRetryDelay = initialRetryDelay;
    }

    public Duration getMaxRetryDelay() {
      return maxRetryDelay;
    }

    public void setMaxRetryDelay(Duration maxRetryDelay) {
      this.maxRetryDelay = maxRetryDelay;
    }

    public double getRetryMultiplier() {
      return retryMultiplier;
    }

    public void setRetryMultiplier(double retryMultiplier) {
      this.retryMultiplier = retryMultiplier;
    }

    public Duration getAckPriority() {
      return ackPriority;
    }

    public void setAckPriority(Duration ackPriority) {
      this.ackPriority = ackPriority;
    }
  }

  /** The conversation engine's handoff rules. */
  public static class Engine {
    /** Messages of history given to the RAG engine. */
    private int historySize = 10;

    /** Answers below this confidence (0..1) are not given. */
    private double minConfidence = 0.25;

    /** Below this confidence (0..1) the conversation is handed to a human at once. */
    private double handoffConfidence = 0.05;

    /** Unanswered questions in a row before a handoff. */
    private int maxUnanswered = 2;

    /** Idle time after which a handed-off session goes back to the bot. */
    private Duration handoffIdleTimeout = Duration.ofMinutes(30);

    public int getHistorySize() {
      return historySize;
    }

    public void setHistorySize(int historySize) {
      this.historySize = historySize;
    }

    public double getMinConfidence() {
      return minConfidence;
    }

    public void setMinConfidence(double minConfidence) {
      this.minConfidence = minConfidence;
    }

    public double getHandoffConfidence() {
      return handoffConfidence;
    }

    public void setHandoffConfidence(double handoffConfidence) {
      this.handoffConfidence = handoffConfidence;
    }

    public int getMaxUnanswered() {
      return maxUnanswered;
    }

    public void setMaxUnanswered(int maxUnanswered) {
      this.maxUnanswered = maxUnanswered;
    }

    public Duration getHandoffIdleTimeout() {
      return handoffIdleTimeout;
    }

    public void setHandoffIdleTimeout(Duration handoffIdleTimeout) {
      this.handoffIdleTimeout = handoffIdleTimeout;
    }
  }

  /** Which user-typed URLs (reply URLs, health checks) Wacanda may fetch. */
  public static class UrlGuard {
    /** Allow loopback addresses (local development only). */
    private boolean allowLoopback;

    /** Allow private-network addresses (an on-premise deployment). */
    private boolean allowPrivate;

    /** Host names allowed whatever they resolve to. */
    private List<String> allowedHosts = new ArrayList<>();

    public boolean isAllowLoopback() {
      return allowLoopback;
    }

    public void setAllowLoopback(boolean allowLoopback) {
      this.allowLoopback = allowLoopback;
    }

    public boolean isAllowPrivate() {
      return allowPrivate;
    }

    public void setAllowPrivate(boolean allowPrivate) {
      this.allowPrivate = allowPrivate;
    }

    public List<String> getAllowedHosts() {
      return allowedHosts;
    }

    public void setAllowedHosts(List<String> allowedHosts) {
      this.allowedHosts = allowedHosts;
    }
  }

  /** Spring Security integration (used only when Spring Security is on the class path). */
  public static class Security {
    /**
     * Whether Wacanda adds its own security filter chain for the base path: webhooks and the
     * external API open (they authenticate by signature and integration key), admin calls
     * authenticated by Spring Security (HTTP Basic, or the host's session) or the admin token.
     */
    private boolean filterChain = true;

    public boolean isFilterChain() {
      return filterChain;
    }

    public void setFilterChain(boolean filterChain) {
      this.filterChain = filterChain;
    }
  }

  /** Durable stores from wacanda-jdbc, used when it and a DataSource are present. */
  public static class Jdbc {
    /** Whether a DataSource switches the stores to wacanda-jdbc. */
    private boolean enabled = true;

    /**
     * Whether Wacanda's schema is migrated at startup, through Spring Boot's Flyway support (its
     * own Flyway, history table wacanda_schema_history, scripts under classpath:db/wacanda).
     * Turn off when the schema is migrated separately by its owner role.
     */
    private boolean migrate = true;

    /** How often this instance picks up knowledge-base changes other instances made. */
    private Duration knowledgePollInterval = Duration.ofSeconds(2);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isMigrate() {
      return migrate;
    }

    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }

    public Duration getKnowledgePollInterval() {
      return knowledgePollInterval;
    }

    public void setKnowledgePollInterval(Duration knowledgePollInterval) {
      this.knowledgePollInterval = knowledgePollInterval;
    }
  }
}
