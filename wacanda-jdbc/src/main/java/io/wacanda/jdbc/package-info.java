/**
 * Durable stores for every Wacanda SPI on plain JDBC: PostgreSQL for production and several
 * instances sharing one database, H2 as the embedded default. {@link io.wacanda.jdbc.JdbcStores}
 * migrates the schema (Flyway, scripts under {@code db/wacanda} in this jar, own history table)
 * and creates the stores; on PostgreSQL every transaction is scoped to a tenant or to the system
 * by a setting the row-level security policies read; the inbox is claimed with
 * {@code FOR UPDATE SKIP LOCKED}; the {@link io.wacanda.jdbc.KnowledgeFollower} keeps each
 * instance's knowledge indexes current. Non-null by default: absent results are
 * {@link java.util.Optional}, collections are empty.
 */
package io.wacanda.jdbc;
