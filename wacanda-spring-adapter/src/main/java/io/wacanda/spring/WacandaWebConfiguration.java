package io.wacanda.spring;

import io.wacanda.http.WacandaHttpHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.handler.MappedInterceptor;

/**
 * Mounts the handler on Spring MVC under {@code wacanda.http.base-path}: the catch-all
 * {@link WacandaEndpoint}, the {@link EventStreams} behind {@code /admin/events}, and an
 * interceptor that lets the handler answer CORS pre-flights with its own allow-list.
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

  @Bean
  MappedInterceptor wacandaPreflightInterceptor(WacandaEndpoint endpoint,
      WacandaProperties properties) {
    String base = WacandaAutoConfiguration.basePath(properties);
    HandlerInterceptor preflight = new HandlerInterceptor() {
      @Override
      public boolean preHandle(HttpServletRequest request, HttpServletResponse response,
          Object handler) throws Exception {
        if (CorsUtils.isPreFlightRequest(request)) {
          endpoint.preflight(request, response);
          return false;
        }
        return true;
      }
    };
    return new MappedInterceptor(patterns(base).toArray(new String[0]), preflight);
  }
}
