package io.wacanda.spring;

import io.wacanda.http.WacandaHttpHandler;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Mounts the handler on Spring MVC under {@code wacanda.http.base-path}: the catch-all
 * {@link WacandaEndpoint}, the {@link EventStreams} behind {@code /admin/events}, and a filter
 * that lets the handler answer CORS pre-flights with its own allow-list.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "wacanda.http", name = "enabled", matchIfMissing = true)
class WacandaWebConfiguration {

  /** The paths Wacanda owns under a base path. */
  static List<String> patterns(String basePath) {
    return List.of(basePath + "/webhooks/**", basePath + "/external-api",
        basePath + "/external-api/**", basePath + "/admin", basePath + "/admin/**",
        basePath + "/health");
  }

  @Bean
  @ConditionalOnMissingBean
  EventStreams wacandaEventStreams(WacandaHttpHandler handler, WacandaProperties properties) {
    return new EventStreams(handler, properties.getHttp().getEvents());
  }

  @Bean
  @ConditionalOnMissingBean
  WacandaEndpoint wacandaEndpoint(WacandaHttpHandler handler, EventStreams streams,
      WacandaProperties properties) {
    return new WacandaEndpoint(handler, streams,
        WacandaAutoConfiguration.basePath(properties));
  }

  /**
   * Answers CORS pre-flights under Wacanda's paths with the handler's own allow-list, ahead of
   * Spring Security (pre-flights carry no credentials) and of Spring MVC (which would refuse a
   * pre-flight for a handler without its own CORS configuration).
   */
  @Bean
  FilterRegistrationBean<OncePerRequestFilter> wacandaPreflightFilter(WacandaEndpoint endpoint,
      WacandaProperties properties) {
    String base = WacandaAutoConfiguration.basePath(properties);
    OncePerRequestFilter filter = new OncePerRequestFilter() {
      @Override
      protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!CorsUtils.isPreFlightRequest(request)) {
          return true;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !owns(base, path);
      }

      @Override
      protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
          FilterChain chain) throws IOException {
        endpoint.preflight(request, response);
      }
    };
    FilterRegistrationBean<OncePerRequestFilter> registration =
        new FilterRegistrationBean<>(filter);
    registration.setName("wacandaPreflightFilter");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
    return registration;
  }

  /** Whether a path (without the servlet context path) is one of Wacanda's. */
  static boolean owns(String basePath, String path) {
    if (!path.startsWith(basePath + "/")) {
      return false;
    }
    String rest = path.substring(basePath.length());
    return rest.startsWith("/webhooks/") || rest.equals("/external-api")
        || rest.startsWith("/external-api/") || rest.equals("/admin") || rest.startsWith("/admin/")
        || rest.equals("/health");
  }
}
