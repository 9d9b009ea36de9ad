package io.wacanda.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.wacanda.ErrorCode;
import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.internal.Ids;
import io.wacanda.knowledge.KnowledgeBase;
import io.wacanda.knowledge.KnowledgeSource;
import io.wacanda.knowledge.SourceSpec;
import io.wacanda.knowledge.SyncReport;
import io.wacanda.rag.Answer;
import io.wacanda.rag.Document;
import io.wacanda.rag.IngestResult;
import io.wacanda.rag.KnowledgeChunk;
import io.wacanda.rag.KnowledgeDocument;
import io.wacanda.rag.RetrievalFilter;
import io.wacanda.rag.RetrievalMode;
import io.wacanda.rag.Source;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /admin/knowledge/**}: documents (list, upload, read, re-ingest, delete one or by source),
 * knowledge sources (list, add, read, remove, sync) and retrieval checks (search, ask). Document
 * ids in paths are percent-encoded (ids of synced documents hold URLs).
 */
final class KnowledgeAdminApi {

  private static final int MAX_CONTENT_CHARS = 2_000_000;

  private final KnowledgeBase knowledge;

  KnowledgeAdminApi(KnowledgeBase knowledge) {
    this.knowledge = knowledge;
  }

  HttpResponse handle(HttpRequest request, TenantId tenant, String[] p) {
    String m = request.method();
    // p[0] == "admin", p[1] == "knowledge"
    if (p.length >= 3 && p[2].equals("documents")) {
      return documents(request, tenant, p, m);
    }
    if (p.length >= 3 && p[2].equals("sources")) {
      return sources(request, tenant, p, m);
    }
    if (p.length == 3 && p[2].equals("search")) {
      require(m, "POST");
      JsonNode body = Requests.jsonObject(request);
      String query = Requests.requiredText(body, "query", 2000);
      int limit = body.path("limit").asInt(10);
      if (limit < 1 || limit > 100) {
        throw WacandaException.invalid("'limit' must be 1..100");
      }
      RetrievalMode mode = mode(Requests.optionalText(body, "mode", 20).orElse("hybrid"));
      List<Map<String, Object>> out = new ArrayList<>();
      for (Source s : knowledge.search(tenant, query, limit, mode, filter(body))) {
        out.add(source(s));
      }
      return Envelope.ok(out);
    }
    if (p.length == 3 && p[2].equals("ask")) {
      require(m, "POST");
      JsonNode body = Requests.jsonObject(request);
      String question = Requests.requiredText(body, "question", 2000);
      Answer a = knowledge.ask(tenant, question, filter(body));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("answer", a.text());
      out.put("confidence", Math.round(a.confidence() * 1000) / 1000.0);
      List<Map<String, Object>> sources = new ArrayList<>();
      a.sources().forEach(s -> sources.add(source(s)));
      out.put("sources", sources);
      return Envelope.ok(out);
    }
    throw WacandaException.notFound("route", m + " " + request.path());
  }

