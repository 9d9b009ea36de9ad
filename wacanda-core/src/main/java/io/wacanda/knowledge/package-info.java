/**
 * Keeping a tenant's knowledge base filled and current from where the knowledge lives: {@link
 * io.wacanda.knowledge.WebFetcher} fetches pages through the {@link
 * io.wacanda.security.UrlGuard} (every redirect checked, timeouts, size cap, content types);
 * {@link io.wacanda.knowledge.SiteCrawler} crawls one site or sitemap within a depth and page
 * budget, honouring robots.txt and de-duplicating by normal and canonical URL; {@link
 * io.wacanda.knowledge.KnowledgeSync} keeps registered {@link
 * io.wacanda.knowledge.KnowledgeSource}s (folders, sites, sitemaps) in step on a schedule, content
 * hashes skipping unchanged documents and deletions following the source; {@link
 * io.wacanda.knowledge.KnowledgeBase} is what the {@code /admin/knowledge} routes operate on.
 * Every call is scoped by tenant; every type is thread-safe unless its javadoc says otherwise.
 * Non-null by default: absent results are {@link java.util.Optional}, collections are empty,
 * never null.
 */
package io.wacanda.knowledge;
