package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.WacandaException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Wacanda store on one JDBC {@link DataSource}: PostgreSQL for production and several
 * instances, H2 as the embedded default. {@link Builder#build()} detects the database, migrates
 * the schema with Flyway (unless turned off) and creates the stores; {@link #applyTo} hands them
 * to a {@link Wacanda.Builder}.
 *
 * <pre>{@code
 * JdbcStores stores = JdbcStores.builder(dataSource).build();   // migrates the schema
 * KnowledgeFollower follower = stores.knowledgeFollower().build();
 * Wacanda wacanda = stores.applyTo(Wacanda.builder())
 *     .secretKey("k1", key).adminAuthenticator(admins).build().start();
 * follower.start((DefaultRagEngine) wacanda.rag());
 * }</pre>
 *
 * <p>The data source belongs to the host: pool it (every store call borrows a connection for one
 * transaction) and close it after Wacanda. On PostgreSQL every transaction carries the row-level
 * security scope (see the module README): connect as a role that is neither a superuser nor
 * BYPASSRLS, or the policies are bypassed. Thread-safe.
 */
public final class JdbcStores {
  private static final Logger log = LoggerFactory.getLogger(JdbcStores.class);
  /** Flyway's history table for Wacanda's migrations. */
  public static final String SCHEMA_HISTORY_TABLE = "wacanda_schema_history";

  /** Work on a connection inside a tenant-scoped transaction. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Database db;
  private final JdbcIntegrationStore integrations;
  private final JdbcIntegrationTestStore integrationTests;
  private final JdbcConversationStore conversations;
  private final JdbcWebhookEventStore webhookEvents;
  private final JdbcApiUsageStore apiUsage;
  private final JdbcHandoffQueue handoffs;
  private final JdbcKnowledgeStore knowledge;
  private final JdbcKnowledgeSourceStore knowledgeSources;

  private JdbcStores(Builder b) {
    this.db = Database.of(b.dataSource);
    if (b.migrate) {
      migrate(db);
    }
    this.integrations = new JdbcIntegrationStore(db);
    this.integrationTests = new JdbcIntegrationTestStore(db);
    this.conversations = new JdbcConversationStore(db);
    this.webhookEvents = new JdbcWebhookEventStore(db);
    this.apiUsage = new JdbcApiUsageStore(db);
    this.handoffs = new JdbcHandoffQueue(db);
    this.knowledge = new JdbcKnowledgeStore(db, b.clock);
    this.knowledgeSources = new JdbcKnowledgeSourceStore(db);
  }

  /** Stores on the host's data source. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * The JDBC URL of an embedded H2 database in {@code directory} (file {@code wacanda.mv.db}),
   * with the settings durability needs: {@code WRITE_DELAY=0} (H2 otherwise writes committed
   * changes to the file up to 500 ms later, so a killed process loses acknowledged webhooks),
   * {@code LOCK_TIMEOUT=10000} (concurrent workers wait for row locks instead of failing after
   * one second) and {@code DB_CLOSE_ON_EXIT=FALSE} (the host closes the pool after Wacanda has
   * drained, instead of H2 closing the file under running workers).
   */
  public static String h2FileUrl(Path directory) {
    Objects.requireNonNull(directory, "directory");
    String path = directory.toAbsolutePath().resolve("wacanda").toString().replace('\\', '/');
    return "jdbc:h2:file:" + path + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * Wacanda's Flyway configuration for {@code dataSource}, for hosts that run the migration with
   * their own machinery (the Spring adapter runs it through Spring Boot's
   * {@code FlywayMigrationInitializer}) and then build the stores with {@code migrate(false)}.
   * What {@link Builder#migrate(boolean)} runs itself:
   *
   * <ul>
   *   <li>history table {@value #SCHEMA_HISTORY_TABLE}, so the host's own Flyway history
   *       ({@code flyway_schema_history}) never sees Wacanda's scripts;
   *   <li>locations {@code classpath:db/wacanda/common} and {@code classpath:db/wacanda/postgresql}
   *       or {@code classpath:db/wacanda/h2} (not under Spring Boot's default
   *       {@code classpath:db/migration});
   *   <li>the database's column-type placeholders ({@code id}, {@code text}, {@code bytes});
   *   <li>{@code baselineOnMigrate} at version 0: a schema that already holds other tables (the
   *       host's) but no Wacanda history is migrated from V1, instead of Flyway refusing a
   *       non-empty schema.
   * </ul>
   *
   * <p>Connects once to detect the database. Call {@code load()} on the result. It calls only
   * configuration methods that Flyway 11 (Spring Boot 3.5's) has as well as the Flyway this
   * module is built with, so it works with either on the class path.
   *
   * @throws WacandaException INVALID_REQUEST for a database other than PostgreSQL or H2;
   *     UNAVAILABLE when it cannot be reached
   */
  public static FluentConfiguration flywayConfiguration(DataSource dataSource) {
    return flywayConfiguration(Database.of(dataSource));
  }

  private static FluentConfiguration flywayConfiguration(Database db) {
    Dialect dialect = db.dialect();
    return Flyway.configure(JdbcStores.class.getClassLoader())
        .dataSource(db.dataSource())
        .locations(dialect.migrationLocations())
        .placeholders(dialect.placeholders())
        .table(SCHEMA_HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0");
  }

  private static void migrate(Database db) {
    MigrateResult result = flywayConfiguration(db).load().migrate();
    log.info("Wacanda schema on {} is at version {} ({} migrations applied now)", db.dialect(),
        result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion,
        result.migrationsExecuted);
  }

  /** Sets every store of {@code builder} to the JDBC ones; returns {@code builder}. */
  public Wacanda.Builder applyTo(Wacanda.Builder builder) {
    return builder.integrationStore(integrations)
        .integrationTestStore(integrationTests)
        .conversationStore(conversations)
        .webhookEventStore(webhookEvents)
        .apiUsageStore(apiUsage)
        .handoffQueue(handoffs)
        .knowledgeStore(knowledge)
        .knowledgeSourceStore(knowledgeSources);
  }

  /**
   * A follower that keeps a RAG engine's indexes current with changes other instances make to
   * the shared knowledge base; its baseline is read when it is built.
   */
  public KnowledgeFollower.Builder knowledgeFollower() {
    return new KnowledgeFollower.Builder(knowledge);
  }

  /**
   * Runs hand-written SQL in a transaction scoped to one tenant: on PostgreSQL, row-level
   * security lets it see and write only that tenant's rows, whatever its WHERE clause says. For
   * reports and maintenance by the host.
   *
   * @throws WacandaException UNAVAILABLE (retryable) when the database cannot be reached,
   *     INTERNAL for other SQL errors
   */
  public <T> T inTenant(TenantId tenant, SqlWork<T> work) {
    Objects.requireNonNull(work, "work");
    return db.tenant(tenant, "running host SQL", work::run);
  }

  /** {@code "POSTGRESQL"} or {@code "H2"}. */
  public String database() {
    return db.dialect().name();
  }

  public JdbcIntegrationStore integrationStore() {
    return integrations;
  }

  public JdbcIntegrationTestStore integrationTestStore() {
    return integrationTests;
  }

  public JdbcConversationStore conversationStore() {
    return conversations;
  }

  public JdbcWebhookEventStore webhookEventStore() {
    return webhookEvents;
  }

  public JdbcApiUsageStore apiUsageStore() {
    return apiUsage;
  }

  public JdbcHandoffQueue handoffQueue() {
    return handoffs;
  }

  public JdbcKnowledgeStore knowledgeStore() {
    return knowledge;
  }

  public JdbcKnowledgeSourceStore knowledgeSourceStore() {
    return knowledgeSources;
  }

  @Override
  public String toString() {
    return "JdbcStores[" + db.dialect() + "]";
  }

  /** Options of {@link JdbcStores}. */
  public static final class Builder {
    private final DataSource dataSource;
    private boolean migrate = true;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Whether {@link #build()} migrates the schema with Flyway (history table
     * {@code wacanda_schema_history}, see {@link JdbcStores#flywayConfiguration}). Default true;
     * turn off when migrations run separately: as the table owner before the application
     * starts, or through the host's Flyway machinery (the Spring adapter does).
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /** Clock for knowledge revision times. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws WacandaException INVALID_REQUEST for a database other than PostgreSQL or H2;
     *     UNAVAILABLE when it cannot be reached
     */
    public JdbcStores build() {
      return new JdbcStores(this);
    }
  }
}
