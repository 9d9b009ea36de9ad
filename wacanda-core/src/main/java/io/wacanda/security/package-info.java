/**
 * Security primitives: AES-GCM sealing of secrets at rest with rotating key ids, integration API keys (hashed, shown once), Standard Webhooks signatures, the URL guard for user-typed URLs, rate limiting and admin authentication. Non-null by default.
 */
package io.wacanda.security;
