package io.wacanda.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.Wacanda;
import io.wacanda.jdbc.JdbcStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.flyway.FlywayEndpointAutoConfiguration;
import org.springframework.boot.actuate.flyway.FlywayEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Wacanda's migration through Spring Boot's Flyway support, beside a host that has Flyway
 * migrations of its own in Boot's default location ({@code classpath:db/migration/V1__host.sql},
 * in this module's JDBC test resources): each Flyway keeps its own history, the host's Flyway bean
 * stays the one injected, and {@code wacanda.jdbc.migrate=false} leaves Wacanda's schema alone.
 */
class WacandaFlywayTests {
  private static final String SECRET = JdbcStoresConfigurationTests.SECRET;

  private static ApplicationContextRunner runner(String url, String user, String password) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            FlywayAutoConfiguration.class, WacandaAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=" + url,
            "spring.datasource.username=" + user, "spring.datasource.password=" + password,
            "spring.datasource.generate-unique-name=false", "wacanda.secret-key=" + SECRET);
  }

  private static ApplicationContextRunner h2() {
    return runner("jdbc:h2:mem:flyway_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
  }

  /** A host bean that needs Boot's Flyway: fails the context if the injection is ambiguous. */
  @Configuration(proxyBeanMethods = false)
  static class HostUsingFlyway {
    @Bean
    HostFlywayUser hostFlywayUser(Flyway flyway) {
      return new HostFlywayUser(flyway);
    }
  }

  record HostFlywayUser(Flyway flyway) {}

  @Test
  void hostAndWacandaMigrateIntoTheirOwnHistoriesOnH2() {
    h2().withUserConfiguration(HostUsingFlyway.class).run(this::assertBothMigrated);
  }

  @Test
  void hostAndWacandaMigrateIntoTheirOwnHistoriesOnPostgres() throws SQLException {
    String url = postgresDatabase();
    try {
      runner(url, pgUser(), pgPassword()).withUserConfiguration(HostUsingFlyway.class)
          .run(this::assertBothMigrated);
    } finally {
      dropPostgresDatabase(url);
    }
  }

  private void assertBothMigrated(AssertableApplicationContext ctx) {
    assertThat(ctx).hasNotFailed();
    JdbcTemplate jdbc = new JdbcTemplate(ctx.getBean(DataSource.class));

    assertThat(scripts(jdbc, "flyway_schema_history")).containsExactly("V1__host.sql");
    assertThat(scripts(jdbc, JdbcStores.SCHEMA_HISTORY_TABLE))
        .startsWith("V1__wacanda_schema.sql")
        .contains("V3__knowledge_sources.sql")
        .noneMatch(s -> s.contains("host"));
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM host_customers", Integer.class))
        .isZero();

    // the host's Flyway is Boot's own and the only injection candidate
    Flyway hostFlyway = ctx.getBean(HostFlywayUser.class).flyway();
    assertThat(ctx.getBean(Flyway.class)).isSameAs(hostFlyway).isSameAs(ctx.getBean("flyway"));
    assertThat(hostFlyway.getConfiguration().getTable()).isEqualTo("flyway_schema_history");
    assertThat(ctx.getBeansOfType(Flyway.class)).containsOnlyKeys("flyway", "wacandaFlyway");
    assertThat(ctx.getBeansOfType(FlywayMigrationInitializer.class))
        .containsOnlyKeys("flywayInitializer", "wacandaFlywayInitializer");

    // the stores work on the migrated schema
    Wacanda w = ctx.getBean(Wacanda.class);
    w.integrations().create(TenantId.of("acme"), "custom", "Migrated by Boot", Map.of());
    assertThat(w.integrations().list(TenantId.of("acme"))).hasSize(1);
  }

  @Test
  void actuatorsFlywayEndpointListsBothFlyways() {
    h2().withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
            FlywayEndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=flyway")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(FlywayEndpoint.class);
          Map<String, FlywayEndpoint.FlywayDescriptor> flyways = ctx.getBean(FlywayEndpoint.class)
              .flywayBeans().getContexts().get(ctx.getId()).getFlywayBeans();
          assertThat(flyways).containsOnlyKeys("flyway", "wacandaFlyway");
          assertThat(flyways.get("wacandaFlyway").getMigrations())
              .extracting(FlywayEndpoint.FlywayMigrationDescriptor::getScript)
              .contains("V1__wacanda_schema.sql", "V3__knowledge_sources.sql");
          assertThat(flyways.get("flyway").getMigrations())
              .extracting(FlywayEndpoint.FlywayMigrationDescriptor::getScript)
              .containsExactly("V1__host.sql");
        });
  }

  @Test
  void migrateOffLeavesWacandasSchemaAsItsOwnerLeftIt() {
    String url = "jdbc:h2:mem:owner_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    // an earlier release migrated the host's schema, and Wacanda's up to V1 only
    org.h2.jdbcx.JdbcDataSource owner = new org.h2.jdbcx.JdbcDataSource();
    owner.setURL(url);
    owner.setUser("sa");
    Flyway.configure().dataSource(owner).load().migrate();
    JdbcStores.flywayConfiguration(owner).target("1").load().migrate();

    runner(url, "sa", "").withPropertyValues("wacanda.jdbc.migrate=false").run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(JdbcStores.class)
          .doesNotHaveBean("wacandaFlyway").doesNotHaveBean("wacandaFlywayInitializer");
      JdbcTemplate jdbc = new JdbcTemplate(ctx.getBean(DataSource.class));
      assertThat(scripts(jdbc, JdbcStores.SCHEMA_HISTORY_TABLE))
          .containsExactly("V1__wacanda_schema.sql"); // V3 not applied
      assertThat(scripts(jdbc, "flyway_schema_history")).containsExactly("V1__host.sql");
    });
  }

  @Test
  void aHostAddingFlywayToADatabaseWithWacandasTablesBaselinesAsTheReadmeSays() {
    String url = "jdbc:h2:mem:late_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    org.h2.jdbcx.JdbcDataSource earlier = new org.h2.jdbcx.JdbcDataSource();
    earlier.setURL(url);
    earlier.setUser("sa");
    JdbcStores.flywayConfiguration(earlier).load().migrate(); // Wacanda ran without host Flyway

    runner(url, "sa", "").run(ctx -> assertThat(ctx).getFailure()
        .hasStackTraceContaining("but no schema history table"));
    runner(url, "sa", "").withPropertyValues("spring.flyway.baseline-on-migrate=true",
        "spring.flyway.baseline-version=0").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(scripts(new JdbcTemplate(ctx.getBean(DataSource.class)),
              "flyway_schema_history")).containsExactly("V1__host.sql");
        });
  }

  @Test
  void migrateOffOnAnEmptyDatabaseCreatesNothingOfWacandas() {
    String url = "jdbc:h2:mem:empty_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    runner(url, "sa", "").withPropertyValues("wacanda.jdbc.migrate=false")
        // nothing made Wacanda's tables: the knowledge follower's first read fails on them
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("KB_REVISIONS"));

    assertThat(tables(url)).containsExactlyInAnyOrder("FLYWAY_SCHEMA_HISTORY", "HOST_CUSTOMERS");
  }

  @Test
  void aHostMigrationStrategyRunsWacandasMigrationToo() {
    List<String> seen = new CopyOnWriteArrayList<>();
    h2().withBean(FlywayMigrationStrategy.class, () -> flyway -> {
      seen.add(flyway.getConfiguration().getTable());
      flyway.migrate();
    }).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      // Boot's first, then Wacanda's (which runs after every other Flyway initializer)
      assertThat(seen).containsExactly("flyway_schema_history",
          JdbcStores.SCHEMA_HISTORY_TABLE);
      assertThat(scripts(new JdbcTemplate(ctx.getBean(DataSource.class)),
          JdbcStores.SCHEMA_HISTORY_TABLE)).contains("V1__wacanda_schema.sql");
    });
  }

  @Test
  void aHostStrategyThatSkipsMigrationSkipsWacandasToo() {
    String url = "jdbc:h2:mem:skip_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    runner(url, "sa", "").withBean(FlywayMigrationStrategy.class, () -> flyway -> { })
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("KB_REVISIONS"));

    assertThat(tables(url)).isEmpty();
  }

  /** A host bean that takes a Flyway if there is one to inject. */
  @Configuration(proxyBeanMethods = false)
  static class HostMaybeUsingFlyway {
    @Bean
    HostFlywayUser hostFlywayUser(ObjectProvider<Flyway> flyway) {
      return new HostFlywayUser(flyway.getIfAvailable());
    }
  }

  @Test
  void withBootsFlywayOffWacandaStillMigratesAndNoFlywayIsInjected() {
    h2().withPropertyValues("spring.flyway.enabled=false")
        .withUserConfiguration(HostMaybeUsingFlyway.class).run(ctx -> {
      assertThat(ctx).hasNotFailed().doesNotHaveBean("flyway");
      assertThat(ctx.getBean(HostFlywayUser.class).flyway()).isNull();
      JdbcTemplate jdbc = new JdbcTemplate(ctx.getBean(DataSource.class));
      assertThat(scripts(jdbc, JdbcStores.SCHEMA_HISTORY_TABLE))
          .contains("V1__wacanda_schema.sql", "V3__knowledge_sources.sql");
      assertThat(tables(jdbc)).doesNotContain("FLYWAY_SCHEMA_HISTORY", "HOST_CUSTOMERS");
    });
  }

  private static List<String> scripts(JdbcTemplate jdbc, String historyTable) {
    return jdbc.queryForList("SELECT \"script\" FROM \"" + historyTable + "\" WHERE \"type\" = "
        + "'SQL' AND \"success\" ORDER BY \"installed_rank\"", String.class);
  }

  private static List<String> tables(JdbcTemplate jdbc) {
    return jdbc.queryForList("SELECT UPPER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE "
        + "UPPER(TABLE_SCHEMA) = 'PUBLIC'", String.class);
  }

  private static List<String> tables(String h2Url) {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL(h2Url);
    ds.setUser("sa");
    return tables(new JdbcTemplate(ds));
  }

  // ------------------------------------------------------------------ PostgreSQL

  /**
   * A fresh database on the server named by {@code WACANDA_TEST_PG_URL} (as wacanda-jdbc's tests
   * use it); skips without one unless {@code WACANDA_TEST_PG_REQUIRED=true}.
   */
  private static String postgresDatabase() throws SQLException {
    String admin = System.getenv("WACANDA_TEST_PG_URL");
    if (admin == null || admin.isBlank()) {
      if ("true".equals(System.getenv().getOrDefault("WACANDA_TEST_PG_REQUIRED", "")
          .toLowerCase(Locale.ROOT))) {
        throw new IllegalStateException("WACANDA_TEST_PG_REQUIRED is true but "
            + "WACANDA_TEST_PG_URL is not set");
      }
      Assumptions.abort("SKIPPED PostgreSQL test: set WACANDA_TEST_PG_URL, WACANDA_TEST_PG_USER, "
          + "WACANDA_TEST_PG_PASSWORD (.ci/run does)");
    }
    String name = "wacanda_s_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin, pgUser(), pgPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    int slash = admin.lastIndexOf('/');
    int query = admin.indexOf('?', slash);
    return admin.substring(0, slash + 1) + name + (query < 0 ? "" : admin.substring(query));
  }

  private static void dropPostgresDatabase(String url) throws SQLException {
    String admin = System.getenv("WACANDA_TEST_PG_URL");
    String name = url.substring(url.lastIndexOf('/') + 1).split("\\?")[0];
    try (Connection c = DriverManager.getConnection(admin, pgUser(), pgPassword());
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static String pgUser() {
    return System.getenv().getOrDefault("WACANDA_TEST_PG_USER", "wacanda");
  }

  private static String pgPassword() {
    return System.getenv().getOrDefault("WACANDA_TEST_PG_PASSWORD", "");
  }
}
