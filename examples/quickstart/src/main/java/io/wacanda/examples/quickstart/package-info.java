/**
 * The runnable quickstart: Wacanda on embedded defaults behind the JDK's HTTP server, with a sample
 * help centre as its knowledge base and a demo {@code custom} integration; see
 * {@link io.wacanda.examples.quickstart.Quickstart}.
 */
package io.wacanda.examples.quickstart;
