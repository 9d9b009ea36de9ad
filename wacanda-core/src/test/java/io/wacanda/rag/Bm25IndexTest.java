package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import org.junit.jupiter.api.Test;

class Bm25IndexTest {

  private static final TenantId A = TenantId.of("a");
  private static final TenantId B = TenantId.of("b");

  @Test
  void ranksPassagesByRareMatchingTermsFirst() {
    Bm25Index index = Bm25Index.create();
    index.add(A, "orders", "Your order ships when the order is paid. Order history is online.");
    index.add(A, "refunds", "A refund for your order is paid in 5 days.");
    index.add(A, "accounts", "Reset your password from the sign-in page.");

    assertThat(index.search(A, "order refund", 3)).extracting(Bm25Index.Hit::chunkId)
        .containsExactly("refunds", "orders");
    assertThat(index.search(A, "Refunded?", 3)).extracting(Bm25Index.Hit::chunkId)
        .containsExactly("refunds");
    assertThat(index.search(A, "the and of", 3)).isEmpty();
    assertThat(index.search(A, "order", 1)).hasSize(1);
  }

  @Test
  void normalizesScoresByTheQuerysCeilingSoPartialMatchesScoreLess() {
    Bm25Index index = Bm25Index.create();
    index.add(A, "amex", "We accept American Express cards.");
    index.add(A, "visa", "We accept Visa cards and PayPal.");
    index.add(A, "hours", "Our opening hours are 9 to 5.");

    Bm25Index.Scores both = index.scores(A, TextAnalyzer.stems("American Express"), null);
    Bm25Index.Scores half = index.scores(A, TextAnalyzer.stems("American Airlines"), null);

    // ceiling = sum of idf * (k1 + 1) over the distinct query terms, matched or not
    double idfAmerican = index.idf(A, "american");
    double idfAirlines = index.idf(A, "airlin");
    assertThat(half.ceiling()).isCloseTo((idfAmerican + idfAirlines) * 2.2,
        org.assertj.core.api.Assertions.within(1e-9));
    assertThat(both.normalized("amex")).isBetween(0.3, 1.0).isLessThan(1.0);
    // the same passage matching half of a question scores about half as much after normalizing,
    // though its best raw score is the query's top score in both cases
    assertThat(half.normalized("amex")).isLessThan(both.normalized("amex") * 0.6)
        .isGreaterThan(0);
    assertThat(both.normalized("hours")).isZero();
    assertThat(both.byChunk()).containsOnlyKeys("amex");
    assertThat(index.scores(A, TextAnalyzer.stems("American"), id -> !id.equals("amex"))
        .byChunk()).isEmpty();
    assertThat(index.scores(TenantId.of("none"), TextAnalyzer.stems("cards"), null).ceiling())
        .isZero();
  }

  @Test
  void replacesAPassageAddedAgainAndForgetsRemovedOnes() {
    Bm25Index index = Bm25Index.create();
    index.add(A, "x", "parcel tracking");
    index.add(A, "x", "gift cards");
    index.add(A, "y", "gift wrapping");

    assertThat(index.search(A, "parcel", 5)).isEmpty();
    assertThat(index.size(A)).isEqualTo(2);

    index.remove(A, "y");
    index.remove(A, "never-added");

    assertThat(index.search(A, "gift", 5)).extracting(Bm25Index.Hit::chunkId).containsExactly("x");

    index.clear(A);

    assertThat(index.size(A)).isZero();
    assertThat(index.search(A, "gift", 5)).isEmpty();
  }

  @Test
  void neverReturnsAnotherTenantsPassages() {
    Bm25Index index = Bm25Index.create();
    index.add(A, "a1", "secret discount code for tenant a");
    index.add(B, "b1", "public opening hours");

    assertThat(index.search(B, "secret discount code", 5)).isEmpty();
    assertThat(index.search(TenantId.of("c"), "secret", 5)).isEmpty();
    index.remove(B, "a1");
    assertThat(index.size(A)).isEqualTo(1);
  }

  @Test
  void breaksTiesByChunkId() {
    Bm25Index index = Bm25Index.create();
    index.add(A, "b", "voucher");
    index.add(A, "a", "voucher");
    index.add(A, "c", "voucher");

    assertThat(index.search(A, "voucher", 2)).extracting(Bm25Index.Hit::chunkId)
        .containsExactly("a", "b");
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> Bm25Index.builder().k1(-1)).isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> Bm25Index.builder().b(1.5)).isInstanceOf(WacandaException.class);
    assertThat(Bm25Index.builder().k1(2).b(0.5).build().search(A, "x", 3)).isEmpty();
  }
}
