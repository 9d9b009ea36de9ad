package io.wacanda.http;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Limits and policies of the HTTP layer; one set for every binding. Immutable; built with
 * {@link #builder()}.
 */
public final class HttpOptions {
  /** Default largest accepted body: 1 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
  /** Default sustained external API requests per second per integration key: 50. */
  public static final double DEFAULT_RATE_PER_SECOND = 50;
  /** Default burst of external API requests per integration key: 100. */
  public static final int DEFAULT_RATE_BURST = 100;

  private final int maxBodyBytes;
  private final Set<String> allowedOrigins;
  private final double ratePerSecond;
  private final int rateBurst;

  private HttpOptions(Builder b) {
    this.maxBodyBytes = b.maxBodyBytes;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
    this.ratePerSecond = b.ratePerSecond;
    this.rateBurst = b.rateBurst;
  }

  public static HttpOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Origins allowed by CORS, lower case, e.g. {@code https://admin.example.com}; default none. */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  public double ratePerSecond() {
    return ratePerSecond;
  }

  public int rateBurst() {
    return rateBurst;
  }

  public static final class Builder {
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Set<String> allowedOrigins = Set.of();
    private double ratePerSecond = DEFAULT_RATE_PER_SECOND;
    private int rateBurst = DEFAULT_RATE_BURST;

    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024 || bytes > (64 << 20)) {
        throw new IllegalArgumentException("maxBodyBytes must be 1 KiB..64 MiB, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    public Builder allowedOrigins(Set<String> origins) {
      for (String o : origins) {
        if (!o.matches("https?://[^/\\s]+") && !o.equals("*")) {
          throw new IllegalArgumentException("allowed origin must be scheme://host[:port], was " + o);
        }
      }
      this.allowedOrigins = origins.stream().map(o -> o.toLowerCase(Locale.ROOT))
          .collect(Collectors.toUnmodifiableSet());
      return this;
    }

    /** Sustained rate and burst per integration key. */
    public Builder rateLimit(double perSecond, int burst) {
      if (!(perSecond > 0) || burst < 1) {
        throw new IllegalArgumentException("rate limit needs perSecond > 0 and burst >= 1");
      }
      this.ratePerSecond = perSecond;
      this.rateBurst = burst;
      return this;
    }

    public HttpOptions build() {
      Objects.requireNonNull(allowedOrigins);
      return new HttpOptions(this);
    }
  }
}
