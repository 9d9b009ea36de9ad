package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.channel.DeliveryState;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.MessageRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultRagEngineTest {

  private static final TenantId SHOP = TenantId.of("shop");
  private static final TenantId BANK = TenantId.of("bank");
  private static final Instant T0 = Instant.parse("2025-01-01T09:00:00Z");

  private static final Document RETURNS = Document.of("returns.md", "", "kb/returns.md",
      "text/markdown", """
          # Returns policy
          Returns: you can return items within 30 days of delivery for a full refund.
          Items must be unused and in their original packaging.

          ## Refund timing
          Refunds reach your card within 5 working days after we receive the parcel.
          """);
  private static final Document SHIPPING = Document.of("shipping.md", "Shipping", "kb/shipping.md",
      "text/markdown", """
          # Shipping
          We ship to 40 countries. Standard delivery takes 3 to 5 working days.
          Express delivery arrives the next working day.
          """);
  private static final Document PASSWORD = Document.of("password.html", "", "kb/password.html",
      "text/html", """
          <html><head><title>Forgotten password</title></head><body>
          <nav>Home</nav><h1>Forgotten password</h1>
          <p>Use the forgotten password link on the sign-in page to reset your password.</p>
          </body></html>""");

  private static ChatMessage message(MessageRole role, String text) {
    return new ChatMessage("m-" + text.hashCode(), SHOP, "s1", "i1", role, text, "", "",
        DeliveryState.SENT, "", T0);
  }

  /** A chat model that records prompts and answers with a fixed text. */
  private static final class RecordingChatModel implements ChatModel {
    final List<List<Turn>> prompts = new CopyOnWriteArrayList<>();

    @Override
    public Response chat(List<Turn> messages) {
      prompts.add(messages);
      return new Response("Model answer.", new ModelUsage("fake-model", 120, 8,
          Duration.ofMillis(42)));
    }
  }

  private static DefaultRagEngine engineWith(KnowledgeStore store) {
    return DefaultRagEngine.builder().knowledgeStore(store).build();
  }

  @Test
  void answersFromTheKnowledgeBaseQuotingItWithSourcesAndConfidence() {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingest(SHOP, RETURNS);
    engine.ingest(SHOP, SHIPPING);

    Answer answer = engine.answer(SHOP, "how do I return an item", List.of());

    assertThat(answer.text()).startsWith("Here is what I found in our help centre:")
        .contains("you can return items within 30 days")
        .endsWith("Source: Returns policy");
    assertThat(answer.sources()).isNotEmpty();
    Source top = answer.sources().get(0);
    assertThat(top.documentId()).isEqualTo("returns.md");
    assertThat(top.source()).isEqualTo("kb/returns.md");
    assertThat(top.title()).isEqualTo("Returns policy");
    assertThat(top.text()).contains("return items within 30 days");
    assertThat(top.score()).isBetween(0.2, 1.0);
    assertThat(answer.confidence()).isBetween(0.5, 1.0);
    assertThat(answer.usage()).isEmpty();
  }

  @Test
  void saysItDoesNotKnowWhenNothingRelevantIsFound() {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingest(SHOP, RETURNS);

    Answer answer = engine.answer(SHOP, "Who won the football match yesterday?", List.of());
    Answer greeting = engine.answer(SHOP, "Hello!", List.of());
    Answer empty = engine.answer(TenantId.of("new-tenant"), "return", List.of());

    for (Answer a : List.of(answer, greeting, empty)) {
      assertThat(a.text()).isEqualTo(DefaultRagEngine.DEFAULT_NO_ANSWER).contains("don't know");
      assertThat(a.sources()).isEmpty();
      assertThat(a.confidence()).isZero();
    }
  }

  @Test
  void derivesConfidenceFromTheBestCosine() {
    DefaultRagEngine engine = DefaultRagEngine.builder().minScore(0.1).confidentScore(0.5).build();

    assertThat(engine.confidence(0.05)).isZero();
    assertThat(engine.confidence(0.1)).isCloseTo(0.2, within(1e-9));
    assertThat(engine.confidence(0.3)).isCloseTo(0.6, within(1e-9));
    assertThat(engine.confidence(0.5)).isCloseTo(1.0, within(1e-9));
    assertThat(engine.confidence(0.9)).isEqualTo(1.0);
  }

  @Test
  void rebuildingOneTenantLeavesTheOtherTenantsIndexesAlone() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine follower = engineWith(store);
    DefaultRagEngine writer = engineWith(store); // another instance on the same store
    writer.ingest(SHOP, SHIPPING);
    writer.ingest(BANK, RETURNS);
    String shipping = "How long does standard delivery take?";
    String refunds = "How many days do I have to return items for a refund?";
    assertThat(follower.answer(SHOP, shipping, List.of()).sources()).isEmpty();
    assertThat(follower.answer(BANK, refunds, List.of()).sources()).isEmpty();

    assertThat(follower.rebuildIndexes(SHOP)).isEqualTo(1);

    assertThat(follower.answer(SHOP, shipping, List.of()).sources())
        .extracting(Source::documentId).contains("shipping.md");
    assertThat(follower.answer(BANK, refunds, List.of()).sources()).as("not rebuilt").isEmpty();

    follower.rebuildIndexes(BANK);
    assertThat(follower.answer(BANK, refunds, List.of()).sources())
        .extracting(Source::documentId).contains("returns.md");
  }

  @Test
  void reingestingUnchangedContentChangesNothing() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    Clock later = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    DefaultRagEngine engine = DefaultRagEngine.builder().knowledgeStore(store)
        .clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
    IngestResult first = engine.ingest(SHOP, RETURNS);
    DefaultRagEngine sameStore = DefaultRagEngine.builder().knowledgeStore(store).clock(later)
        .build();

    IngestResult again = engine.ingest(SHOP, RETURNS);
    IngestResult otherInstance = sameStore.ingest(SHOP, RETURNS);

    assertThat(first.unchanged()).isFalse();
    assertThat(first.chunks()).isEqualTo(2);
    assertThat(again).isEqualTo(new IngestResult("returns.md", 2, true));
    assertThat(otherInstance.unchanged()).isTrue();
    assertThat(store.findDocument(SHOP, "returns.md").orElseThrow().ingestedAt()).isEqualTo(T0);
    assertThat(store.findDocument(SHOP, "returns.md").orElseThrow().contentHash())
        .hasSize(64).matches("[0-9a-f]+");
  }

  @Test
  void reingestingChangedContentReplacesTheOldChunksEverywhere() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    HnswVectorIndex vectors = HnswVectorIndex.create();
    Bm25Index lexical = Bm25Index.create();
    DefaultRagEngine engine = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(vectors).lexicalIndex(lexical).build();
    engine.ingest(SHOP, RETURNS);

    IngestResult result = engine.ingest(SHOP, Document.of("returns.md", "", "kb/returns.md",
        "text/markdown", "# Returns policy\nReturns are accepted within 14 days only."));

    assertThat(result).isEqualTo(new IngestResult("returns.md", 1, false));
    assertThat(store.chunks(SHOP)).extracting(KnowledgeChunk::id).containsExactly("returns.md#0");
    assertThat(vectors.size(SHOP)).isEqualTo(1);
    assertThat(lexical.size(SHOP)).isEqualTo(1);
    assertThat(engine.answer(SHOP, "when do refunds reach my card", List.of()).sources())
        .extracting(Source::text).noneMatch(t -> t.contains("5 working days"));
    assertThat(engine.answer(SHOP, "how long can I return items", List.of()).text())
        .contains("14 days");
  }

  @Test
  void deleteRemovesTheDocumentFromTheStoreAndBothIndexes() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    HnswVectorIndex vectors = HnswVectorIndex.create();
    Bm25Index lexical = Bm25Index.create();
    DefaultRagEngine engine = DefaultRagEngine.builder().knowledgeStore(store)
        .vectorIndex(vectors).lexicalIndex(lexical).build();
    engine.ingest(SHOP, RETURNS);
    engine.ingest(SHOP, SHIPPING);

    assertThat(engine.delete(SHOP, "returns.md")).isTrue();
    assertThat(engine.delete(SHOP, "returns.md")).isFalse();
    assertThat(engine.delete(BANK, "shipping.md")).isFalse();

    assertThat(store.findDocument(SHOP, "returns.md")).isEmpty();
    assertThat(vectors.size(SHOP)).isEqualTo(1);
    assertThat(lexical.size(SHOP)).isEqualTo(1);
    assertThat(engine.answer(SHOP, "return items refund", List.of()).sources())
        .extracting(Source::documentId).doesNotContain("returns.md");
  }

  @Test
  void aTenantNeverRetrievesAnotherTenantsChunks() {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingest(SHOP, RETURNS);
    engine.ingest(BANK, Document.of("cards.md", "", "", "text/markdown",
        "# Cards\nA blocked card can be unblocked in the banking app."));

    Answer bankAnswer = engine.answer(BANK, "how do I return an item for a refund", List.of());
    Answer shopAnswer = engine.answer(SHOP, "how do I unblock my blocked card", List.of());

    assertThat(bankAnswer.sources()).extracting(Source::documentId).doesNotContain("returns.md");
    assertThat(bankAnswer.text()).doesNotContain("30 days");
    assertThat(shopAnswer.sources()).extracting(Source::documentId).doesNotContain("cards.md");
    assertThat(shopAnswer.text()).doesNotContain("banking app");
    assertThat(engine.answer(BANK, "how do I unblock my blocked card", List.of()).sources())
        .extracting(Source::documentId).containsExactly("cards.md");
  }

  @Test
  void sameDocumentIdInTwoTenantsStaysSeparate() {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingest(SHOP, Document.of("faq", "FAQ", "", "text/plain", "Parcels ship on Mondays."));
    engine.ingest(BANK, Document.of("faq", "FAQ", "", "text/plain", "Parcels ship on Fridays."));

    engine.delete(BANK, "faq");

    assertThat(engine.answer(SHOP, "when do parcels ship", List.of()).text()).contains("Mondays");
    assertThat(engine.answer(BANK, "when do parcels ship", List.of()).sources()).isEmpty();
  }

  @Test
  void rebuildsItsIndexesFromADurableStoreOnConstruction() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    engineWith(store).ingest(SHOP, RETURNS);

    DefaultRagEngine restarted = engineWith(store);

    assertThat(restarted.answer(SHOP, "how do I return an item", List.of()).sources())
        .extracting(Source::documentId).contains("returns.md");
  }

  @Test
  void rebuildIndexesFollowsChangesMadeByAnotherInstance() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine first = engineWith(store);
    DefaultRagEngine second = engineWith(store);
    first.ingest(SHOP, SHIPPING);
    first.ingest(SHOP, RETURNS);
    second.ingest(SHOP, SHIPPING);

    first.delete(SHOP, "shipping.md");
    second.rebuildIndexes();

    assertThat(second.answer(SHOP, "how do I return an item", List.of()).sources())
        .extracting(Source::documentId).contains("returns.md");
    assertThat(second.answer(SHOP, "express delivery next working day", List.of()).sources())
        .extracting(Source::documentId).doesNotContain("shipping.md");
  }

  @Test
  void reembedsStoredChunksOfAnotherDimension() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine.builder().knowledgeStore(store)
        .embeddingModel(HashingEmbeddingModel.builder().dimensions(128).build()).build()
        .ingest(SHOP, RETURNS);

    DefaultRagEngine engine = engineWith(store);

    assertThat(store.chunks(SHOP)).allSatisfy(c -> assertThat(c.embedding()).hasSize(1024));
    assertThat(engine.answer(SHOP, "how do I return an item", List.of()).sources()).isNotEmpty();
  }

  @Test
  void asksTheChatModelWithPassagesHistoryAndQuestionAndReportsUsage() {
    RecordingChatModel model = new RecordingChatModel();
    DefaultRagEngine engine = DefaultRagEngine.builder().chatModel(model).historyTurns(2).build();
    engine.ingest(SHOP, RETURNS);
    List<ChatMessage> history = List.of(
        message(MessageRole.CUSTOMER, "Hi, I bought a lamp"),
        message(MessageRole.SYSTEM, "session opened"),
        message(MessageRole.BOT, "Hello! How can I help?"),
        message(MessageRole.AGENT, "I am Ana from support."),
        message(MessageRole.CUSTOMER, "how do I return an item"));

    Answer answer = engine.answer(SHOP, "how do I return an item", history);

    assertThat(answer.text()).isEqualTo("Model answer.");
    assertThat(answer.usage()).hasValueSatisfying(u -> {
      assertThat(u.model()).isEqualTo("fake-model");
      assertThat(u.inputTokens()).isEqualTo(120);
      assertThat(u.outputTokens()).isEqualTo(8);
    });
    assertThat(answer.sources()).extracting(Source::documentId).contains("returns.md");
    List<ChatModel.Turn> prompt = model.prompts.get(0);
    assertThat(prompt).extracting(ChatModel.Turn::role)
        .containsExactly("system", "assistant", "assistant", "user");
    assertThat(prompt.get(0).content())
        .contains("only the knowledge-base passages below")
        .contains("say that you do not know")
        .contains("[1] Returns policy")
        .contains("return items within 30 days")
        .doesNotContain("{passages}");
    assertThat(prompt.get(1).content()).isEqualTo("Hello! How can I help?");
    assertThat(prompt.get(2).content()).isEqualTo("I am Ana from support.");
    assertThat(prompt.get(3).content()).isEqualTo("how do I return an item");
  }

  @Test
  void doesNotCallTheChatModelWhenNothingIsRelevant() {
    RecordingChatModel model = new RecordingChatModel();
    DefaultRagEngine engine = DefaultRagEngine.builder().chatModel(model)
        .noAnswerText("Sorry, no idea.").build();
    engine.ingest(SHOP, RETURNS);

    Answer answer = engine.answer(SHOP, "Who won the football match yesterday?", List.of());

    assertThat(answer.text()).isEqualTo("Sorry, no idea.");
    assertThat(answer.usage()).isEmpty();
    assertThat(model.prompts).isEmpty();
  }

  @Test
  void usesACustomPromptTemplate() {
    RecordingChatModel model = new RecordingChatModel();
    DefaultRagEngine engine = DefaultRagEngine.builder().chatModel(model)
        .promptTemplate("Réponds en français.\n{passages}").build();
    engine.ingest(SHOP, SHIPPING);

    engine.answer(SHOP, "express delivery", List.of());

    assertThat(model.prompts.get(0).get(0).content()).startsWith("Réponds en français.\n[1] Shipping");
  }

  @Test
  void followUpQuestionFindsItsTopicInThePreviousCustomerMessage() {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingest(SHOP, SHIPPING);
    engine.ingest(SHOP, RETURNS);
    List<ChatMessage> history = List.of(
        message(MessageRole.CUSTOMER, "Do you offer express delivery?"),
        message(MessageRole.BOT, "Yes."));

    Answer followUp = engine.answer(SHOP, "and how fast is that?", history);

    assertThat(followUp.sources()).extracting(Source::documentId).first().isEqualTo("shipping.md");
    assertThat(engine.answer(SHOP, "and how fast is that?", List.of()).sources()).isEmpty();
  }

  @Test
  void ingestsAFolderRecursivelyWithRelativePathsAsIds(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("faq/deep"));
    Files.writeString(dir.resolve("faq/returns.md"), "# Returns\nReturn items within 30 days.");
    Files.writeString(dir.resolve("faq/deep/opening-hours.txt"), "We are open 9 to 5.");
    Files.writeString(dir.resolve("about.HTML"), "<title>About us</title><p>Family shop.</p>");
    Files.writeString(dir.resolve("logo.png"), "not text");
    Files.write(dir.resolve("faq/latin1.txt"), "Caf\u00e9 hours".getBytes(StandardCharsets.ISO_8859_1));
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine engine = engineWith(store);

    DirectoryIngestResult result = engine.ingestDirectory(SHOP, dir);
    DirectoryIngestResult again = engine.ingestDirectory(SHOP, dir);

    assertThat(result.documents()).isEqualTo(4);
    assertThat(result.chunks()).isEqualTo(4);
    assertThat(result.unchanged()).isZero();
    assertThat(again.unchanged()).isEqualTo(4);
    assertThat(result.results()).extracting(IngestResult::documentId).containsExactly(
        "about.HTML", "faq/deep/opening-hours.txt", "faq/latin1.txt", "faq/returns.md");
    assertThat(store.listDocuments(SHOP)).extracting(KnowledgeDocument::title)
        .containsExactly("About us", "Opening hours", "Latin1", "Returns");
    assertThat(store.findDocument(SHOP, "faq/returns.md").orElseThrow().source())
        .isEqualTo("faq/returns.md");
    assertThat(engine.answer(SHOP, "what are your opening hours", List.of()).sources())
        .extracting(Source::documentId).first().isEqualTo("faq/deep/opening-hours.txt");
  }

  @Test
  void refusesToIngestAFileAsAFolder(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a.md"), "x");

    assertThatThrownBy(() -> DefaultRagEngine.builder().build().ingestDirectory(SHOP, file))
        .isInstanceOf(WacandaException.class).hasMessageContaining("not a folder");
  }

  @Test
  void refusesDocumentsItCannotTake() {
    DefaultRagEngine engine = DefaultRagEngine.builder().maxDocumentChars(100).build();

    assertThatThrownBy(() -> engine.ingest(SHOP, Document.of("big", "", "", "text/plain",
        "x".repeat(101)))).isInstanceOf(WacandaException.class)
        .hasMessageContaining("maxDocumentChars");
    assertThatThrownBy(() -> engine.ingest(SHOP, Document.of(" ", "", "", "text/plain", "x")))
        .isInstanceOf(WacandaException.class).hasMessageContaining("blank");
    assertThatThrownBy(() -> engine.ingest(SHOP, Document.of("a.pdf", "", "", "application/pdf",
        "%PDF"))).isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(engine.knowledgeStore().listDocuments(SHOP)).isEmpty();
  }

  @Test
  void diversifyingDropsNearDuplicatePassages() {
    Document copy = Document.of("returns-copy.md", "", "", "text/markdown", RETURNS.content());
    DefaultRagEngine plain = DefaultRagEngine.builder().build();
    DefaultRagEngine diverse = DefaultRagEngine.builder().diversify(true).build();
    for (DefaultRagEngine e : List.of(plain, diverse)) {
      e.ingest(SHOP, RETURNS);
      e.ingest(SHOP, copy);
      e.ingest(SHOP, SHIPPING);
    }

    List<String> plainTexts = plain.answer(SHOP, "return items refund", List.of()).sources()
        .stream().map(Source::text).toList();
    List<String> diverseTexts = diverse.answer(SHOP, "return items refund", List.of()).sources()
        .stream().map(Source::text).toList();

    assertThat(plainTexts.stream().distinct().count()).isLessThan(plainTexts.size());
    assertThat(diverseTexts).isNotEmpty().doesNotHaveDuplicates();
  }

  @Test
  void keepsDocumentFrequenciesCurrentWhenIdfIsOn() {
    DocumentFrequencies df = DocumentFrequencies.create();
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine engine = DefaultRagEngine.builder().knowledgeStore(store)
        .documentFrequencies(df).build();

    engine.ingest(SHOP, RETURNS);
    engine.ingest(SHOP, SHIPPING);
    int afterIngest = df.documentCount();
    engine.delete(SHOP, "shipping.md");
    int afterDelete = df.documentCount();
    engine.rebuildIndexes();

    assertThat(afterIngest).isEqualTo(3);
    assertThat(afterDelete).isEqualTo(2);
    assertThat(df.documentCount()).isEqualTo(2);
    assertThat(df.frequency("ship")).isZero();
    assertThat(engine.reembed(SHOP)).isEqualTo(2);
    assertThat(engine.answer(SHOP, "how do I return an item", List.of()).sources()).isNotEmpty();
  }

  /** Embeds a text as the axis of the first keyword it holds (refund, return, deliver), else 3. */
  private static final class KeywordModel implements EmbeddingModel {
    final List<String> embedded = new CopyOnWriteArrayList<>();

    @Override
    public int dimension() {
      return 4;
    }

    @Override
    public float[] embed(String text) {
      embedded.add(text);
      String t = text.toLowerCase(java.util.Locale.ROOT);
      float[] v = new float[4];
      v[t.contains("refund") ? 0 : t.contains("return") ? 1 : t.contains("deliver") ? 2 : 3] = 1;
      return v;
    }
  }

  private static final Document SECTIONS = Document.of("policy.md", "", "kb/policy.md",
      "text/markdown", """
          # Returns policy

          Items can go back within 30 days if they are unused and still in their packaging.

          Bring the parcel to any post office and keep the receipt until the money arrives.

          ## Refund timing

          The money reaches your card within 5 working days after we receive the parcel.
          """);

  @Test
  void mixesEachPassagesSectionHeadingIntoItsVectorEmbeddingEachHeadingOnce() {
    KeywordModel model = new KeywordModel();
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine engine = DefaultRagEngine.builder().embeddingModel(model)
        .knowledgeStore(store).chunker(ParagraphChunker.builder().maxChars(100)
            .overlapChars(0).build()).build();

    engine.ingest(SHOP, SECTIONS);

    List<KnowledgeChunk> chunks = store.chunks(SHOP);
    assertThat(chunks).hasSize(3);
    // passage text (axis 3, no keyword) + 0.3 * heading "Returns policy" (axis 1), over 1.3
    float[] underReturns = {0f, 0.3f / 1.3f, 0f, 1f / 1.3f};
    // "Returns policy > Refund timing" holds "refund" first: axis 0
    float[] underRefund = {0.3f / 1.3f, 0f, 0f, 1f / 1.3f};
    assertThat(chunks.get(0).embedding()).containsExactly(underReturns, within(1e-6f));
    assertThat(chunks.get(1).embedding()).containsExactly(underReturns, within(1e-6f));
    assertThat(chunks.get(2).embedding()).containsExactly(underRefund, within(1e-6f));
    assertThat(model.embedded).containsOnlyOnce("Returns policy",
        "Returns policy > Refund timing");
    assertThat(model.embedded).hasSize(5); // three passages, two headings

    // a question about returning finds the passages under the Returns heading, not the others
    List<Source> found = engine.search(SHOP, "return", 3, RetrievalMode.VECTOR,
        RetrievalFilter.none());
    assertThat(found).extracting(Source::position).containsExactly(0, 1, 2);
    assertThat(found.get(0).score()).isCloseTo(0.3 / 1.3, within(1e-6));
    assertThat(found.get(2).score()).isZero();

    // re-embedding follows the same rule
    assertThat(engine.reembed(SHOP)).isEqualTo(3);
    assertThat(store.chunks(SHOP).get(2).embedding())
        .containsExactly(underRefund, within(1e-6f));
  }

  @Test
  void headingWeightZeroEmbedsThePassageAlone() {
    KeywordModel model = new KeywordModel();
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    DefaultRagEngine engine = DefaultRagEngine.builder().embeddingModel(model)
        .knowledgeStore(store).headingWeight(0).build();

    engine.ingest(SHOP, SECTIONS);

    assertThat(store.chunks(SHOP)).allSatisfy(c -> assertThat(c.embedding())
        .containsExactly(new float[] {0f, 0f, 0f, 1f}, within(1e-6f)));
    assertThat(model.embedded).noneMatch(t -> t.equals("Returns policy"));
    assertThatThrownBy(() -> DefaultRagEngine.builder().headingWeight(1.5))
        .isInstanceOf(WacandaException.class).hasMessageContaining("headingWeight");
  }

  @Test
  void hybridAddsTheNormalizedLexicalScoreToTheVectorSimilarity() {
    KeywordModel model = new KeywordModel();
    DefaultRagEngine engine = DefaultRagEngine.builder().embeddingModel(model)
        .headingWeight(0).lexicalWeight(0.5).build();
    // a and b embed alike (no keyword: axis 3); b matches more of the question's words
    engine.ingest(SHOP, Document.of("a", "", "", "text/plain", "The parcel is left at the door."));
    engine.ingest(SHOP, Document.of("b", "", "", "text/plain",
        "Our courier brings the parcel to your door."));
    // c matches every word, but is about refunds (axis 0): a much worse vector match
    engine.ingest(SHOP, Document.of("c", "", "", "text/plain",
        "Refund: our courier takes the parcel back from your door."));
    String question = "courier parcel door";

    List<Source> vector = engine.search(SHOP, question, 3, RetrievalMode.VECTOR,
        RetrievalFilter.none());
    List<Source> hybrid = engine.search(SHOP, question, 3, RetrievalMode.HYBRID,
        RetrievalFilter.none());
    List<Source> lexical = engine.search(SHOP, question, 3, RetrievalMode.LEXICAL,
        RetrievalFilter.none());

    // vector only: a and b tie at 1.0 (then by id), c scores 0
    assertThat(vector).extracting(Source::documentId).containsExactly("a", "b", "c");
    // BM25 alone puts c, which holds all three words, at least above a
    assertThat(lexical.get(lexical.size() - 1).documentId()).isEqualTo("a");
    // hybrid: the lexical part breaks the vector tie for b, but cannot make up c's vector gap
    assertThat(hybrid).extracting(Source::documentId).containsExactly("b", "a", "c");
    // the score of a source stays its vector similarity, whatever the lexical part added
    assertThat(hybrid).extracting(Source::score).containsExactly(1.0, 1.0, 0.0);
  }

  @Test
  void rejectsContradictorySettings() {
    assertThatThrownBy(() -> DefaultRagEngine.builder().minScore(0.5).confidentScore(0.4).build())
        .isInstanceOf(WacandaException.class).hasMessageContaining("confidentScore");
    assertThatThrownBy(() -> DefaultRagEngine.builder().topK(10).candidates(5).build())
        .isInstanceOf(WacandaException.class).hasMessageContaining("candidates");
    assertThatThrownBy(() -> DefaultRagEngine.builder().promptTemplate("no placeholder"))
        .isInstanceOf(WacandaException.class).hasMessageContaining("{passages}");
    assertThatThrownBy(() -> DefaultRagEngine.builder().topK(0))
        .isInstanceOf(WacandaException.class).hasMessageContaining("topK");
    assertThatThrownBy(() -> DefaultRagEngine.builder()
        .embeddingModel(HashingEmbeddingModel.create())
        .documentFrequencies(DocumentFrequencies.create()).build())
        .isInstanceOf(WacandaException.class).hasMessageContaining("documentFrequencies");
  }

  @Test
  void injectableConstructorIndexesTheGivenStore() {
    InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create();
    engineWith(store).ingest(SHOP, SHIPPING);

    DefaultRagEngine engine = new DefaultRagEngine(store);

    assertThat(engine.knowledgeStore()).isSameAs(store);
    assertThat(engine.answer(SHOP, "express delivery", List.of()).sources()).isNotEmpty();
  }

  @Test
  void answersWhileAnotherThreadIngests() throws Exception {
    DefaultRagEngine engine = DefaultRagEngine.builder().build();
    engine.ingest(SHOP, RETURNS);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int i = 0; i < 50; i++) {
          engine.ingest(SHOP, Document.of("extra-" + i, "", "", "text/plain",
              "Gift wrapping option number " + i + " costs " + i + " pounds."));
          if (i % 5 == 0) {
            engine.delete(SHOP, "extra-" + (i / 2));
          }
        }
      });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(pool.submit(() -> {
          int found = 0;
          for (int i = 0; i < 200; i++) {
            if (!engine.answer(SHOP, "how do I return an item", List.of()).sources().isEmpty()) {
              found++;
            }
          }
          return found;
        }));
      }
      writer.get(60, TimeUnit.SECONDS);
      for (Future<Integer> r : readers) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(engine.knowledgeStore().listDocuments(SHOP)).hasSize(1 + 50 - 10);
    assertThat(engine.answer(SHOP, "gift wrapping option number 49", List.of()).sources())
        .extracting(Source::documentId).first().isEqualTo("extra-49");
  }

  @Test
  void metadataIsPartOfTheContentHash() {
    Document tagged = new Document("a", "", "", "text/plain", "Same text.", Map.of("lang", "en"));
    Document retagged = new Document("a", "", "", "text/plain", "Same text.", Map.of("lang", "fr"));
    DefaultRagEngine engine = DefaultRagEngine.builder().build();

    engine.ingest(SHOP, tagged);

    assertThat(engine.ingest(SHOP, retagged).unchanged()).isFalse();
    assertThat(engine.knowledgeStore().findDocument(SHOP, "a").orElseThrow().metadata())
        .containsEntry("lang", "fr");
  }
}
