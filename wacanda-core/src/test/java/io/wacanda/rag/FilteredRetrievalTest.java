package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.conversation.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Metadata filters, retrieval modes, binary documents and model calibration. */
class FilteredRetrievalTest {

  private static final TenantId T = TenantId.of("t");
  private DefaultRagEngine rag;

  @BeforeEach
  void setUp() {
    rag = DefaultRagEngine.builder().build();
    rag.ingest(T, new Document("eu-returns", "Returns in Europe", "https://help.example.com/eu/returns",
        "text/plain", "You can return any item within 30 days of delivery for a full refund.",
        Map.of(Document.TAGS, "returns, EU", "region", "eu")));
    rag.ingest(T, new Document("us-returns", "Returns in the US", "https://help.example.com/us/returns",
        "text/plain", "You can return any item within 60 days of delivery for a full refund.",
        Map.of(Document.TAGS, "returns,us", "region", "us")));
    rag.ingest(T, new Document("shipping", "Shipping", "kb/shipping.md", "text/plain",
        "Standard delivery takes 3 to 5 working days; express delivery 1 to 2.",
        Map.of(Document.TAGS, "shipping")));
  }

  private List<String> ids(RetrievalFilter filter) {
    return rag.search(T, "how many days to return an item for a refund", 10,
        RetrievalMode.HYBRID, filter).stream().map(Source::documentId).distinct().toList();
  }

  @Test
  void filtersBySourcePrefixDocumentTagAndMetadata() {
    assertThat(ids(RetrievalFilter.none())).contains("eu-returns", "us-returns");
    assertThat(ids(RetrievalFilter.builder().sources("https://help.example.com/us/").build()))
        .containsExactly("us-returns");
    assertThat(ids(RetrievalFilter.builder().documentIds("eu-returns").build()))
        .containsExactly("eu-returns");
    assertThat(ids(RetrievalFilter.builder().tags("eu").build())).containsExactly("eu-returns");
    assertThat(ids(RetrievalFilter.builder().tags("US", "shipping").build()))
        .containsExactlyInAnyOrder("us-returns", "shipping");
    assertThat(ids(RetrievalFilter.builder().metadata("region", "us").build()))
        .containsExactly("us-returns");
    assertThat(ids(RetrievalFilter.builder().metadata("region", "asia").build())).isEmpty();
  }

  @Test
  void answersFromFilteredPassagesOnly() {
    Answer us = rag.answer(T, "How long do I have to return an item?", List.of(),
        RetrievalFilter.builder().metadata("region", "us").build());
    Answer eu = rag.answer(T, "How long do I have to return an item?", List.of(),
        RetrievalFilter.builder().metadata("region", "eu").build());

    assertThat(us.sources()).extracting(Source::documentId).containsOnly("us-returns");
    assertThat(us.text()).contains("60 days");
    assertThat(eu.text()).contains("30 days");
  }

