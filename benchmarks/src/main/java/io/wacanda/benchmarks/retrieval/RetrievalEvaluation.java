package io.wacanda.benchmarks.retrieval;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.wacanda.TenantId;
import io.wacanda.langchain4j.LangChain4jEmbeddingModel;
import io.wacanda.langchain4j.OfflineEmbeddings;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.DocumentParser;
import io.wacanda.rag.EmbeddingModel;
import io.wacanda.rag.HashingEmbeddingModel;
import io.wacanda.rag.ParsedDocument;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The retrieval evaluation: labelled questions over a corpus, answered by Wacanda's retrieval
 * (lexical only, vector only, hybrid) and by a plain LangChain4j pipeline (recursive splitter,
 * in-memory store, the same embeddings) as the reference to beat; reports hit@1, hit@5 and MRR
 * (over the top 10) for each.
 *
 * <pre>
 * java -cp ... io.wacanda.benchmarks.retrieval.RetrievalEvaluation [--corpus helpcentre|debian|all]
 *     [--debian-dir /usr/share/debian-reference]
 * </pre>
 *
 * <p>Tuning aids: {@code --sweep} (hybrid over chunk sizes {@code -Dsweep.sizes=800,400}, heading
 * weights {@code -Dsweep.headings=0,0.3} and lexical weights {@code -Dsweep.weights=1.0,0.2};
 * {@code -Dsweep.model=hashing} for the hashing embeddings); {@code -Deval.diff=true} (help
 * centre questions whose rank differs between vector and hybrid retrieval).
 *
 * <p><b>Corpora.</b> {@code helpcentre}: the quickstart's sample help centre (6 Markdown files, on
 * the class path) with {@code retrieval/helpcentre-questions.tsv} (67 questions).
 * {@code debian}: the HTML chapters of the Debian Reference (Debian package {@code
 * debian-reference-en}, {@code apt-get install debian-reference-en}) with {@code
 * retrieval/debian-reference-questions.tsv} (41 questions); skipped with a message when the files
 * are absent.
 *
 * <p><b>What counts as a hit.</b> Each question is labelled with the section(s) that answer it.
 * A retrieved passage is a hit when it contains a run of 50 characters (whitespace collapsed, case
 * ignored) of a labelled section's text, or, when shorter, lies wholly inside it: the same test
 * for every pipeline, whatever its chunk boundaries. Sections come from Wacanda's own parsers
 * (Markdown headings, HTML {@code h1..h6}); the LangChain4j pipeline gets the raw Markdown, and
 * for the HTML corpus the same parsed text with its headings as lines (LangChain4j's core has no
 * HTML parser), so both read identical words.
 */
public final class RetrievalEvaluation {

  static final TenantId TENANT = TenantId.of("eval");
  static final List<String> HELP_CENTRE = List.of("orders.md", "shipping.md", "returns.md",
      "payments.md", "accounts.md", "contact.md");
  static final int WINDOW = 50;
  static final int DEPTH = 10;

  private RetrievalEvaluation() {}

  /** A labelled question. */
  record Question(String text, List<String> labels) {}

  /** A corpus: documents to ingest, labelled sections' texts, questions. */
  record Corpus(String name, List<Document> documents, Map<String, String> sections,
      List<Question> questions, Map<String, String> plainTexts) {}

  /** One pipeline's ranked passages for a question. */
  interface Retriever {
    List<String> retrieve(String question);
  }

  record Scores(double hit1, double hit5, double mrr) {}

  public static void main(String[] args) throws Exception {
    String which = "all";
    boolean sweep = false;
    Path debianDir = Path.of("/usr/share/debian-reference");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--corpus" -> which = args[++i];
        case "--debian-dir" -> debianDir = Path.of(args[++i]);
        case "--sweep" -> sweep = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    long t0 = System.nanoTime();
    LangChain4jEmbeddingModel minilm = OfflineEmbeddings.allMiniLmL6V2();
    out("Loaded all-MiniLM-L6-v2 (quantized ONNX, offline) in %d ms",
        (System.nanoTime() - t0) / 1_000_000);
    if (Boolean.getBoolean("eval.diff")) {
      Corpus c = helpCentre();
      DefaultRagEngine rag = ingest(c, minilm);
      for (Question q : c.questions()) {
        int v = rank(texts(rag, q.text(), RetrievalMode.VECTOR), q, c);
        int h = rank(texts(rag, q.text(), RetrievalMode.HYBRID), q, c);
        int l = rank(texts(rag, q.text(), RetrievalMode.LEXICAL), q, c);
        if (v != h) {
          out("vector %d hybrid %d lexical %d: %s", v, h, l, q.text());
        }
      }
      return;
    }
    if (sweep) {
      sweep(which.equals("debian") ? debian(debianDir) : helpCentre(), minilm);
      return;
    }
    if (which.equals("all") || which.equals("helpcentre")) {
      Corpus c = helpCentre();
      evaluate(c, minilm);
      calibration(c, minilm);
    }
    if (which.equals("all") || which.equals("debian")) {
      if (!Files.isDirectory(debianDir) || !Files.exists(debianDir.resolve("ch01.en.html"))) {
        out("");
        out("Debian Reference not found in %s: skipped. Install it with "
            + "'apt-get install debian-reference-en' (or pass --debian-dir).", debianDir);
      } else {
        evaluate(debian(debianDir), minilm);
      }
    }
  }