  private HttpResponse documents(HttpRequest request, TenantId tenant, String[] p, String m) {
    if (p.length == 3) {
      switch (m) {
        case "GET": {
          List<Map<String, Object>> out = new ArrayList<>();
          knowledge.documents(tenant, request.queryParam("source"),
              request.queryParam("knowledge_source")).forEach(d -> out.add(document(d)));
          return Envelope.ok(out);
        }
        case "POST":
          return Envelope.ok(201, ingested(knowledge.ingest(tenant, uploaded(request))));
        case "DELETE": {
          Optional<String> source = request.queryParam("source");
          Optional<String> ks = request.queryParam("knowledge_source");
          if (source.isPresent() == ks.isPresent()) {
            throw WacandaException.invalid("say which documents to delete: ?source=<path or URL "
                + "prefix> or ?knowledge_source=<source id>");
          }
          List<String> deleted = source.isPresent()
              ? knowledge.deleteBySource(tenant, source.get())
              : knowledge.deleteByKnowledgeSource(tenant, ks.get());
          return Envelope.ok(Map.of("deleted", deleted, "count", deleted.size()));
        }
        default:
          throw notAllowed(m);
      }
    }
    String id = decode(p[3]);
    if (p.length == 4) {
      switch (m) {
        case "GET": {
          KnowledgeDocument d = knowledge.document(tenant, id)
              .orElseThrow(() -> WacandaException.notFound("document", id));
          Map<String, Object> out = document(d);
          List<Map<String, Object>> chunks = new ArrayList<>();
          for (KnowledgeChunk c : knowledge.chunks(tenant, id)) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("id", c.id());
            cm.put("position", c.position());
            cm.put("heading_path", c.headingPath());
            cm.put("text", c.text());
            chunks.add(cm);
          }
          out.put("chunks", chunks);
          return Envelope.ok(out);
        }
        case "DELETE":
          if (!knowledge.delete(tenant, id)) {
            throw WacandaException.notFound("document", id);
          }
          return Envelope.ok(Map.of("id", id, "deleted", true));
        default:
          throw notAllowed(m);
      }
    }
    if (p.length == 5 && p[4].equals("reingest")) {
      require(m, "POST");
      return Envelope.ok(ingested(knowledge.reingest(tenant, id)));
    }
    throw WacandaException.notFound("route", m + " " + request.path());
  }

  private HttpResponse sources(HttpRequest request, TenantId tenant, String[] p, String m) {
    if (p.length == 3) {
      if (m.equals("GET")) {
        List<Map<String, Object>> out = new ArrayList<>();
        knowledge.sources().list(tenant).forEach(s -> out.add(source(s)));
        return Envelope.ok(out);
      }
      require(m, "POST");
      JsonNode body = Requests.jsonObject(request);
      return Envelope.ok(201, source(knowledge.sources().add(tenant, spec(body))));
    }
    String id = p[3];
    if (p.length == 4) {
      switch (m) {
        case "GET":
          return Envelope.ok(source(knowledge.sources().find(tenant, id)
              .orElseThrow(() -> WacandaException.notFound("knowledge source", id))));
        case "DELETE": {
          boolean withDocuments = request.queryParam("delete_documents")
              .map(v -> v.equalsIgnoreCase("true")).orElse(false);
          int deleted = knowledge.sources().remove(tenant, id, withDocuments);
          return Envelope.ok(Map.of("id", id, "deleted", true, "documents_deleted", deleted));
        }
        default:
          throw notAllowed(m);
      }
    }
    if (p.length == 5 && p[4].equals("sync")) {
      require(m, "POST");
      return Envelope.ok(report(knowledge.sources().sync(tenant, id)));
    }
    throw WacandaException.notFound("route", m + " " + request.path());
  }

  // ---------------------------------------------------------------- reading requests

  private static Document uploaded(HttpRequest request) {
    JsonNode body = Requests.jsonObject(request);
    String id = Requests.optionalText(body, "id", 500).filter(s -> !s.isBlank())
        .orElseGet(() -> Ids.next("doc"));
    String title = Requests.optionalText(body, "title", 500).orElse("");
    String source = Requests.optionalText(body, "source", 2000).orElse("");
    String mediaType = Requests.optionalText(body, "media_type", 100).orElse("text/plain");
    Map<String, String> metadata = Requests.stringMap(body, "metadata");
    Optional<String> content = Requests.optionalText(body, "content", MAX_CONTENT_CHARS);
    Optional<String> base64 = Requests.optionalText(body, "content_base64", MAX_CONTENT_CHARS);
    if (content.isPresent() == base64.isPresent()) {
      throw WacandaException.invalid("send either 'content' (text) or 'content_base64' (bytes, "
          + "for PDF and other binary types)");
    }
    if (content.isPresent()) {
      return new Document(id, title, source, mediaType, content.get(), metadata);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.get().strip());
    } catch (IllegalArgumentException e) {
      throw WacandaException.invalid("'content_base64' is not valid base64");
    }
    if (bytes.length == 0) {
      throw WacandaException.invalid("'content_base64' is empty");
    }
    return Document.ofBytes(id, title, source, mediaType, bytes, metadata);
  }

  private static SourceSpec spec(JsonNode body) {
    String kindText = Requests.requiredText(body, "kind", 20);
    SourceSpec.Kind kind;
    try {
      kind = SourceSpec.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw WacandaException.invalid("'kind' must be folder, web or sitemap");
    }
    String location = Requests.requiredText(body, "location", 2000);
    int maxDepth = intField(body, "max_depth",
        kind == SourceSpec.Kind.WEB ? SourceSpec.DEFAULT_MAX_DEPTH : 0);
    int maxPages = intField(body, "max_pages", SourceSpec.DEFAULT_MAX_PAGES);
    String pathPrefix = Requests.optionalText(body, "path_prefix", 500).orElse("/");
    int refreshMinutes = intField(body, "refresh_minutes", 0);
    if (refreshMinutes < 0 || refreshMinutes > 525_600) {
      throw WacandaException.invalid("'refresh_minutes' must be 0..525600");
    }
    return new SourceSpec(kind, location, maxDepth, maxPages, pathPrefix,
        Duration.ofMinutes(refreshMinutes), Requests.stringMap(body, "tags"));
  }

  private static int intField(JsonNode body, String field, int dflt) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw WacandaException.invalid("'" + field + "' must be an integer");
    }
    return v.asInt();
  }

  private static RetrievalFilter filter(JsonNode body) {
    JsonNode f = body.get("filter");
    if (f == null || f.isNull()) {
      return RetrievalFilter.none();
    }
    if (!f.isObject()) {
      throw WacandaException.invalid("'filter' must be an object");
    }
    RetrievalFilter.Builder b = RetrievalFilter.builder();
    b.documentIds(strings(f, "document_ids"));
    b.sources(strings(f, "sources"));
    b.tags(strings(f, "tags"));
    Requests.stringMap(f, "metadata").forEach(b::metadata);
    return b.build();
  }

  private static String[] strings(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return new String[0];
    }
    if (!v.isArray()) {
      throw WacandaException.invalid("'filter." + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw WacandaException.invalid("'filter." + field + "' must be an array of strings");
      }
      out.add(e.asText());
    }
    return out.toArray(new String[0]);
  }

  private static RetrievalMode mode(String text) {
    try {
      return RetrievalMode.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw WacandaException.invalid("'mode' must be hybrid, vector or lexical");
    }
  }

  /** Percent-decoding of a path segment ({@code +} stays a plus). */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw WacandaException.invalid("bad percent-encoding in path");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c == '%') {
        throw WacandaException.invalid("bad percent-encoding in path");
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void require(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new WacandaException(ErrorCode.METHOD_NOT_ALLOWED,
          actual + " not allowed here; use " + expected);
    }
  }

  private static WacandaException notAllowed(String method) {
    return new WacandaException(ErrorCode.METHOD_NOT_ALLOWED, method + " not allowed here");
  }

  // ---------------------------------------------------------------- views

  private static Map<String, Object> document(KnowledgeDocument d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("title", d.title());
    m.put("source", d.source());
    m.put("media_type", d.mediaType());
    m.put("content_hash", d.contentHash());
    m.put("metadata", d.metadata());
    m.put("chunk_count", d.chunkCount());
    m.put("ingested_at", d.ingestedAt().toString());
    return m;
  }

  private static Map<String, Object> ingested(IngestResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("document_id", r.documentId());
    m.put("chunks", r.chunks());
    m.put("unchanged", r.unchanged());
    return m;
  }

  private static Map<String, Object> source(Source s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("document_id", s.documentId());
    m.put("chunk_id", s.chunkId());
    m.put("source", s.source());
    m.put("title", s.title());
    m.put("heading_path", s.headingPath());
    m.put("position", s.position());
    m.put("text", s.text());
    m.put("score", Math.round(s.score() * 1000) / 1000.0);
    return m;
  }

  private static Map<String, Object> source(KnowledgeSource s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("kind", s.spec().kind().name().toLowerCase(Locale.ROOT));
    m.put("location", s.spec().location());
    m.put("max_depth", s.spec().maxDepth());
    m.put("max_pages", s.spec().maxPages());
    m.put("path_prefix", s.spec().pathPrefix());
    m.put("refresh_minutes", s.spec().refreshInterval().toMinutes());
    m.put("tags", s.spec().tags());
    m.put("created_at", s.createdAt().toString());
    m.put("last_sync", s.lastSync().map(KnowledgeAdminApi::report).orElse(null));
    return m;
  }

  private static Map<String, Object> report(SyncReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source_id", r.sourceId());
    m.put("started_at", r.startedAt().toString());
    m.put("finished_at", r.finishedAt().toString());
    m.put("added", r.added());
    m.put("updated", r.updated());
    m.put("unchanged", r.unchanged());
    m.put("deleted", r.deleted());
    m.put("failed", r.failed());
    m.put("complete", r.complete());
    m.put("errors", r.errors());
    m.put("error", r.error().orElse(null));
    return m;
  }
}
