/**
 * Binding of the HTTP layer to the JDK's built-in {@code com.sun.net.httpserver} server, the embedded default. Non-null by default.
 */
package io.wacanda.http.jdk;