  // ---------------------------------------------------------------- evaluation

  static void evaluate(Corpus c, LangChain4jEmbeddingModel minilm) {
    out("");
    out("## %s: %d documents, %d labelled sections, %d questions", c.name(),
        c.documents().size(), c.sections().size(), c.questions().size());
    Map<String, Retriever> pipelines = new LinkedHashMap<>();
    DefaultRagEngine semantic = ingest(c, minilm);
    DefaultRagEngine hashing = ingest(c, HashingEmbeddingModel.create());
    pipelines.put("Wacanda lexical (BM25)", q -> texts(semantic, q, RetrievalMode.LEXICAL));
    pipelines.put("Wacanda vector (MiniLM, HNSW)", q -> texts(semantic, q, RetrievalMode.VECTOR));
    pipelines.put("Wacanda hybrid (MiniLM + BM25)",
        q -> texts(semantic, q, RetrievalMode.HYBRID));
    pipelines.put("Wacanda hybrid (hashing + BM25, no model)",
        q -> texts(hashing, q, RetrievalMode.HYBRID));
    pipelines.put("LangChain4j reference (recursive 800/100)", langChain4j(c, minilm, 800, 100));
    pipelines.put("LangChain4j reference (recursive 300/30)", langChain4j(c, minilm, 300, 30));
    out("");
    out("| pipeline | hit@1 | hit@5 | MRR@10 |");
    out("|---|---:|---:|---:|");
    Map<String, Scores> results = new LinkedHashMap<>();
    List<String> misses = new ArrayList<>();
    for (Map.Entry<String, Retriever> p : pipelines.entrySet()) {
      Scores s = score(c, p.getValue(), p.getKey().startsWith("Wacanda hybrid (MiniLM")
          ? misses : null);
      results.put(p.getKey(), s);
      out("| %s | %.3f | %.3f | %.3f |", p.getKey(), s.hit1(), s.hit5(), s.mrr());
    }
    Scores hybrid = results.get("Wacanda hybrid (MiniLM + BM25)");
    Scores bestRef = results.entrySet().stream().filter(e -> e.getKey().startsWith("LangChain4j"))
        .map(Map.Entry::getValue)
        .reduce((a, b) -> new Scores(Math.max(a.hit1(), b.hit1()), Math.max(a.hit5(), b.hit5()),
            Math.max(a.mrr(), b.mrr()))).orElseThrow();
    out("");
    out("Hybrid hit@5 %.3f (target >= 0.95: %s); above the best LangChain4j reference on hit@1 "
        + "(%.3f vs %.3f: %s) and hit@5 (%.3f vs %.3f: %s)", hybrid.hit5(),
        hybrid.hit5() >= 0.95 ? "met" : "NOT met", hybrid.hit1(), bestRef.hit1(),
        hybrid.hit1() > bestRef.hit1() ? "yes" : "no", hybrid.hit5(), bestRef.hit5(),
        hybrid.hit5() > bestRef.hit5() ? "yes" : "no");
    if (!misses.isEmpty()) {
      out("Hybrid misses (not in the top 5):");
      misses.forEach(m -> out("  - %s", m));
    }
  }

