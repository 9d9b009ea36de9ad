/**
 * The Spring Boot example: {@link io.wacanda.examples.springboot.SpringBootExample} runs Wacanda
 * through wacanda-spring-adapter with every channel module, loads a sample help centre, creates a
 * demo integration and serves the admin console (static files under {@code static/}) at the root.
 * Non-null by default.
 */
package io.wacanda.examples.springboot;
