/**
 * Retrieval harnesses, run by hand: {@link io.wacanda.benchmarks.retrieval.RetrievalEvaluation}
 * (labelled questions over the quickstart's help centre and the Debian Reference; hit@1, hit@5 and
 * MRR for lexical, vector and hybrid retrieval against a plain LangChain4j pipeline), {@link
 * io.wacanda.benchmarks.retrieval.HnswBenchmark} (recall@10 and queries per second of the HNSW
 * index against exact search on 100,000 clustered vectors, build rate, save and load) and {@link
 * io.wacanda.benchmarks.retrieval.IngestionBenchmark} (passages per second and question embedding
 * latency with the offline embeddings). Results in {@code docs/benchmarks.md}, section Retrieval.
 */
package io.wacanda.benchmarks.retrieval;