  /**
   * Hybrid retrieval over a grid of chunk sizes, heading weights and lexical weights (tuning aid);
   * {@code -Dsweep.model=hashing} sweeps core's hashing embeddings instead of MiniLM.
   */
  static void sweep(Corpus c, LangChain4jEmbeddingModel minilm) {
    EmbeddingModel model = System.getProperty("sweep.model", "minilm").equals("hashing")
        ? HashingEmbeddingModel.create() : minilm;
    out("| maxChars | headingWeight | lexicalWeight | hit@1 | hit@5 | MRR@10 |");
    out("|---:|---:|---:|---:|---:|---:|");
    double[] headings = Arrays.stream(System.getProperty("sweep.headings", "0.3").split(","))
        .mapToDouble(Double::parseDouble).toArray();
    int[] sizes = Arrays.stream(System.getProperty("sweep.sizes", "800,500,400,300").split(","))
        .mapToInt(Integer::parseInt).toArray();
    double[] weights = Arrays.stream(System.getProperty("sweep.weights", "1.0,0.6,0.4,0.2,0.0")
        .split(",")).mapToDouble(Double::parseDouble).toArray();
    for (int maxChars : sizes) {
      for (double h : headings) {
        // one ingestion per chunk size and heading weight; lexical weights only change queries
        DefaultRagEngine rag = DefaultRagEngine.builder().embeddingModel(model)
            .chunker(io.wacanda.rag.ParagraphChunker.builder().maxChars(maxChars)
                .overlapChars(Math.min(100, maxChars / 4)).build())
            .headingWeight(h).build();
        c.documents().forEach(d -> rag.ingest(TENANT, d));
        for (double w : weights) {
          DefaultRagEngine view = DefaultRagEngine.builder().embeddingModel(model)
              .knowledgeStore(rag.knowledgeStore()).headingWeight(h).lexicalWeight(w).build();
          Scores s = score(c, q -> texts(view, q, RetrievalMode.HYBRID), null);
          out("| %d | %.2f | %.2f | %.3f | %.3f | %.3f |", maxChars, h, w, s.hit1(), s.hit5(),
              s.mrr());
        }
      }
    }
  }

  static int rank(List<String> passages, Question q, Corpus c) {
    for (int i = 0; i < passages.size(); i++) {
      if (answers(passages.get(i), q, c)) {
        return i + 1;
      }
    }
    return 0;
  }

  static Scores score(Corpus c, Retriever r, List<String> misses) {
    int hit1 = 0;
    int hit5 = 0;
    double rr = 0;
    for (Question q : c.questions()) {
      List<String> passages = r.retrieve(q.text());
      int rank = 0;
      for (int i = 0; i < Math.min(DEPTH, passages.size()); i++) {
        if (answers(passages.get(i), q, c)) {
          rank = i + 1;
          break;
        }
      }
      if (rank == 1) {
        hit1++;
      }
      if (rank >= 1 && rank <= 5) {
        hit5++;
      } else if (misses != null) {
        misses.add(q.text() + " -> " + q.labels());
      }
      if (rank > 0) {
        rr += 1.0 / rank;
      }
    }
    int n = c.questions().size();
    return new Scores(hit1 / (double) n, hit5 / (double) n, rr / n);
  }

  /** Whether a passage holds a 50-character run of a labelled section, or lies inside one. */
  static boolean answers(String passage, Question q, Corpus c) {
    String p = norm(passage);
    for (String label : q.labels()) {
      String section = c.sections().get(label);
      if (section == null) {
        throw new IllegalStateException("no section " + label + " for: " + q.text());
      }
      if (p.length() < WINDOW) {
        if (!p.isBlank() && section.contains(p)) {
          return true;
        }
        continue;
      }
      for (int i = 0; i + WINDOW <= p.length(); i += 5) {
        if (section.contains(p.substring(i, i + WINDOW))) {
          return true;
        }
      }
    }
    return false;
  }

  static String norm(String s) {
    return String.join(" ", s.toLowerCase(Locale.ROOT).replace("#", " ").split("\\s+")).strip();
  }

  static DefaultRagEngine ingest(Corpus c, EmbeddingModel model) {
    DefaultRagEngine rag = DefaultRagEngine.builder().embeddingModel(model).build();
    for (Document d : c.documents()) {
      rag.ingest(TENANT, d);
    }
    return rag;
  }

  static List<String> texts(DefaultRagEngine rag, String q, RetrievalMode mode) {
    List<String> out = new ArrayList<>();
    for (Source s : rag.search(TENANT, q, DEPTH, mode, RetrievalFilter.none())) {
      out.add(s.text());
    }
    return out;
  }

  /** The reference: LangChain4j's recursive splitter, in-memory store, the same model. */
  static Retriever langChain4j(Corpus c, LangChain4jEmbeddingModel minilm, int size,
      int overlap) {
    dev.langchain4j.model.embedding.EmbeddingModel model = minilm.delegate();
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    var splitter = DocumentSplitters.recursive(size, overlap);
    for (Map.Entry<String, String> doc : c.plainTexts().entrySet()) {
      List<TextSegment> segments = splitter.split(dev.langchain4j.data.document.Document.from(
          doc.getValue(), Metadata.from("file", doc.getKey())));
      List<Embedding> embeddings = new ArrayList<>();
      for (int i = 0; i < segments.size(); i += 32) {
        embeddings.addAll(model.embedAll(segments.subList(i, Math.min(segments.size(), i + 32)))
            .content());
      }
      store.addAll(embeddings, segments);
    }
    return q -> {
      List<String> out = new ArrayList<>();
      for (EmbeddingMatch<TextSegment> m : store.search(EmbeddingSearchRequest.builder()
          .queryEmbedding(model.embed(q).content()).maxResults(DEPTH).build()).matches()) {
        out.add(m.embedded().text());
      }
      return out;
    };
  }

