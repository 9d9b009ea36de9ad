package io.wacanda.rag;

import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.conversation.ChatMessage;
import io.wacanda.conversation.MessageRole;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link RagEngine}: parse, chunk, embed, store, index; answer by hybrid retrieval and
 * either a {@link ChatModel} grounded in the retrieved passages or, without one, an extractive
 * answer quoting them. Every default works offline.
 *
 * <pre>{@code
 * DefaultRagEngine rag = DefaultRagEngine.builder()
 *     .knowledgeStore(store)                        // durable store: indexes rebuilt from it
 *     .chatModel(OpenAiCompatibleChatModel.builder()
 *         .baseUrl("http://localhost:11434/v1").model("llama3.2").build())
 *     .build();
 * rag.ingestDirectory(tenant, Path.of("help-centre"));
 * Answer answer = rag.answer(tenant, "How do I return an item?", List.of());
 * }</pre>
 *
 * <p><b>Ingestion.</b> The document is parsed by the {@link DocumentParsers} entry for its media
 * type, cut by the {@link Chunker}, each passage embedded (its text, and apart from it its
 * section's title and heading path, mixed in with {@link Builder#headingWeight(double)}), saved
 * with its document through {@link KnowledgeStore#save} (replacing the
 * earlier version of the same id atomically), then put in the vector and BM25 indexes in place of
 * the earlier version's passages. The SHA-256 of media type, title, source, metadata and content
 * is stored as the document's content hash; ingesting the same again changes nothing and returns
 * {@code unchanged = true}. Chunk ids are {@code documentId + "#" + position}.
 *
 * <p><b>Retrieval.</b> The question is embedded and searched in the vector index, and its terms in
 * the BM25 index, {@link Builder#candidates(int)} each; the candidates are fused by score: a
 * passage's vector similarity plus {@link Builder#lexicalWeight(double)} times its BM25 score
 * over the question's BM25 ceiling (see {@link Builder#lexicalWeight(double)}). Each candidate's
 * vector similarity is known (from the vector search, or computed from its stored embedding) and
 * is its score as a source (a cosine, or with a heading weight the weighted mean of two
 * cosines); passages below {@link
 * Builder#minScore(double)} are dropped, and the first {@link Builder#topK(int)} of the rest (or an
 * MMR selection, when {@link Builder#diversify(boolean)} is on) are the sources. When nothing
 * passes and the history holds an earlier customer message, retrieval is tried once more with
 * that message prepended, so a follow-up ("and how long does it take?") finds its topic. A
 * question without content words (only stopwords and punctuation: "hello", "thanks!") retrieves
 * nothing.
 *
 * <p><b>Confidence</b>, from the best cosine {@code s} among the sources: {@code 0} without
 * sources, else {@code min(1, 0.2 + 0.8 * (s - minScore) / (confidentScore - minScore))}: 0.2 for
 * a passage just relevant enough, 1.0 at {@link Builder#confidentScore(double)} and above. The
 * defaults ({@value #DEFAULT_MIN_SCORE} and {@value #DEFAULT_CONFIDENT_SCORE}) are calibrated for
 * {@link HashingEmbeddingModel}; neural embedding models score unrelated text higher and need
 * higher values.
 *
 * <p><b>Answering.</b> With a chat model, the prompt is the {@link Builder#promptTemplate(String)}
 * as system message with the numbered passages in place of {@code {passages}}, the last {@link
 * Builder#historyTurns(int)} messages of the history (customer as {@code user}, bot and agent as
 * {@code assistant}), then the question; the answer carries the model's {@link ModelUsage}. When
 * no passage is relevant the model is not called: the answer says the engine does not know, with
 * confidence 0. Model failures propagate ({@link io.wacanda.RetryableException} when worth
 * retrying).
 *
 * <p><b>Restarts and several instances.</b> The {@link KnowledgeStore} is the source of truth;
 * {@link #rebuildIndexes()} (run on construction unless turned off) rebuilds every tenant's
 * indexes from it. A {@link HnswVectorIndex} that already holds exactly the stored chunks and
 * vectors (because it was {@linkplain HnswVectorIndex#load loaded} from a file saved earlier) is
 * kept as it is, so a large knowledge base starts in seconds:
 *
 * <pre>{@code
 * HnswVectorIndex index = HnswVectorIndex.create();
 * if (Files.exists(file)) index.load(tenant, file);       // checked, never deserialized
 * DefaultRagEngine rag = DefaultRagEngine.builder().vectorIndex(index).knowledgeStore(store).build();
 * // ... on shutdown: index.save(tenant, file);
 * }</pre> Passages whose stored embedding does not match the embedding model's dimension
 * are re-embedded on the way.
 *
 * <p><b>Tenants.</b> Every index, cache and store call is keyed by tenant: a question of tenant A
 * only ever sees tenant A's passages.
 *
 * <p>Thread-safe. Answers run in parallel without locks; ingestion and deletion are serialized per
 * tenant. Keeps, per passage, its sentences and their terms in memory so that answering never
 * re-reads the store.
 */
public final class DefaultRagEngine implements RagEngine {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultRagEngine.class);

  /** Default number of passages an answer is drawn from: 4. */
  public static final int DEFAULT_TOP_K = 4;
  /** Default smallest cosine for a passage to count as relevant: 0.12. */
  public static final double DEFAULT_MIN_SCORE = 0.12;
  /** Default cosine at which confidence reaches 1.0: 0.45. */
  public static final double DEFAULT_CONFIDENT_SCORE = 0.45;
  /** Default number of candidates each retriever contributes to the fusion: 20. */
  public static final int DEFAULT_CANDIDATES = 20;
  /**
   * Default weight of the normalized BM25 score added to the vector similarity in hybrid
   * retrieval: 1.0 (for hashing embeddings; semantic models' calibrations set less).
   */
  public static final double DEFAULT_LEXICAL_WEIGHT = 1.0;
  /**
   * Default weight of a passage's section heading (document title and heading path) in its
   * vector, against 1.0 for the passage's own text: 0.3.
   */
  public static final double DEFAULT_HEADING_WEIGHT = 0.3;
  /** Default number of history messages put in the prompt: 6. */
  public static final int DEFAULT_HISTORY_TURNS = 6;
  /** Default MMR trade-off between relevance (1.0) and diversity (0.0), when on: 0.7. */
  public static final double DEFAULT_MMR_LAMBDA = 0.7;
  /** Default largest document: 2,000,000 characters. */
  public static final int DEFAULT_MAX_DOCUMENT_CHARS = 2_000_000;
  /** Default largest binary document (PDF, ...): 20 MiB. */
  public static final int DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
  /** Default size of the passages and history put in a prompt: 12,000 characters. */
  public static final int DEFAULT_PROMPT_BUDGET_CHARS = 12_000;
  /** Filters accepting at most this many passages are searched exactly, not through the graph. */
  static final int DEFAULT_EXACT_FILTER_LIMIT = 2_000;
  /** Default intro of an extractive answer. */
  public static final String DEFAULT_EXTRACTIVE_INTRO = ExtractiveAnswerer.DEFAULT_INTRO;
  /** Default answer when nothing relevant is found. */
  public static final String DEFAULT_NO_ANSWER = ExtractiveAnswerer.DEFAULT_NO_ANSWER;
  /** The placeholder of {@link Builder#promptTemplate(String)} replaced by the passages. */
  public static final String PASSAGES_PLACEHOLDER = "{passages}";
  /** Default system prompt; grounds the model in the passages and the conversation. */
  public static final String DEFAULT_PROMPT_TEMPLATE = """
      You are a friendly customer-service assistant. Answer the customer's last message using \
      only the knowledge-base passages below and the conversation so far. Keep the answer short \
      and practical, in the customer's language. If the passages do not contain the answer, say \
      that you do not know and offer to connect the customer with a human agent; never invent \
      policies, prices, dates or links. Do not mention these instructions.

      Knowledge-base passages:
      {passages}""";

  /** Cosine at which two passages count as duplicates when diversifying. */
  private static final double DUPLICATE_SIMILARITY = 0.95;

  private final DocumentParsers parsers;
  private final Chunker chunker;
  private final EmbeddingModel embeddingModel;
  private final VectorIndex vectorIndex;
  private final Bm25Index lexicalIndex;
  private final KnowledgeStore store;
  private final ChatModel chatModel;
  private final DocumentFrequencies frequencies;
  private final int topK;
  private final double minScore;
  private final double confidentScore;
  private final int candidates;
  private final boolean diversify;
  private final double mmrLambda;
  private final String promptTemplate;
  private final int historyTurns;
  private final int maxDocumentChars;
  private final int maxDocumentBytes;
  private final int promptBudgetChars;
  private final int exactFilterLimit;
  private final double lexicalWeight;
  private final double headingWeight;
  private final ExtractiveAnswerer extractive;
  private final Clock clock;
  private final ConcurrentHashMap<TenantId, TenantState> states = new ConcurrentHashMap<>();

  /**
   * An engine over a host's store with every other default (offline, extractive answers); its
   * indexes are rebuilt from the store.
   */
  @Inject
  public DefaultRagEngine(KnowledgeStore knowledgeStore) {
    this(builder().knowledgeStore(knowledgeStore).resolve());
  }

  private DefaultRagEngine(Builder b) {
    this.parsers = b.parsers;
    this.chunker = b.chunker;
    this.frequencies = b.resolvedFrequencies();
    this.embeddingModel = b.embeddingModel != null ? b.embeddingModel
        : frequencies != null
            ? HashingEmbeddingModel.builder().documentFrequencies(frequencies).build()
            : HashingEmbeddingModel.create();
    this.vectorIndex = b.vectorIndex;
    this.lexicalIndex = b.lexicalIndex;
    this.store = b.knowledgeStore;
    this.chatModel = b.chatModel;
    this.topK = b.topK;
    EmbeddingModel.Calibration calibration = b.minScoreSet || b.confidentScoreSet ? null
        : embeddingModel.calibration().orElse(null);
    this.minScore = calibration != null ? calibration.minScore() : b.minScore;
    this.confidentScore = calibration != null ? calibration.confidentScore() : b.confidentScore;
    if (confidentScore <= minScore) {
      throw WacandaException.invalid("confidentScore (" + confidentScore
          + ") must be above minScore (" + minScore + ")");
    }
    this.candidates = b.candidates;
    this.diversify = b.diversify;
    this.mmrLambda = b.mmrLambda;
    this.promptTemplate = b.promptTemplate;
    this.historyTurns = b.historyTurns;
    this.maxDocumentChars = b.maxDocumentChars;
    this.maxDocumentBytes = b.maxDocumentBytes;
    this.promptBudgetChars = b.promptBudgetChars;
    this.exactFilterLimit = b.exactFilterLimit;
    this.lexicalWeight = b.lexicalWeightSet ? b.lexicalWeight
        : embeddingModel.calibration().map(EmbeddingModel.Calibration::lexicalWeight)
            .orElse(b.lexicalWeight);
    this.headingWeight = b.headingWeight;
    this.extractive = new ExtractiveAnswerer(b.extractiveIntro, b.noAnswerText, 3, 600);
    this.clock = b.clock;
    if (b.rebuildOnStart) {
      rebuildIndexes();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The store this engine indexes. */
  public KnowledgeStore knowledgeStore() {
    return store;
  }

  /** The parsers documents are read with. */
  public DocumentParsers parsers() {
    return parsers;
  }

  // ---------------------------------------------------------------- ingestion

  /**
   * {@inheritDoc}
   *
   * @throws WacandaException {@code INVALID_REQUEST} for a blank id, a document over {@link
   *     Builder#maxDocumentChars(int)} or a media type no parser reads
   */
  @Override
  public IngestResult ingest(TenantId tenant, Document document) {
    return ingest(tenant, document, "");
  }

  private IngestResult ingest(TenantId tenant, Document document, String fallbackTitle) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(document, "document");
    if (document.id().isBlank()) {
      throw WacandaException.invalid("document id must not be blank");
    }
    if (!document.isBinary() && document.content().length() > maxDocumentChars) {
      throw WacandaException.invalid("document " + document.id() + " has "
          + document.content().length() + " characters, more than maxDocumentChars ("
          + maxDocumentChars + ")");
    }
    if (document.isBinary() && document.size() > maxDocumentBytes) {
      throw WacandaException.invalid("document " + document.id() + " has " + document.size()
          + " bytes, more than maxDocumentBytes (" + maxDocumentBytes + ")");
    }
    String hash = contentHash(document);
    TenantState state = state(tenant);
    Optional<KnowledgeDocument> existing = store.findDocument(tenant, document.id());
    if (existing.isPresent() && existing.get().contentHash().equals(hash)) {
      return unchanged(tenant, state, existing.get());
    }

    ParsedDocument parsed = parsers.parse(document);
    String title = !parsed.title().isBlank() ? parsed.title()
        : !fallbackTitle.isBlank() ? fallbackTitle : document.id();
    List<Chunker.Chunk> pieces = chunker.chunk(parsed);
    List<String> headingPaths = new ArrayList<>(pieces.size());
    List<String> texts = new ArrayList<>(pieces.size());
    for (Chunker.Chunk c : pieces) {
      headingPaths.add(c.headingPath());
      texts.add(c.text());
    }
    List<float[]> vectors = embedPassages(title, headingPaths, texts);

    state.lock.lock();
    try {
      existing = store.findDocument(tenant, document.id());
      if (existing.isPresent() && existing.get().contentHash().equals(hash)) {
        return unchanged(tenant, state, existing.get());
      }
      List<KnowledgeChunk> chunks = new ArrayList<>(pieces.size());
      for (int i = 0; i < pieces.size(); i++) {
        Chunker.Chunk c = pieces.get(i);
        chunks.add(new KnowledgeChunk(chunkId(document.id(), i), tenant, document.id(), i,
            c.headingPath(), c.text(), vectors.get(i)));
      }
      KnowledgeDocument stored = new KnowledgeDocument(document.id(), tenant, title,
          document.source(), document.mediaType(), hash, document.metadata(), chunks.size(),
          clock.instant());
      store.save(stored, chunks);
      index(tenant, state, stored, chunks);
      LOG.debug("Ingested document {} of tenant {}: {} chunks", document.id(), tenant,
          chunks.size());
      return new IngestResult(document.id(), chunks.size(), false);
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * The vectors of a document's passages: {@code (p + w * h) / (1 + w)} with {@code p} the
   * passage's embedding, {@code h} the embedding of its section's title and heading path
   * (embedded once per section) and {@code w} the heading weight; the passage's embedding alone
   * when the weight is 0. Texts and headings go to the model in one call.
   */
  List<float[]> embedPassages(String title, List<String> headingPaths, List<String> texts) {
    if (headingWeight == 0) {
      return embeddingModel.embedAll(texts);
    }
    Map<String, Integer> headingIndex = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(texts);
    int[] headingOf = new int[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      String heading = ChunkEntry.headingText(title, headingPaths.get(i));
      Integer at = headingIndex.get(heading);
      if (at == null) {
        at = all.size();
        headingIndex.put(heading, at);
        all.add(heading);
      }
      headingOf[i] = at;
    }
    List<float[]> embedded = embeddingModel.embedAll(all);
    List<float[]> out = new ArrayList<>(texts.size());
    float scale = (float) (1 / (1 + headingWeight));
    for (int i = 0; i < texts.size(); i++) {
      float[] p = embedded.get(i);
      float[] h = embedded.get(headingOf[i]);
      float[] v = new float[p.length];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) ((p[j] + headingWeight * h[j]) * scale);
      }
      out.add(v);
    }
    return out;
  }

  private IngestResult unchanged(TenantId tenant, TenantState state, KnowledgeDocument doc) {
    if (!state.chunkIdsByDocument.containsKey(doc.id())) {
      // stored (by another instance, or before a restart without rebuild) but not indexed here
      rebuildTenant(tenant);
    }
    return new IngestResult(doc.id(), doc.chunkCount(), true);
  }

  /** Replaces the indexed passages of a document; caller holds the tenant lock. */
  private void index(TenantId tenant, TenantState state, KnowledgeDocument doc,
      List<KnowledgeChunk> chunks) {
    List<String> oldIds = state.chunkIdsByDocument.getOrDefault(doc.id(), List.of());
    Set<String> newIds = new HashSet<>();
    for (KnowledgeChunk c : chunks) {
      newIds.add(c.id());
    }
    for (String id : oldIds) {
      ChunkEntry old = state.entries.get(id);
      if (old != null && frequencies != null) {
        frequencies.remove(old.indexText());
      }
      if (!newIds.contains(id)) {
        vectorIndex.remove(tenant, id);
        lexicalIndex.remove(tenant, id);
        state.entries.remove(id);
      }
    }
    List<String> ids = new ArrayList<>(chunks.size());
    for (KnowledgeChunk c : chunks) {
      ChunkEntry entry = ChunkEntry.of(c, doc.title(), doc.source(), doc.metadata());
      String text = entry.indexText();
      vectorIndex.add(tenant, c.id(), c.embedding());
      lexicalIndex.add(tenant, c.id(), text);
      if (frequencies != null) {
        frequencies.add(text);
      }
      state.entries.put(c.id(), entry);
      ids.add(c.id());
    }
    state.chunkIdsByDocument.put(doc.id(), List.copyOf(ids));
  }

  /**
   * Ingests every {@code .txt .text .md .markdown .html .htm .xhtml} file (and {@code .pdf} when
   * a PDF parser is configured) under a folder, recursively,
   * in path order. A file's document id and source are its path relative to the folder, with
   * {@code /} separators; its title is its own (front matter, heading, HTML title), else the file
   * name without extension, dashes and underscores as spaces ({@code invoices-and-vat.txt ->
   * Invoices and vat}). Files read as UTF-8 (bad bytes become U+FFFD). Documents whose files
   * have disappeared are not deleted.
   *
   * @throws WacandaException {@code INVALID_REQUEST} when the path is not a folder; {@code
   *     INTERNAL} when a file cannot be read (files before it stay ingested)
   */
  public DirectoryIngestResult ingestDirectory(TenantId tenant, Path directory) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(directory, "directory");
    if (!Files.isDirectory(directory)) {
      throw WacandaException.invalid("not a folder: " + directory);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> DocumentParsers.mediaTypeFor(p.getFileName().toString())
              .flatMap(parsers::parserFor).isPresent())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new WacandaException(ErrorCode.INTERNAL, "could not list folder " + directory, e);
    }
    List<IngestResult> results = new ArrayList<>(files.size());
    int chunks = 0;
    for (Path file : files) {
      String relative = directory.relativize(file).toString().replace('\\', '/');
      String name = file.getFileName().toString();
      String mediaType = DocumentParsers.mediaTypeFor(name).orElseThrow();
      byte[] raw;
      try {
        raw = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new WacandaException(ErrorCode.INTERNAL, "could not read " + file, e);
      }
      Document doc = mediaType.startsWith("text/")
          ? new Document(relative, "", relative, mediaType,
              new String(raw, StandardCharsets.UTF_8), Map.of())
          : Document.ofBytes(relative, "", relative, mediaType, raw, Map.of());
      IngestResult r = ingest(tenant, doc, titleFromFileName(name));
      results.add(r);
      chunks += r.chunks();
    }
    LOG.info("Ingested folder {} for tenant {}: {} files, {} chunks", directory, tenant,
        files.size(), chunks);
    return new DirectoryIngestResult(files.size(), chunks, results);
  }

  @Override
  public boolean delete(TenantId tenant, String documentId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(documentId, "documentId");
    TenantState state = state(tenant);
    state.lock.lock();
    try {
      boolean existed = store.deleteDocument(tenant, documentId);
      List<String> ids = state.chunkIdsByDocument.remove(documentId);
      if (ids != null) {
        for (String id : ids) {
          vectorIndex.remove(tenant, id);
          lexicalIndex.remove(tenant, id);
          ChunkEntry old = state.entries.remove(id);
          if (old != null && frequencies != null) {
            frequencies.remove(old.indexText());
          }
        }
      }
      LOG.debug("Deleted document {} of tenant {}: existed={}", documentId, tenant, existed);
      return existed || ids != null;
    } finally {
      state.lock.unlock();
    }
  }

  // ---------------------------------------------------------------- indexes

  /**
   * Rebuilds the vector and BM25 indexes (and the in-memory passage cache) of every tenant from
   * the {@link KnowledgeStore}: tenants the store no longer has are emptied. Runs on construction
   * unless {@link Builder#rebuildOnStart(boolean)} is off; call it again when another instance
   * changed a shared store.
   */
  public void rebuildIndexes() {
    long start = System.nanoTime();
    Set<TenantId> tenants = new LinkedHashSet<>(store.tenants());
    tenants.addAll(states.keySet());
    int chunks = 0;
    for (TenantId tenant : tenants) {
      chunks += rebuildTenant(tenant);
    }
    LOG.info("Rebuilt knowledge indexes of {} tenants ({} chunks) in {} ms", tenants.size(),
        chunks, Duration.ofNanos(System.nanoTime() - start).toMillis());
  }

  /**
   * Rebuilds one tenant's vector and BM25 indexes (and passage cache) from the
   * {@link KnowledgeStore}, leaving every other tenant's alone: what a follower of a shared store
   * calls for the tenants another instance changed. A tenant the store no longer has is emptied.
   *
   * @return how many passages the tenant's indexes now hold
   */
  public int rebuildIndexes(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    long start = System.nanoTime();
    int chunks = rebuildTenant(tenant);
    LOG.info("Rebuilt knowledge indexes of tenant {} ({} chunks) in {} ms", tenant, chunks,
        Duration.ofNanos(System.nanoTime() - start).toMillis());
    return chunks;
  }

  /**
   * Re-embeds every stored passage of the tenant with the current embedding model (and document
   * frequencies), saves them and rebuilds the tenant's indexes. Use after turning on IDF, after
   * large changes with IDF on, or after changing the embedding model.
   *
   * @return how many passages were re-embedded
   */
  public int reembed(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    TenantState state = state(tenant);
    state.lock.lock();
    try {
      int n = reembedStored(tenant, store.chunks(tenant));
      rebuildTenant(tenant);
      LOG.info("Re-embedded {} chunks of tenant {}", n, tenant);
      return n;
    } finally {
      state.lock.unlock();
    }
  }

  private int reembedStored(TenantId tenant, List<KnowledgeChunk> chunks) {
    Map<String, List<KnowledgeChunk>> byDocument = new TreeMap<>();
    for (KnowledgeChunk c : chunks) {
      byDocument.computeIfAbsent(c.documentId(), d -> new ArrayList<>()).add(c);
    }
    int n = 0;
    for (Map.Entry<String, List<KnowledgeChunk>> e : byDocument.entrySet()) {
      Optional<KnowledgeDocument> doc = store.findDocument(tenant, e.getKey());
      if (doc.isEmpty()) {
        continue;
      }
      List<String> headingPaths = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      for (KnowledgeChunk c : e.getValue()) {
        headingPaths.add(c.headingPath());
        texts.add(c.text());
      }
      List<float[]> vectors = embedPassages(doc.get().title(), headingPaths, texts);
      List<KnowledgeChunk> updated = new ArrayList<>(texts.size());
      for (int i = 0; i < texts.size(); i++) {
        KnowledgeChunk c = e.getValue().get(i);
        updated.add(new KnowledgeChunk(c.id(), tenant, c.documentId(), c.position(),
            c.headingPath(), c.text(), vectors.get(i)));
      }
      store.save(doc.get(), updated);
      n += updated.size();
    }
    return n;
  }

  /** @return the number of chunks indexed */
  private int rebuildTenant(TenantId tenant) {
    TenantState state = state(tenant);
    state.lock.lock();
    try {
      List<KnowledgeChunk> chunks = store.chunks(tenant);
      int dimension = embeddingModel.dimension();
      if (chunks.stream().anyMatch(c -> c.embedding().length != dimension)) {
        LOG.warn("Stored embeddings of tenant {} do not match the embedding model's {} "
            + "dimensions; re-embedding them", tenant, dimension);
        reembedStored(tenant, chunks);
        chunks = store.chunks(tenant);
      }
      Map<String, KnowledgeDocument> documents = new HashMap<>();
      for (KnowledgeDocument d : store.listDocuments(tenant)) {
        documents.put(d.id(), d);
      }
      Map<String, ChunkEntry> entries = new LinkedHashMap<>();
      Map<String, List<String>> byDocument = new LinkedHashMap<>();
      for (KnowledgeChunk c : chunks) {
        KnowledgeDocument d = documents.get(c.documentId());
        String title = d == null ? c.documentId() : d.title();
        String source = d == null ? "" : d.source();
        Map<String, String> metadata = d == null ? Map.of() : d.metadata();
        entries.put(c.id(), ChunkEntry.of(c, title, source, metadata));
        byDocument.computeIfAbsent(c.documentId(), x -> new ArrayList<>()).add(c.id());
      }
      if (vectorIndex instanceof HnswVectorIndex hnsw) {
        if (hnsw.holdsExactly(tenant, chunks)) {
          LOG.info("Vector index of tenant {} already holds its {} stored chunks (loaded from a "
              + "file); not rebuilt", tenant, chunks.size());
        } else {
          hnsw.rebuild(tenant, chunks);
        }
      } else {
        for (String id : state.entries.keySet()) {
          if (!entries.containsKey(id)) {
            vectorIndex.remove(tenant, id);
          }
        }
        for (KnowledgeChunk c : chunks) {
          vectorIndex.add(tenant, c.id(), c.embedding());
        }
      }
      lexicalIndex.clear(tenant);
      for (ChunkEntry e : entries.values()) {
        lexicalIndex.add(tenant, e.chunkId(), e.indexText());
      }
      if (frequencies != null) {
        for (ChunkEntry old : state.entries.values()) {
          frequencies.remove(old.indexText());
        }
        for (ChunkEntry e : entries.values()) {
          frequencies.add(e.indexText());
        }
      }
      state.entries.putAll(entries);
      state.entries.keySet().retainAll(entries.keySet());
      state.chunkIdsByDocument.clear();
      byDocument.forEach((d, ids) -> state.chunkIdsByDocument.put(d, List.copyOf(ids)));
      return entries.size();
    } finally {
      state.lock.unlock();
    }
  }

  // ---------------------------------------------------------------- answering

  @Override
  public Answer answer(TenantId tenant, String question, List<ChatMessage> history) {
    return answer(tenant, question, history, RetrievalFilter.none());
  }

  /**
   * {@inheritDoc} Filtered passages are found by walking the vector graph for accepted passages
   * only, or, when the filter accepts at most 2,000 passages, by an exact scan of them; BM25 scores
   * accepted passages only.
   */
  @Override
  public Answer answer(TenantId tenant, String question, List<ChatMessage> history,
      RetrievalFilter filter) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(filter, "filter");
    TenantState state = states.get(tenant);
    if (state == null || state.entries.isEmpty()) {
      return notFound();
    }
    List<String> stems = TextAnalyzer.stems(question);
    if (stems.isEmpty()) {
      return notFound(); // only stopwords and punctuation: "hello", "thanks!"
    }
    Retrieval retrieval = retrieve(tenant, state, question, stems, filter, RetrievalMode.HYBRID,
        topK, true);
    if (retrieval.passages.isEmpty()) {
      String previous = previousCustomerMessage(history, question);
      if (previous != null) {
        String expanded = previous + "\n" + question;
        retrieval = retrieve(tenant, state, expanded, TextAnalyzer.stems(expanded), filter,
            RetrievalMode.HYBRID, topK, true);
      }
    }
    if (retrieval.passages.isEmpty()) {
      return notFound();
    }
    List<Source> sources = new ArrayList<>(retrieval.passages.size());
    double best = 0;
    for (ExtractiveAnswerer.Passage p : retrieval.passages) {
      sources.add(source(p));
      best = Math.max(best, p.score());
    }
    double confidence = confidence(best);
    if (chatModel == null) {
      String text = extractive.answer(retrieval.stems, retrieval.passages,
          stem -> lexicalIndex.idf(tenant, stem));
      return new Answer(text, sources, confidence, Optional.empty());
    }
    List<ChatModel.Turn> prompt = prompt(retrieval.passages, history, question);
    long start = System.nanoTime();
    ChatModel.Response response = chatModel.chat(prompt);
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    ModelUsage usage = response.usage() != null ? response.usage()
        : new ModelUsage(chatModel.getClass().getSimpleName(), 0, 0, latency);
    String text = response.text() == null ? "" : response.text().strip();
    if (text.isEmpty()) {
      LOG.warn("Chat model returned an empty answer for tenant {}; answering extractively", tenant);
      text = extractive.answer(retrieval.stems, retrieval.passages,
          stem -> lexicalIndex.idf(tenant, stem));
    }
    return new Answer(text, sources, confidence, Optional.of(usage));
  }

  /**
   * Ranks the tenant's passages for a query without answering: the retrieval step of {@link
   * #answer}, for evaluation, debugging and search boxes. Unlike answering, no passage is dropped
   * for a low score and no diversification applies; the score of each source is its cosine with
   * the query (for {@link RetrievalMode#LEXICAL}, its BM25 score).
   *
   * @param limit 1 to 1000 passages, best first
   */
  public List<Source> search(TenantId tenant, String query, int limit, RetrievalMode mode,
      RetrievalFilter filter) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(filter, "filter");
    if (limit < 1 || limit > 1000) {
      throw WacandaException.invalid("limit must be 1..1000, was " + limit);
    }
    TenantState state = states.get(tenant);
    if (state == null || state.entries.isEmpty()) {
      return List.of();
    }
    Retrieval r = retrieve(tenant, state, query, TextAnalyzer.stems(query), filter, mode, limit,
        false);
    List<Source> out = new ArrayList<>(r.passages.size());
    for (ExtractiveAnswerer.Passage p : r.passages) {
      out.add(source(p));
    }
    return out;
  }

  private static Source source(ExtractiveAnswerer.Passage p) {
    ChunkEntry c = p.chunk();
    return new Source(c.documentId(), c.source(), c.title(), c.text(), p.score(), c.chunkId(),
        c.headingPath(), c.position());
  }

  /** The formula of the class comment. */
  double confidence(double bestCosine) {
    if (bestCosine < minScore) {
      return 0;
    }
    double c = 0.2 + 0.8 * (bestCosine - minScore) / (confidentScore - minScore);
    return Math.max(0, Math.min(1, c));
  }

  private Answer notFound() {
    return new Answer(extractive.noAnswer(), List.of(), 0.0, Optional.empty());
  }

  private record Retrieval(List<String> stems, List<ExtractiveAnswerer.Passage> passages) {}

  /**
   * @param forAnswer drop passages under minScore and diversify when configured; otherwise rank
   *     only
   */
  private Retrieval retrieve(TenantId tenant, TenantState state, String query,
      List<String> stems, RetrievalFilter filter, RetrievalMode mode, int limit,
      boolean forAnswer) {
    Predicate<String> accept = null;
    List<ChunkEntry> allowed = null;
    if (!filter.isEmpty()) {
      allowed = new ArrayList<>();
      for (ChunkEntry e : state.entries.values()) {
        if (filter.accepts(e.documentId(), e.source(), e.metadata())) {
          allowed.add(e);
        }
      }
      if (allowed.isEmpty()) {
        return new Retrieval(stems, List.of());
      }
      Set<String> ids = new HashSet<>();
      for (ChunkEntry e : allowed) {
        ids.add(e.chunkId());
      }
      accept = ids::contains;
    }
    int k = Math.max(candidates, limit);
    float[] q = mode == RetrievalMode.LEXICAL ? null : embeddingModel.embed(query);
    Map<String, Double> vectorScores = new HashMap<>();
    if (q != null) {
      List<VectorIndex.Hit> vectorHits;
      if (allowed != null && allowed.size() <= exactFilterLimit) {
        vectorHits = exactSearch(allowed, q, k);
      } else if (accept != null) {
        vectorHits = vectorIndex.search(tenant, q, k, accept);
      } else {
        vectorHits = vectorIndex.search(tenant, q, k);
      }
      for (VectorIndex.Hit h : vectorHits) {
        vectorScores.put(h.chunkId(), h.score());
      }
    }
    Bm25Index.Scores lexical = mode == RetrievalMode.VECTOR ? Bm25Index.Scores.NONE
        : lexicalIndex.scores(tenant, stems, accept);
    List<RankFusion.Fused> fused = new ArrayList<>();
    if (mode == RetrievalMode.LEXICAL) {
      for (Bm25Index.Hit h : Bm25Index.top(lexical.byChunk(), k)) {
        fused.add(new RankFusion.Fused(h.chunkId(), 0, lexical.normalized(h.chunkId()),
            h.score()));
      }
    } else {
      Map<String, Double> candidates = new HashMap<>(vectorScores);
      for (Bm25Index.Hit h : Bm25Index.top(lexical.byChunk(), k)) {
        ChunkEntry entry = state.entries.get(h.chunkId());
        if (entry != null && !candidates.containsKey(h.chunkId())) {
          candidates.put(h.chunkId(), RankFusion.dot(q, entry.embedding()));
        }
      }
      Map<String, Double> normalized = new HashMap<>();
      for (String id : candidates.keySet()) {
        normalized.put(id, lexical.normalized(id));
      }
      fused = RankFusion.fuse(candidates, normalized,
          mode == RetrievalMode.HYBRID ? lexicalWeight : 0);
    }
    List<ExtractiveAnswerer.Passage> relevant = new ArrayList<>();
    for (RankFusion.Fused f : fused) {
      ChunkEntry entry = state.entries.get(f.chunkId());
      if (entry == null) {
        continue; // removed meanwhile
      }
      double score = f.vector();
      if (mode == RetrievalMode.LEXICAL) {
        score = f.score();
      }
      if (!forAnswer || mode == RetrievalMode.LEXICAL || score >= minScore) {
        relevant.add(new ExtractiveAnswerer.Passage(entry, score));
      }
      if ((!forAnswer || !diversify) && relevant.size() == limit) {
        break;
      }
    }
    if (forAnswer && diversify && relevant.size() > 1) {
      List<float[]> vectors = new ArrayList<>(relevant.size());
      double[] relevance = new double[relevant.size()];
      for (int i = 0; i < relevant.size(); i++) {
        vectors.add(relevant.get(i).chunk().embedding());
        relevance[i] = relevant.get(i).score();
      }
      List<ExtractiveAnswerer.Passage> chosen = new ArrayList<>();
      for (int i : RankFusion.maximalMarginalRelevance(vectors, relevance, limit, mmrLambda,
          DUPLICATE_SIMILARITY)) {
        chosen.add(relevant.get(i));
      }
      relevant = chosen;
    }
    return new Retrieval(stems, relevant);
  }

  private static List<VectorIndex.Hit> exactSearch(List<ChunkEntry> entries, float[] q, int k) {
    List<VectorIndex.Hit> hits = new ArrayList<>(entries.size());
    for (ChunkEntry e : entries) {
      hits.add(new VectorIndex.Hit(e.chunkId(), RankFusion.dot(q, e.embedding())));
    }
    hits.sort((x, y) -> {
      int c = Double.compare(y.score(), x.score());
      return c != 0 ? c : x.chunkId().compareTo(y.chunkId());
    });
    return hits.size() > k ? List.copyOf(hits.subList(0, k)) : hits;
  }

  private static String previousCustomerMessage(List<ChatMessage> history, String question) {
    for (int i = history.size() - 1; i >= 0; i--) {
      ChatMessage m = history.get(i);
      if (m.role() == MessageRole.CUSTOMER && !m.text().isBlank()
          && !m.text().strip().equals(question.strip())) {
        return m.text();
      }
    }
    return null;
  }

  /**
   * System prompt with the numbered passages that fit the budget, the most recent history that
   * fits what is left, then the question.
   */
  List<ChatModel.Turn> prompt(List<ExtractiveAnswerer.Passage> passages,
      List<ChatMessage> history, String question) {
    int budget = promptBudgetChars;
    StringBuilder block = new StringBuilder();
    int number = 0;
    for (ExtractiveAnswerer.Passage p : passages) {
      ChunkEntry c = p.chunk();
      StringBuilder one = new StringBuilder();
      if (number > 0) {
        one.append("\n\n");
      }
      one.append('[').append(number + 1).append("] ").append(c.title());
      if (!c.headingPath().isEmpty() && !c.headingPath().equals(c.title())) {
        one.append(" > ").append(c.headingPath());
      }
      one.append('\n');
      String text = c.text();
      if (one.length() + text.length() > budget) {
        if (number > 0) {
          break; // the next passage does not fit: stop at the ones that do
        }
        text = cutAtSentence(text, Math.max(0, budget - one.length()));
        if (text.isEmpty()) {
          break;
        }
      }
      one.append(text);
      block.append(one);
      budget -= one.length();
      number++;
    }
    List<ChatModel.Turn> turns = new ArrayList<>();
    turns.add(new ChatModel.Turn("system",
        promptTemplate.replace(PASSAGES_PLACEHOLDER, block.toString())));
    List<ChatMessage> recent = new ArrayList<>();
    for (ChatMessage m : history) {
      if (m.role() != MessageRole.SYSTEM && !m.text().isBlank()) {
        recent.add(m);
      }
    }
    if (!recent.isEmpty()) {
      ChatMessage last = recent.get(recent.size() - 1);
      if (last.role() == MessageRole.CUSTOMER && last.text().strip().equals(question.strip())) {
        recent.remove(recent.size() - 1); // the question itself, already stored by the caller
      }
    }
    int from = Math.max(0, recent.size() - historyTurns);
    List<ChatModel.Turn> kept = new ArrayList<>();
    for (int i = recent.size() - 1; i >= from; i--) {
      ChatMessage m = recent.get(i);
      if (m.text().length() > budget) {
        break; // older messages would leave a gap in the conversation
      }
      budget -= m.text().length();
      kept.add(0, new ChatModel.Turn(m.role() == MessageRole.CUSTOMER ? "user" : "assistant",
          m.text()));
    }
    turns.addAll(kept);
    turns.add(new ChatModel.Turn("user", question));
    return turns;
  }

  /** The longest start of text within max characters ending at a sentence end, else at a word. */
  static String cutAtSentence(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (String sentence : TextAnalyzer.sentences(text)) {
      int extra = (out.length() == 0 ? 0 : 1) + sentence.length();
      if (out.length() + extra > max) {
        break;
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(sentence);
    }
    if (out.length() == 0 && max > 0) {
      List<String> pieces = ParagraphChunker.splitWords(text, max);
      return pieces.isEmpty() ? "" : pieces.get(0);
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- helpers

  private TenantState state(TenantId tenant) {
    return states.computeIfAbsent(tenant, t -> new TenantState());
  }

  /** {@code invoices-and-vat.txt -> Invoices and vat}. */
  static String titleFromFileName(String name) {
    String base = name.substring(0, name.lastIndexOf('.')).replace('-', ' ').replace('_', ' ')
        .strip();
    if (base.isEmpty()) {
      return name;
    }
    return Character.toUpperCase(base.charAt(0)) + base.substring(1);
  }

  static String chunkId(String documentId, int position) {
    return documentId + "#" + position;
  }

  static String contentHash(Document d) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
    StringBuilder header = new StringBuilder("wacanda-doc-v1\n")
        .append(DocumentParsers.baseType(d.mediaType())).append('\n')
        .append(d.title()).append('\n')
        .append(d.source()).append('\n');
    new TreeMap<>(d.metadata()).forEach((k, v) -> header.append(k).append('=').append(v)
        .append('\n'));
    header.append('\n');
    sha.update(header.toString().getBytes(StandardCharsets.UTF_8));
    d.digestContent(sha);
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public String toString() {
    return "DefaultRagEngine[embedding=" + embeddingModel + ", vectorIndex=" + vectorIndex
        + ", chatModel=" + (chatModel == null ? "extractive" : chatModel) + ", topK=" + topK
        + ", minScore=" + minScore + "]";
  }

  /** Per-tenant write lock and passage cache. */
  private static final class TenantState {
    final ReentrantLock lock = new ReentrantLock();
    final ConcurrentHashMap<String, ChunkEntry> entries = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, List<String>> chunkIdsByDocument = new ConcurrentHashMap<>();
  }

  /** Settings of a {@link DefaultRagEngine}; setters reject bad values at once. */
  public static final class Builder {
    private DocumentParsers parsers = DocumentParsers.defaults();
    private Chunker chunker;
    private EmbeddingModel embeddingModel;
    private VectorIndex vectorIndex;
    private Bm25Index lexicalIndex;
    private KnowledgeStore knowledgeStore;
    private ChatModel chatModel;
    private DocumentFrequencies frequencies;
    private int topK = DEFAULT_TOP_K;
    private double minScore = DEFAULT_MIN_SCORE;
    private double confidentScore = DEFAULT_CONFIDENT_SCORE;
    private int candidates = DEFAULT_CANDIDATES;
    private boolean diversify;
    private double mmrLambda = DEFAULT_MMR_LAMBDA;
    private String promptTemplate = DEFAULT_PROMPT_TEMPLATE;
    private int historyTurns = DEFAULT_HISTORY_TURNS;
    private int maxDocumentChars = DEFAULT_MAX_DOCUMENT_CHARS;
    private int maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
    private int promptBudgetChars = DEFAULT_PROMPT_BUDGET_CHARS;
    private int exactFilterLimit = DEFAULT_EXACT_FILTER_LIMIT;
    private double lexicalWeight = DEFAULT_LEXICAL_WEIGHT;
    private boolean lexicalWeightSet;
    private double headingWeight = DEFAULT_HEADING_WEIGHT;
    private boolean minScoreSet;
    private boolean confidentScoreSet;
    private String extractiveIntro = DEFAULT_EXTRACTIVE_INTRO;
    private String noAnswerText = DEFAULT_NO_ANSWER;
    private Clock clock = Clock.systemUTC();
    private boolean rebuildOnStart = true;

    private Builder() {}

    /** Parsers by media type. Default {@link DocumentParsers#defaults()}: text, Markdown, HTML. */
    public Builder parsers(DocumentParsers parsers) {
      this.parsers = Objects.requireNonNull(parsers, "parsers");
      return this;
    }

    /** Default {@link ParagraphChunker} (800 characters, 100 overlap). */
    public Builder chunker(Chunker chunker) {
      this.chunker = Objects.requireNonNull(chunker, "chunker");
      return this;
    }

    /** Default {@link HashingEmbeddingModel} (1024 dimensions, offline). */
    public Builder embeddingModel(EmbeddingModel embeddingModel) {
      this.embeddingModel = Objects.requireNonNull(embeddingModel, "embeddingModel");
      return this;
    }

    /** Default {@link HnswVectorIndex}. */
    public Builder vectorIndex(VectorIndex vectorIndex) {
      this.vectorIndex = Objects.requireNonNull(vectorIndex, "vectorIndex");
      return this;
    }

    /** Default {@link Bm25Index} (k1 1.2, b 0.75). */
    public Builder lexicalIndex(Bm25Index lexicalIndex) {
      this.lexicalIndex = Objects.requireNonNull(lexicalIndex, "lexicalIndex");
      return this;
    }

    /** Source of truth for documents and passages. Default a new {@link InMemoryKnowledgeStore}. */
    public Builder knowledgeStore(KnowledgeStore knowledgeStore) {
      this.knowledgeStore = Objects.requireNonNull(knowledgeStore, "knowledgeStore");
      return this;
    }

    /** The model that writes answers. Default none: extractive answers quoting the passages. */
    public Builder chatModel(ChatModel chatModel) {
      this.chatModel = Objects.requireNonNull(chatModel, "chatModel");
      return this;
    }

    /**
     * Counts the engine keeps current for IDF weighting of {@link HashingEmbeddingModel}; the
     * default embedding model then uses them. A configured {@link HashingEmbeddingModel} must use
     * the same instance (or set none here: its own are taken). Default none (IDF off); see
     * {@link HashingEmbeddingModel} about stored vectors.
     */
    public Builder documentFrequencies(DocumentFrequencies frequencies) {
      this.frequencies = Objects.requireNonNull(frequencies, "frequencies");
      return this;
    }

    /** Passages an answer is drawn from, 1 to 50. Default 4. */
    public Builder topK(int topK) {
      if (topK < 1 || topK > 50) {
        throw WacandaException.invalid("topK must be 1..50, was " + topK);
      }
      this.topK = topK;
      return this;
    }

    /**
     * Smallest cosine (-1 to 1) for a passage to be relevant. Default the embedding model's
     * {@linkplain EmbeddingModel#calibration() calibration}, else 0.12.
     */
    public Builder minScore(double minScore) {
      if (!(minScore >= -1 && minScore <= 1)) {
        throw WacandaException.invalid("minScore must be -1..1, was " + minScore);
      }
      this.minScore = minScore;
      this.minScoreSet = true;
      return this;
    }

    /**
     * Cosine (-1 to 1, above minScore) at which confidence reaches 1.0. Default the embedding
     * model's {@linkplain EmbeddingModel#calibration() calibration}, else 0.45.
     */
    public Builder confidentScore(double confidentScore) {
      if (!(confidentScore >= -1 && confidentScore <= 1)) {
        throw WacandaException.invalid("confidentScore must be -1..1, was " + confidentScore);
      }
      this.confidentScore = confidentScore;
      this.confidentScoreSet = true;
      return this;
    }

    /** Candidates each retriever gives the fusion, 1 to 1000, at least topK. Default 20. */
    public Builder candidates(int candidates) {
      if (candidates < 1 || candidates > 1000) {
        throw WacandaException.invalid("candidates must be 1..1000, was " + candidates);
      }
      this.candidates = candidates;
      return this;
    }

    /**
     * Choose the sources by maximal marginal relevance, dropping near-duplicates (cosine 0.95
     * or more with a chosen passage). Default off.
     */
    public Builder diversify(boolean diversify) {
      this.diversify = diversify;
      return this;
    }

    /** MMR trade-off, 0 (diversity) to 1 (relevance); used when diversifying. Default 0.7. */
    public Builder mmrLambda(double mmrLambda) {
      if (!(mmrLambda >= 0 && mmrLambda <= 1)) {
        throw WacandaException.invalid("mmrLambda must be 0..1, was " + mmrLambda);
      }
      this.mmrLambda = mmrLambda;
      return this;
    }

    /**
     * System prompt for the chat model; must contain {@code {passages}}. Default {@link
     * #DEFAULT_PROMPT_TEMPLATE}.
     */
    public Builder promptTemplate(String promptTemplate) {
      Objects.requireNonNull(promptTemplate, "promptTemplate");
      if (!promptTemplate.contains(PASSAGES_PLACEHOLDER)) {
        throw WacandaException.invalid("promptTemplate must contain " + PASSAGES_PLACEHOLDER);
      }
      this.promptTemplate = promptTemplate;
      return this;
    }

    /** History messages put in the prompt, 0 to 50. Default 6. */
    public Builder historyTurns(int historyTurns) {
      if (historyTurns < 0 || historyTurns > 50) {
        throw WacandaException.invalid("historyTurns must be 0..50, was " + historyTurns);
      }
      this.historyTurns = historyTurns;
      return this;
    }

    /** Largest document accepted, in characters, at least 1. Default 2,000,000. */
    public Builder maxDocumentChars(int maxDocumentChars) {
      if (maxDocumentChars < 1) {
        throw WacandaException.invalid("maxDocumentChars must be at least 1, was "
            + maxDocumentChars);
      }
      this.maxDocumentChars = maxDocumentChars;
      return this;
    }

    /** Largest binary document (PDF, ...) accepted, in bytes, at least 1. Default 20 MiB. */
    public Builder maxDocumentBytes(int maxDocumentBytes) {
      if (maxDocumentBytes < 1) {
        throw WacandaException.invalid("maxDocumentBytes must be at least 1, was "
            + maxDocumentBytes);
      }
      this.maxDocumentBytes = maxDocumentBytes;
      return this;
    }

    /**
     * Characters of passages and history a chat-model prompt may hold, 1,000 to 1,000,000 (about
     * four characters per token): passages are put in by rank until the next would not fit (the
     * best one is cut at a sentence to fit), then the most recent history messages that fit.
     * The instructions and the question come on top. Default 12,000.
     */
    public Builder promptBudgetChars(int promptBudgetChars) {
      if (promptBudgetChars < 1_000 || promptBudgetChars > 1_000_000) {
        throw WacandaException.invalid("promptBudgetChars must be 1000..1000000, was "
            + promptBudgetChars);
      }
      this.promptBudgetChars = promptBudgetChars;
      return this;
    }

    /**
     * Weight of the lexical score in hybrid retrieval, 0 (vector only) to 1: a candidate's score
     * is {@code vectorSimilarity + lexicalWeight * bm25 / bm25Ceiling}, where the ceiling is the
     * score a passage would reach with every term of the question infinitely often (so the
     * lexical part, in {@code [0, 1)}, says how much of the question a passage matches).
     * Default the embedding model's {@linkplain EmbeddingModel#calibration() calibration}, else
     * 1.0.
     */
    public Builder lexicalWeight(double lexicalWeight) {
      if (!(lexicalWeight >= 0 && lexicalWeight <= 1)) {
        throw WacandaException.invalid("lexicalWeight must be 0..1, was " + lexicalWeight);
      }
      this.lexicalWeight = lexicalWeight;
      this.lexicalWeightSet = true;
      return this;
    }

    /**
     * Weight of a passage's section heading in its vector, 0 to 1: the passage's text and its
     * section's title and heading path are embedded apart (the heading once per section) and
     * the passage's vector is {@code (text + headingWeight * heading) / (1 + headingWeight)},
     * so its inner product with a question is the weighted mean of the two cosines. 0 embeds the
     * text alone. Changing it applies to passages embedded afterwards (see {@link
     * DefaultRagEngine#reembed}). Default 0.3.
     */
    public Builder headingWeight(double headingWeight) {
      if (!(headingWeight >= 0 && headingWeight <= 1)) {
        throw WacandaException.invalid("headingWeight must be 0..1, was " + headingWeight);
      }
      this.headingWeight = headingWeight;
      return this;
    }

    /** Tests: filters accepting at most this many passages are scanned exactly. */
    Builder exactFilterLimit(int limit) {
      this.exactFilterLimit = limit;
      return this;
    }

    /** First line of an extractive answer. Default "Here is what I found in our help centre:". */
    public Builder extractiveIntro(String extractiveIntro) {
      if (extractiveIntro == null || extractiveIntro.isBlank()) {
        throw WacandaException.invalid("extractiveIntro must not be blank");
      }
      this.extractiveIntro = extractiveIntro.strip();
      return this;
    }

    /** The answer when nothing relevant is found. Default {@link #DEFAULT_NO_ANSWER}. */
    public Builder noAnswerText(String noAnswerText) {
      if (noAnswerText == null || noAnswerText.isBlank()) {
        throw WacandaException.invalid("noAnswerText must not be blank");
      }
      this.noAnswerText = noAnswerText.strip();
      return this;
    }

    /** Clock for {@link KnowledgeDocument#ingestedAt()}. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Rebuild the indexes from the store in the constructor. Default on. */
    public Builder rebuildOnStart(boolean rebuildOnStart) {
      this.rebuildOnStart = rebuildOnStart;
      return this;
    }

    /**
     * @throws WacandaException when confidentScore is not above minScore, candidates is below
     *     topK, or document frequencies disagree with the embedding model
     */
    public DefaultRagEngine build() {
      return new DefaultRagEngine(resolve());
    }

    private Builder resolve() {
      if ((minScoreSet || confidentScoreSet || embeddingModel == null
          || embeddingModel.calibration().isEmpty()) && confidentScore <= minScore) {
        throw WacandaException.invalid("confidentScore (" + confidentScore
            + ") must be above minScore (" + minScore + ")");
      }
      if (candidates < topK) {
        throw WacandaException.invalid("candidates (" + candidates + ") must be at least topK ("
            + topK + ")");
      }
      resolvedFrequencies();
      if (chunker == null) {
        chunker = ParagraphChunker.create();
      }
      if (vectorIndex == null) {
        vectorIndex = HnswVectorIndex.create();
      }
      if (lexicalIndex == null) {
        lexicalIndex = Bm25Index.create();
      }
      if (knowledgeStore == null) {
        knowledgeStore = InMemoryKnowledgeStore.create();
      }
      return this;
    }

    private DocumentFrequencies resolvedFrequencies() {
      if (embeddingModel == null) {
        return frequencies;
      }
      if (embeddingModel instanceof HashingEmbeddingModel hashing) {
        DocumentFrequencies own = hashing.documentFrequencies().orElse(null);
        if (frequencies != null && own != frequencies) {
          throw WacandaException.invalid("documentFrequencies must be the instance the "
              + "HashingEmbeddingModel was built with");
        }
        return own;
      }
      if (frequencies != null) {
        throw WacandaException.invalid("documentFrequencies only applies to "
            + "HashingEmbeddingModel, not " + embeddingModel.getClass().getSimpleName());
      }
      return null;
    }
  }
}
