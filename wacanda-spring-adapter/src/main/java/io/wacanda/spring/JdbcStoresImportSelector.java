package io.wacanda.spring;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Imports {@code JdbcStoresConfiguration} when this jar was built with it and wacanda-jdbc is on
 * the class path; otherwise nothing, and the in-memory stores apply. Runs before the in-memory
 * configuration, so the JDBC stores win.
 */
final class JdbcStoresImportSelector implements ImportSelector {
  static final String CONFIGURATION = "io.wacanda.spring.JdbcStoresConfiguration";
  static final String JDBC_STORES = "io.wacanda.jdbc.JdbcStores";

  @Override
  public String[] selectImports(AnnotationMetadata metadata) {
    ClassLoader cl = JdbcStoresImportSelector.class.getClassLoader();
    return ClassUtils.isPresent(CONFIGURATION, cl) && ClassUtils.isPresent(JDBC_STORES, cl)
        ? new String[] {CONFIGURATION} : new String[0];
  }
}