  /** Best cosines of answerable and off-topic questions: the basis of the model calibration. */
  static void calibration(Corpus c, LangChain4jEmbeddingModel minilm) {
    DefaultRagEngine rag = ingest(c, minilm);
    List<Double> answerable = new ArrayList<>();
    for (Question q : c.questions()) {
      answerable.add(rag.search(TENANT, q.text(), 1, RetrievalMode.VECTOR,
          RetrievalFilter.none()).get(0).score());
    }
    List<Double> offTopic = new ArrayList<>();
    for (String q : lines("/retrieval/off-topic-questions.txt")) {
      offTopic.add(rag.search(TENANT, q, 1, RetrievalMode.VECTOR, RetrievalFilter.none()).get(0)
          .score());
    }
    answerable.sort(null);
    offTopic.sort(null);
    out("");
    out("Calibration (best vector cosine per question, all-MiniLM-L6-v2):");
    out("  answerable (%d): min %.3f, p10 %.3f, median %.3f", answerable.size(),
        answerable.get(0), pct(answerable, 0.10), pct(answerable, 0.5));
    out("  off-topic  (%d): median %.3f, p90 %.3f, max %.3f", offTopic.size(),
        pct(offTopic, 0.5), pct(offTopic, 0.9), offTopic.get(offTopic.size() - 1));
    EmbeddingModel.Calibration cal = OfflineEmbeddings.ALL_MINILM_L6_V2_CALIBRATION;
    long answerableBelow = answerable.stream().filter(s -> s < cal.minScore()).count();
    long offAbove = offTopic.stream().filter(s -> s >= cal.minScore()).count();
    out("  with minScore %.2f: %d answerable questions would find nothing relevant, %d off-topic "
        + "ones would find something", cal.minScore(), answerableBelow, offAbove);
  }

  static double pct(List<Double> sorted, double p) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * (sorted.size() - 1))));
  }

  // ---------------------------------------------------------------- corpora

  static Corpus helpCentre() throws IOException {
    List<Document> docs = new ArrayList<>();
    Map<String, String> sections = new LinkedHashMap<>();
    Map<String, String> plain = new LinkedHashMap<>();
    for (String file : HELP_CENTRE) {
      String text = resource("/sample-kb/" + file);
      Document d = Document.of(file, "", "sample-kb/" + file, "text/markdown", text);
      docs.add(d);
      plain.put(file, text);
      for (ParsedDocument.Section s : DocumentParser.markdown().parse(d).sections()) {
        String name = s.headingPath().isEmpty() ? "" : s.headingPath().get(
            s.headingPath().size() - 1);
        sections.merge(file + "#" + name, norm(s.text()), (a, b) -> a + " " + b);
      }
    }
    return new Corpus("Help centre (quickstart sample knowledge base)", docs, sections,
        questions("/retrieval/helpcentre-questions.tsv", label -> label), plain);
  }

  static Corpus debian(Path dir) throws IOException {
    List<Document> docs = new ArrayList<>();
    Map<String, String> sections = new LinkedHashMap<>();
    Map<String, String> plain = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().matches("ch\\d+\\.en\\.html"))
          .sorted().toList();
    }
    for (Path f : files) {
      String html = Files.readString(f, StandardCharsets.UTF_8);
      String name = f.getFileName().toString();
      Document d = Document.of(name, "", f.toString(), "text/html", html);
      docs.add(d);
      StringBuilder text = new StringBuilder();
      for (ParsedDocument.Section s : DocumentParser.html().parse(d).sections()) {
        if (!s.headingPath().isEmpty()) {
          String heading = s.headingPath().get(s.headingPath().size() - 1);
          text.append(heading).append("\n\n");
          int space = heading.indexOf(". ");
          if (space > 0 && heading.substring(0, space).matches("[0-9.]+")) {
            sections.merge(heading.substring(0, space), norm(s.text()), (a, b) -> a + " " + b);
          }
        }
        text.append(s.text()).append("\n\n");
      }
      plain.put(name, text.toString());
    }
    return new Corpus("Debian Reference (debian-reference-en, HTML)", docs, sections,
        questions("/retrieval/debian-reference-questions.tsv", label -> label), plain);
  }

  static List<Question> questions(String resource, Function<String, String> label) {
    List<Question> out = new ArrayList<>();
    for (String line : lines(resource)) {
      String[] parts = line.split("\t");
      if (parts.length != 2) {
        throw new IllegalStateException("bad line in " + resource + ": " + line);
      }
      out.add(new Question(parts[0].strip(), Arrays.stream(parts[1].split("\\|"))
          .map(String::strip).map(label).toList()));
    }
    return out;
  }

  static List<String> lines(String resource) {
    return resource(resource).lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  static String resource(String name) {
    try (InputStream in = RetrievalEvaluation.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void out(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
