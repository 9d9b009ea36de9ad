/**
 * JMH micro-benchmarks of Wacanda's hot paths, in process: the default RAG engine's answer over
 * the quickstart's sample help centre, the built-in hashing embedder, and the external API's
 * {@code chat} and {@code webhook} actions called on the handler without HTTP. Run them with
 * {@code java -cp benchmarks/target/wacanda-benchmarks.jar org.openjdk.jmh.Main}; see {@code
 * docs/benchmarks.md}. Nothing here accepts null.
 */
package io.wacanda.benchmarks.jmh;
