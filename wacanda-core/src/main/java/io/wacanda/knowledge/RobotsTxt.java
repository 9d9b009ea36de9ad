package io.wacanda.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of a robots.txt (RFC 9309) for one user agent: the group naming the agent's product
 * token (longest match wins), else the {@code *} group; {@code Allow} and {@code Disallow} with
 * {@code *} and {@code $} wildcards, the longest matching rule deciding and {@code Allow} winning
 * ties; an empty {@code Disallow} allows everything. {@code Crawl-delay} is read too. Immutable.
 */
final class RobotsTxt {

  private static final RobotsTxt ALLOW_ALL = new RobotsTxt(List.of(), 0);

  private record Rule(String pattern, boolean allow) {}

  private final List<Rule> rules;
  private final double crawlDelaySeconds;

  private RobotsTxt(List<Rule> rules, double crawlDelaySeconds) {
    this.rules = List.copyOf(rules);
    this.crawlDelaySeconds = crawlDelaySeconds;
  }

  /** Everything allowed: no robots.txt (404) or an unreadable one. */
  static RobotsTxt allowAll() {
    return ALLOW_ALL;
  }

  /**
   * Parses a robots.txt.
   *
   * @param agentToken the crawler's product token, such as {@code wacanda}
   */
  static RobotsTxt parse(String text, String agentToken) {
    String agent = agentToken.toLowerCase(Locale.ROOT);
    List<Rule> starRules = new ArrayList<>();
    List<Rule> ownRules = new ArrayList<>();
    double starDelay = 0;
    double ownDelay = 0;
    int ownMatch = -1;
    boolean inStar = false;
    int inOwn = -1;
    boolean groupHasRules = true;
    for (String raw : text.split("\r\n|\r|\n")) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "user-agent" -> {
          if (groupHasRules) {
            inStar = false;
            inOwn = -1;
            groupHasRules = false;
          }
          String ua = value.toLowerCase(Locale.ROOT);
          if (ua.equals("*")) {
            inStar = true;
          } else if (!ua.isEmpty() && agent.startsWith(ua)) {
            if (ua.length() > ownMatch) {
              ownRules.clear();
              ownDelay = 0;
              ownMatch = ua.length();
            }
            if (ua.length() == ownMatch) {
              inOwn = ua.length();
            }
          }
        }
        case "allow", "disallow" -> {
          groupHasRules = true;
          boolean allow = key.equals("allow");
          if (value.isEmpty()) {
            continue; // "Disallow:" allows everything; an empty Allow says nothing
          }
          Rule rule = new Rule(value, allow);
          if (inOwn >= 0 && inOwn == ownMatch) {
            ownRules.add(rule);
          }
          if (inStar) {
            starRules.add(rule);
          }
        }
        case "crawl-delay" -> {
          groupHasRules = true;
          double d;
          try {
            d = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            continue;
          }
          if (inOwn >= 0 && inOwn == ownMatch) {
            ownDelay = d;
          }
          if (inStar) {
            starDelay = d;
          }
        }
        default -> {
          // sitemap and unknown lines do not end a group
        }
      }
    }
    if (ownMatch >= 0) {
      return new RobotsTxt(ownRules, Math.max(0, ownDelay));
    }
    return new RobotsTxt(starRules, Math.max(0, starDelay));
  }

  /**
   * Whether a path may be fetched.
   *
   * @param pathAndQuery the raw path with its query, such as {@code /help?page=2}
   */
  boolean allows(String pathAndQuery) {
    String path = pathAndQuery.isEmpty() ? "/" : pathAndQuery;
    int best = -1;
    boolean allowed = true;
    for (Rule r : rules) {
      if (matches(r.pattern, path)) {
        int length = r.pattern.length();
        if (length > best || length == best && r.allow) {
          best = length;
          allowed = r.allow;
        }
      }
    }
    return allowed;
  }

  /** The Crawl-delay in seconds, 0 when none. */
  double crawlDelaySeconds() {
    return crawlDelaySeconds;
  }

  /** Matches a robots pattern ({@code *} any run, {@code $} end) against a path prefix. */
  static boolean matches(String pattern, String path) {
    return match(pattern, 0, path, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        if (pi == p.length()) {
          return true;
        }
        for (int k = si; k <= s.length(); k++) {
          if (match(p, pi, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (c == '$' && pi == p.length() - 1) {
        return si == s.length();
      }
      if (si >= s.length() || s.charAt(si) != c) {
        return false;
      }
      pi++;
      si++;
    }
    return true;
  }
}
