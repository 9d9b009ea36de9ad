package io.wacanda.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UrlGuardTest {
  /** Resolves names from a fixed table; never touches DNS. */
  private static final UrlGuard.Resolver TABLE = host -> switch (host) {
    case "public.example" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
    case "rebind.example" -> new InetAddress[] {InetAddress.getByName("93.184.216.34"),
        InetAddress.getByName("10.0.0.5")};
    case "meta.example" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
    default -> InetAddress.getAllByName(host); // literals only in these tests
  };

  private final UrlGuard strict = UrlGuard.builder().resolver(TABLE).build();

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1/x", "http://localhost:8080/", "http://[::1]/", "http://10.1.2.3/",
      "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
      "http://[fe80::1]/", "http://[fd00::1]/", "http://0.0.0.0/", "http://100.64.0.1/",
      "http://[::ffff:127.0.0.1]/", "http://meta.example/", "http://rebind.example/"})
  void refusesInternalAddresses(String url) {
    assertThatThrownBy(() -> strict.check(url)).isInstanceOf(WacandaException.class)
        .extracting(e -> ((WacandaException) e).code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://public.example/", "file:///etc/passwd", "gopher://x/",
      "not a url", "http:///nohost"})
  void refusesNonHttpOrMalformedUrls(String url) {
    assertThatThrownBy(() -> strict.check(url)).isInstanceOf(WacandaException.class);
  }

  @Test
  void refusesCredentialsInTheUrl() {
    assertThatThrownBy(() -> strict.check("https://user:pass@public.example/"))
        .hasMessageNotContaining("pass");
  }

  @Test
  void allowsPublicAddresses() {
    assertThat(strict.check("https://public.example/hook").getHost()).isEqualTo("public.example");
  }

  @Test
  void allowsLoopbackOnlyWhenTheHostSaysSo() {
    UrlGuard dev = UrlGuard.builder().allowLoopback(true).resolver(TABLE).build();
    assertThat(dev.check("http://127.0.0.1:9000/").getPort()).isEqualTo(9000);
    assertThatThrownBy(() -> dev.check("http://10.0.0.1/")).isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> dev.check("http://169.254.169.254/")).isInstanceOf(WacandaException.class);
  }

  @Test
  void allowsListedHostsWhateverTheyResolveTo() {
    UrlGuard g = UrlGuard.builder().allowHosts(Set.of("Intranet.local")).resolver(TABLE).build();
    assertThat(g.check("http://intranet.local/x").getHost()).isEqualTo("intranet.local");
  }

  @Test
  void reportsHostsThatDoNotResolve() {
    UrlGuard g = UrlGuard.builder().resolver(h -> {
      throw new java.net.UnknownHostException(h);
    }).build();
    assertThatThrownBy(() -> g.check("http://nowhere.invalid/")).hasMessageContaining("does not resolve");
  }
}
