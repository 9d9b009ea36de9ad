package io.wacanda.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RobotsTxtTest {

  @Test
  void usesTheGroupOfItsOwnTokenOverTheStarGroup() {
    RobotsTxt robots = RobotsTxt.parse("""
        User-agent: *
        Disallow: /

        User-agent: WacandaBot
        Disallow: /private/
        Crawl-delay: 2
        """, "wacandabot");

    assertThat(robots.allows("/help/returns")).isTrue();
    assertThat(robots.allows("/private/keys")).isFalse();
    assertThat(robots.crawlDelaySeconds()).isEqualTo(2.0);
  }

  @Test
  void fallsBackToTheStarGroupAndCombinesGroupsOfOneAgent() {
    RobotsTxt robots = RobotsTxt.parse("""
        # comment
        User-agent: googlebot
        Disallow: /only-google-is-kept-out

        User-agent: *
        Disallow: /admin
        User-agent: otherbot
        Disallow: /tmp

        User-agent: *
        Disallow: /cart
        """, "wacandabot");

    assertThat(robots.allows("/only-google-is-kept-out")).isTrue();
    assertThat(robots.allows("/admin/users")).isFalse();
    assertThat(robots.allows("/tmp/x")).isTrue(); // that rule is otherbot's
    assertThat(robots.allows("/cart")).isFalse();
    assertThat(robots.allows("/help")).isTrue();
  }

  @Test
  void theLongestMatchDecidesAndAllowWinsTies() {
    RobotsTxt robots = RobotsTxt.parse("""
        User-agent: *
        Disallow: /help/
        Allow: /help/public/
        Disallow: /*.pdf$
        Allow: /same
        Disallow: /same
        """, "wacandabot");

    assertThat(robots.allows("/help/internal")).isFalse();
    assertThat(robots.allows("/help/public/returns")).isTrue();
    assertThat(robots.allows("/files/manual.pdf")).isFalse();
    assertThat(robots.allows("/files/manual.pdf?download=1")).isTrue();
    assertThat(robots.allows("/same")).isTrue();
  }

  @Test
  void anEmptyDisallowAllowsEverything() {
    RobotsTxt robots = RobotsTxt.parse("User-agent: *\nDisallow:\n", "wacandabot");

    assertThat(robots.allows("/anything")).isTrue();
    assertThat(RobotsTxt.allowAll().allows("/")).isTrue();
  }

  @Test
  void matchesWildcards() {
    assertThat(RobotsTxt.matches("/*/print", "/help/print")).isTrue();
    assertThat(RobotsTxt.matches("/*?session=", "/a?session=1")).isTrue();
    assertThat(RobotsTxt.matches("/a$", "/a/b")).isFalse();
    assertThat(RobotsTxt.matches("/a", "/b")).isFalse();
  }
}
