package io.wacanda.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wacanda.TenantId;
import io.wacanda.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysAndAdminTokensTest {

  @Test
  void generatesDistinctPrefixedKeysAndStableHashes() {
    String a = ApiKeys.generate();
    String b = ApiKeys.generate();
    assertThat(a).startsWith("wk_").hasSizeGreaterThan(40).isNotEqualTo(b);
    assertThat(ApiKeys.hash(a)).hasSize(64).isEqualTo(ApiKeys.hash(a)).isNotEqualTo(ApiKeys.hash(b));
    assertThat(ApiKeys.prefix(a)).hasSize(10);
  }

  @Test
  void mapsBearerTokensToTenantsAndRefusesOthers() {
    StaticTokenAdminAuthenticator auth =
        StaticTokenAdminAuthenticator.of("a-very-long-admin-token", TenantId.of("t1"));
    assertThat(auth.authenticate(withAuth("Bearer a-very-long-admin-token")))
        .hasValueSatisfying(p -> assertThat(p.tenant()).isEqualTo(TenantId.of("t1")));
    assertThat(auth.authenticate(withAuth("bearer a-very-long-admin-token"))).isPresent();
    assertThat(auth.authenticate(withAuth("Bearer wrong-token-but-long"))).isEmpty();
    assertThat(auth.authenticate(withAuth("Basic abc"))).isEmpty();
    assertThat(auth.authenticate(HttpRequest.of("GET", "/admin"))).isEmpty();
    assertThat(auth.toString()).doesNotContain("a-very-long-admin-token");
  }

  private static HttpRequest withAuth(String value) {
    return new HttpRequest("GET", "/admin", Map.of(), Map.of("authorization", List.of(value)),
        new byte[0], "");
  }
}
