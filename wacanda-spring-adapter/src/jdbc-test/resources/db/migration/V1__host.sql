-- A host application's own Flyway migration, in Spring Boot's default location.
CREATE TABLE host_customers (
  id    BIGINT NOT NULL PRIMARY KEY,
  name  VARCHAR(200) NOT NULL
);
