package io.wacanda.spring;

import io.wacanda.TenantId;
import io.wacanda.security.AdminAuthenticator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Security present: admin calls are authenticated by Spring Security (the admin token still
 * works as a fallback), and a filter chain for Wacanda's paths keeps webhooks and the external API
 * open (platform signatures and integration keys authenticate them; a login or a CSRF token would
 * break every platform) while admin calls get HTTP Basic, the host's login session, and CSRF
 * protection unless they carry a bearer token.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(SecurityContextHolder.class)
class WacandaSecurityConfiguration {

  @Bean
  @ConditionalOnMissingBean
  AdminTenantResolver wacandaAdminTenantResolver(WacandaProperties properties) {
    TenantId tenant = TenantId.of(properties.getAdmin().getTenant());
    return authentication -> Optional.of(tenant);
  }

  @Bean
  @ConditionalOnMissingBean
  AdminAuthenticator wacandaAdminAuthenticator(AdminTenantResolver resolver,
      WacandaProperties properties) {
    return new SpringSecurityAdminAuthenticator(resolver,
        WacandaAutoConfiguration.tokenAuthenticator(properties, true));
  }

  /** The filter chain for Wacanda's paths, ordered before Spring Boot's default one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBean(HttpSecurity.class)
  @ConditionalOnProperty(prefix = "wacanda.security", name = "filter-chain",
      matchIfMissing = true)
  static class FilterChainConfiguration {

    @Bean
    @Order(SecurityProperties.BASIC_AUTH_ORDER - 10)
    @ConditionalOnMissingBean(name = "wacandaSecurityFilterChain")
    SecurityFilterChain wacandaSecurityFilterChain(HttpSecurity http,
        WacandaProperties properties) throws Exception {
      String base = WacandaAutoConfiguration.basePath(properties);
      http.securityMatcher(WacandaWebConfiguration.patterns(base).toArray(new String[0]))
          // Wacanda's handler decides: 401 in its envelope for admin calls without a user.
          .authorizeHttpRequests(a -> a.anyRequest().permitAll())
          .httpBasic(b -> b.authenticationEntryPoint((req, res, e) ->
              envelope(res, 401, "UNAUTHORIZED", "bad credentials")))
          .csrf(c -> c.requireCsrfProtectionMatcher(new AdminCsrfMatcher(base))
              .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
              .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
          .addFilterAfter(new CsrfCookieFilter(), CsrfFilter.class)
          .requestCache(r -> r.disable())
          .exceptionHandling(e -> e.accessDeniedHandler((req, res, ex) ->
              envelope(res, 403, "FORBIDDEN", "missing or invalid CSRF token: send the "
                  + "XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header")));
      return http.build();
    }
  }

  static void envelope(HttpServletResponse response, int status, String code, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json; charset=utf-8");
    response.getOutputStream().write(("{\"success\":false,\"error\":{\"code\":\"" + code
        + "\",\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * CSRF applies to unsafe admin calls that may carry ambient credentials (a session cookie,
   * cached Basic credentials); calls with a bearer token, which browsers never attach on their
   * own, and webhook and external API calls are exempt.
   */
  static final class AdminCsrfMatcher implements RequestMatcher {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private final String adminPrefix;

    AdminCsrfMatcher(String basePath) {
      this.adminPrefix = basePath + "/admin";
    }

    @Override
    public boolean matches(HttpServletRequest request) {
      if (SAFE.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
        return false;
      }
      String path = request.getRequestURI().substring(request.getContextPath().length());
      if (!path.equals(adminPrefix) && !path.startsWith(adminPrefix + "/")) {
        return false;
      }
      String auth = request.getHeader("Authorization");
      return auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7);
    }
  }

  /** Loads the deferred CSRF token so the XSRF-TOKEN cookie reaches browser consoles. */
  static final class CsrfCookieFilter extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
        FilterChain chain) throws ServletException, IOException {
      CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
      if (token != null) {
        token.getToken();
      }
      chain.doFilter(request, response);
    }
  }
}
