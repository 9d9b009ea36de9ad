package io.wacanda.benchmarks.retrieval;

import io.wacanda.TenantId;
import io.wacanda.langchain4j.OfflineEmbeddings;
import io.wacanda.rag.DefaultRagEngine;
import io.wacanda.rag.Document;
import io.wacanda.rag.EmbeddingModel;
import io.wacanda.rag.HashingEmbeddingModel;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Ingestion throughput (passages per second through parse, chunk, embed and index), the time to
 * embed one question and the time of a whole hybrid search (embedding, HNSW, BM25, fusion; top
 * 5), for the offline all-MiniLM-L6-v2 embeddings (in the caller's thread, and with a 2-thread
 * executor; with the default heading weight, which embeds each section's heading once besides
 * the passages, and with heading weight 0, passages only) and for core's hashing embeddings.
 *
 * <pre>
 * java -cp ... io.wacanda.benchmarks.retrieval.IngestionBenchmark [--debian-dir DIR]
 * </pre>
 *
 * <p>Corpus: the Debian Reference HTML chapters when installed ({@code apt-get install
 * debian-reference-en}), else the quickstart's help centre copied 50 times under other ids.
 */
public final class IngestionBenchmark {

  private IngestionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path debianDir = Path.of("/usr/share/debian-reference");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--debian-dir")) {
        debianDir = Path.of(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    List<Document> corpus = new ArrayList<>();
    String name;
    if (Files.exists(debianDir.resolve("ch01.en.html"))) {
      corpus.addAll(RetrievalEvaluation.debian(debianDir).documents());
      name = "Debian Reference (12 HTML chapters, " + bytes(corpus) / 1024 + " KiB of HTML)";
    } else {
      List<Document> help = RetrievalEvaluation.helpCentre().documents();
      for (int copy = 0; copy < 50; copy++) {
        for (Document d : help) {
          corpus.add(Document.of(copy + "/" + d.id(), d.title(), d.source(), d.mediaType(),
              d.content()));
        }
      }
      name = "help centre x 50 (" + corpus.size() + " Markdown files)";
    }
    RetrievalEvaluation.out("Ingestion benchmark: %s, %d cores, Java %s", name,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    List<String> questions = new ArrayList<>();
    for (RetrievalEvaluation.Question q : RetrievalEvaluation.helpCentre().questions()) {
      questions.add(q.text());
    }

    RetrievalEvaluation.out("");
    RetrievalEvaluation.out("| embeddings | passages | ingestion | passages/s | question embedding "
        + "p50 | p95 | hybrid search p50 | p95 |");
    RetrievalEvaluation.out("|---|---:|---:|---:|---:|---:|---:|---:|");
    run("all-MiniLM-L6-v2 q (caller thread)", OfflineEmbeddings.allMiniLmL6V2(), corpus,
        questions);
    run("all-MiniLM-L6-v2 q (caller thread), heading weight 0", OfflineEmbeddings.allMiniLmL6V2(),
        corpus, questions, 0.0);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      run("all-MiniLM-L6-v2 q (2-thread executor)", OfflineEmbeddings.allMiniLmL6V2(pool),
          corpus, questions);
    } finally {
      pool.shutdown();
    }
    run("hashing (core default)", HashingEmbeddingModel.create(), corpus, questions);
  }

  static void run(String label, EmbeddingModel model, List<Document> corpus,
      List<String> questions) {
    run(label, model, corpus, questions, DefaultRagEngine.DEFAULT_HEADING_WEIGHT);
  }

  static void run(String label, EmbeddingModel model, List<Document> corpus,
      List<String> questions, double headingWeight) {
    // warm up the model and the JIT on a few texts
    for (int i = 0; i < 20; i++) {
      model.embed(questions.get(i % questions.size()));
    }
    DefaultRagEngine rag = DefaultRagEngine.builder().embeddingModel(model)
        .headingWeight(headingWeight).build();
    TenantId tenant = TenantId.of("bench");
    long t0 = System.nanoTime();
    int passages = 0;
    for (Document d : corpus) {
      passages += rag.ingest(tenant, d).chunks();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] micros = new long[Math.max(200, questions.size())];
    for (int i = 0; i < micros.length; i++) {
      String q = questions.get(i % questions.size());
      long s = System.nanoTime();
      model.embed(q);
      micros[i] = (System.nanoTime() - s) / 1000;
    }
    Arrays.sort(micros);
    long[] search = new long[micros.length];
    for (int i = 0; i < search.length; i++) {
      String q = questions.get(i % questions.size());
      long s = System.nanoTime();
      rag.search(tenant, q, 5, RetrievalMode.HYBRID, RetrievalFilter.none());
      search[i] = (System.nanoTime() - s) / 1000;
    }
    Arrays.sort(search);
    RetrievalEvaluation.out("| %s | %,d | %.1f s | %,.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms |",
        label, passages, seconds, passages / seconds, micros[micros.length / 2] / 1000.0,
        micros[(int) (micros.length * 0.95)] / 1000.0, search[search.length / 2] / 1000.0,
        search[(int) (search.length * 0.95)] / 1000.0);
  }

  private static long bytes(List<Document> docs) {
    long n = 0;
    for (Document d : docs) {
      n += d.size();
    }
    return n;
  }
}
