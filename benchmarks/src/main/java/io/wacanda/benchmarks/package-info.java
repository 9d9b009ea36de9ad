/**
 * Wacanda's load harness ({@link io.wacanda.benchmarks.LoadHarness}): acknowledgement throughput
 * of the {@code webhook} action through the JDK server binding against a bare JDK server,
 * acknowledgement latency at a constant rate measured from intended send times (coordinated
 * omission corrected, HdrHistogram), and chat turns per second, all on loopback in one process,
 * driven by a small keep-alive HTTP/1.1 client on NIO. Run by hand, never during the build's
 * tests; results and how to read them are in {@code docs/benchmarks.md}. Not API: everything but
 * the entry points is package-private. Nothing here accepts null.
 */
package io.wacanda.benchmarks;
