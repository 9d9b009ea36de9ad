/**
 * Wacanda: an embeddable SDK for AI customer service on messaging channels. A host builds a
 * {@link io.wacanda.Wacanda} instance and mounts its HTTP handler:
 *
 * <pre>{@code
 * Wacanda wacanda = Wacanda.builder()
 *     .secretKey("k1", keyBytes)            // AES-GCM key for secrets at rest
 *     .publicBaseUrl("https://bot.example.com")
 *     .build();
 * JdkHttpServerBinding.create(wacanda.httpHandler(), 8080).start();
 * }</pre>
 *
 * <p>Types in this package are the exception hierarchy and the tenant id. Everything is non-null
 * unless documented otherwise; absent results are {@link java.util.Optional}, collections are empty,
 * never null.
 */
package io.wacanda;