  @Test
  void filtersWalkTheGraphWhenTheyAcceptManyPassages() {
    DefaultRagEngine graph = DefaultRagEngine.builder().exactFilterLimit(10).build();
    DefaultRagEngine exact = DefaultRagEngine.builder().exactFilterLimit(100_000).build();
    for (int i = 0; i < 400; i++) {
      Document d = new Document("d" + i, "Note " + i, "kb/" + i, "text/plain",
          "Parcel number " + i + " travels with carrier " + (i % 7) + ".",
          Map.of("region", i % 2 == 0 ? "even" : "odd"));
      graph.ingest(T, d);
      exact.ingest(T, d);
    }
    RetrievalFilter even = RetrievalFilter.builder().metadata("region", "even").build();

    List<Source> hits = graph.search(T, "parcel number 234 carrier", 5, RetrievalMode.VECTOR,
        even);
    List<Source> truth = exact.search(T, "parcel number 234 carrier", 5, RetrievalMode.VECTOR,
        even);

    assertThat(hits).hasSize(5).extracting(Source::documentId)
        .allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 0);
    assertThat(hits.get(0).documentId()).isEqualTo(truth.get(0).documentId());
    assertThat(hits).extracting(Source::documentId)
        .containsAnyElementsOf(truth.stream().map(Source::documentId).toList());
  }

  @Test
  void searchesByModeAndReportsWherePassagesSit() {
    rag.ingest(T, Document.of("guide", "Guide", "kb/guide.md", "text/markdown",
        "# Guide\n\n## Gift cards\n\nGift cards never expire and can be used online."));

    List<Source> lexical = rag.search(T, "gift cards expire", 3, RetrievalMode.LEXICAL,
        RetrievalFilter.none());
    List<Source> vector = rag.search(T, "gift cards expire", 3, RetrievalMode.VECTOR,
        RetrievalFilter.none());

    assertThat(lexical.get(0).documentId()).isEqualTo("guide");
    assertThat(lexical.get(0).headingPath()).isEqualTo("Guide > Gift cards");
    assertThat(lexical.get(0).chunkId()).isEqualTo("guide#0");
    assertThat(lexical.get(0).position()).isZero();
    assertThat(lexical.get(0).score()).isGreaterThan(1.0); // a BM25 score, not a cosine
    assertThat(vector.get(0).documentId()).isEqualTo("guide");
    assertThat(vector.get(0).score()).isBetween(0.0, 1.0);
    assertThatThrownBy(() -> rag.search(T, "x", 0, RetrievalMode.HYBRID, RetrievalFilter.none()))
        .isInstanceOf(WacandaException.class);
  }

  @Test
  void aRagEngineThatCannotFilterRefusesFiltersButAnswersWithout() {
    RagEngine plain = new RagEngine() {
      @Override
      public IngestResult ingest(TenantId tenant, Document document) {
        return new IngestResult(document.id(), 0, false);
      }

      @Override
      public Answer answer(TenantId tenant, String question, List<ChatMessage> history) {
        return new Answer("plain", List.of(), 1, Optional.empty());
      }

      @Override
      public boolean delete(TenantId tenant, String documentId) {
        return false;
      }
    };

    assertThat(plain.answer(T, "q", List.of(), RetrievalFilter.none()).text()).isEqualTo("plain");
    assertThatThrownBy(() -> plain.answer(T, "q", List.of(),
        RetrievalFilter.builder().tags("x").build()))
        .isInstanceOf(WacandaException.class).hasMessageContaining("cannot filter");
  }

  @Test
  void binaryDocumentsGoToTheParserOfTheirTypeAndAreHashedByTheirBytes() {
    List<Document> parsed = new ArrayList<>();
    DocumentParser reversed = new DocumentParser() {
      @Override
      public boolean supports(String mediaType) {
        return mediaType.equals("application/x-reversed");
      }

      @Override
      public ParsedDocument parse(Document document) {
        parsed.add(document);
        String text = new StringBuilder(new String(document.bytes(), StandardCharsets.UTF_8))
            .reverse().toString();
        return new ParsedDocument("Reversed", List.of(new ParsedDocument.Section(List.of(),
            text)));
      }
    };
    DefaultRagEngine engine = DefaultRagEngine.builder()
        .parsers(DocumentParsers.defaults().with(reversed)).maxDocumentBytes(64).build();
    byte[] bytes = ".syad 09 rof eerf era snruteR".getBytes(StandardCharsets.UTF_8);

    IngestResult first = engine.ingest(T, Document.ofBytes("r", "", "r.bin",
        "application/x-reversed", bytes, Map.of()));
    IngestResult again = engine.ingest(T, Document.ofBytes("r", "", "r.bin",
        "application/x-reversed", bytes, Map.of()));
    bytes[0] = ' ';
    IngestResult changed = engine.ingest(T, Document.ofBytes("r", "", "r.bin",
        "application/x-reversed", bytes, Map.of()));

    assertThat(first.unchanged()).isFalse();
    assertThat(again.unchanged()).isTrue();
    assertThat(changed.unchanged()).isFalse();
    assertThat(parsed).hasSize(2);
    assertThat(engine.answer(T, "how long are returns free", List.of()).text())
        .contains("Returns are free for 90 days");
    assertThatThrownBy(() -> engine.ingest(T, Document.ofBytes("big", "", "", "application/"
        + "x-reversed", new byte[65], Map.of())))
        .isInstanceOf(WacandaException.class).hasMessageContaining("maxDocumentBytes");
  }

  @Test
  void takesScoreThresholdsFromTheEmbeddingModelUnlessSetExplicitly() {
    EmbeddingModel calibrated = new EmbeddingModel() {
      private final HashingEmbeddingModel inner = HashingEmbeddingModel.create();

      @Override
      public int dimension() {
        return inner.dimension();
      }

      @Override
      public float[] embed(String text) {
        return inner.embed(text);
      }

      @Override
      public Optional<Calibration> calibration() {
        return Optional.of(new Calibration(0.3, 0.6, 0.2));
      }
    };

    DefaultRagEngine fromModel = DefaultRagEngine.builder().embeddingModel(calibrated).build();
    DefaultRagEngine explicit = DefaultRagEngine.builder().embeddingModel(calibrated)
        .minScore(0.1).confidentScore(0.5).build();

    assertThat(fromModel.confidence(0.29)).isZero();
    assertThat(fromModel.confidence(0.3)).isEqualTo(0.2);
    assertThat(fromModel.confidence(0.6)).isEqualTo(1.0);
    assertThat(explicit.confidence(0.1)).isEqualTo(0.2);
    assertThatThrownBy(() -> new EmbeddingModel.Calibration(0.5, 0.4))
        .isInstanceOf(WacandaException.class);
    assertThatThrownBy(() -> new EmbeddingModel.Calibration(0.1, 0.4, 1.5))
        .isInstanceOf(WacandaException.class);
    assertThat(new EmbeddingModel.Calibration(0.1, 0.4).lexicalWeight()).isEqualTo(1.0);
  }
}
