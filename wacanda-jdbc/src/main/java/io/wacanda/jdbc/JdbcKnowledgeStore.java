package io.wacanda.jdbc;

import io.wacanda.TenantId;
import io.wacanda.WacandaException;
import io.wacanda.rag.KnowledgeChunk;
import io.wacanda.rag.KnowledgeDocument;
import io.wacanda.rag.KnowledgeStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KnowledgeStore} on {@code kb_documents} and {@code kb_chunks}, embeddings as float32
 * bytes (exact round trip). A save replaces the document and all its chunks in one transaction,
 * so readers see the old or the new version, never a mix; it rejects chunks that name another
 * tenant or document before touching the database, and chunk ids another document of the tenant
 * uses (CONFLICT).
 *
 * <p>Every save and delete also raises the tenant's row in {@code kb_revisions} by one, in the
 * same transaction: the row lock orders a tenant's writers, and {@link KnowledgeFollower}
 * compares revisions to find tenants whose indexes another instance changed. Revisions this
 * store wrote itself are remembered ({@link #isOwnRevision}) so an instance does not rebuild for
 * its own writes. Thread-safe.
 */
public final class JdbcKnowledgeStore implements KnowledgeStore {
  private static final String DOCUMENT_COLUMNS = "tenant_id, id, title, source, media_type, "
      + "content_hash, metadata, chunk_count, ingested_at";
  private static final String CHUNK_COLUMNS = "tenant_id, id, document_id, chunk_position, "
      + "heading_path, body, embedding";

  private final Database db;
  private final Clock clock;
  private final Map<TenantId, Set<Long>> ownRevisions = new ConcurrentHashMap<>();
  /** Own revisions are remembered only once a follower exists to forget them again. */
  private volatile boolean followed;

  JdbcKnowledgeStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public void save(KnowledgeDocument document, List<KnowledgeChunk> chunks) {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(chunks, "chunks");
    TenantId tenant = document.tenant();
    Set<String> ids = new HashSet<>();
    for (KnowledgeChunk c : chunks) {
      Objects.requireNonNull(c, "chunk");
      if (!c.tenant().equals(tenant)) {
        throw WacandaException.invalid("chunk " + c.id() + " belongs to tenant " + c.tenant()
            + ", but document " + document.id() + " to tenant " + tenant);
      }
      if (!c.documentId().equals(document.id())) {
        throw WacandaException.invalid("chunk " + c.id() + " belongs to document "
            + c.documentId() + ", not " + document.id());
      }
      if (!ids.add(c.id())) {
        throw WacandaException.invalid("chunk id " + c.id() + " appears twice in document "
            + document.id());
      }
    }
    long written = db.tenant(tenant, "saving document " + document.id(), c -> {
      long revision = bumpRevision(c, tenant);
      upsertDocument(c, document);
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM kb_chunks WHERE tenant_id = ? AND document_id = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, document.id());
        ps.executeUpdate();
      }
      if (!chunks.isEmpty()) {
        insertChunks(c, document, chunks);
      }
      return revision;
    });
    remember(tenant, written);
  }

  private void upsertDocument(Connection c, KnowledgeDocument d) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE kb_documents SET title = ?, "
        + "source = ?, media_type = ?, content_hash = ?, metadata = ?, chunk_count = ?, "
        + "ingested_at = ? WHERE tenant_id = ? AND id = ?")) {
      bindDocument(ps, d);
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    // the revision row lock orders this tenant's writers, so no one inserts it meanwhile
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO kb_documents (title, source, "
        + "media_type, content_hash, metadata, chunk_count, ingested_at, tenant_id, id) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bindDocument(ps, d);
      ps.executeUpdate();
    }
  }

  private static void bindDocument(PreparedStatement ps, KnowledgeDocument d)
      throws SQLException {
    ps.setString(1, d.title());
    ps.setString(2, d.source());
    ps.setString(3, d.mediaType());
    ps.setString(4, d.contentHash());
    ps.setString(5, Columns.json(d.metadata()));
    ps.setInt(6, d.chunkCount());
    Columns.setInstant(ps, 7, d.ingestedAt());
    ps.setString(8, d.tenant().value());
    ps.setString(9, d.id());
  }

  private static void insertChunks(Connection c, KnowledgeDocument d, List<KnowledgeChunk> chunks)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO kb_chunks (" + CHUNK_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (KnowledgeChunk k : chunks) {
        ps.setString(1, k.tenant().value());
        ps.setString(2, k.id());
        ps.setString(3, k.documentId());
        ps.setInt(4, k.position());
        ps.setString(5, k.headingPath());
        ps.setString(6, k.text());
        ps.setBytes(7, Columns.floats(k.embedding()));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e) || isUniqueViolationInBatch(e)) {
        throw WacandaException.conflict("a chunk id of document " + d.id()
            + " already belongs to another document of tenant " + d.tenant());
      }
      throw e;
    }
  }

  private static boolean isUniqueViolationInBatch(SQLException e) {
    for (SQLException next = e.getNextException(); next != null;
        next = next.getNextException()) {
      if (Database.isUniqueViolation(next)) {
        return true;
      }
    }
    return false;
  }

  /** Raises the tenant's revision, creating its row; @return the new revision */
  private long bumpRevision(Connection c, TenantId tenant) throws SQLException {
    Instant now = clock.instant();
    try (PreparedStatement ps = c.prepareStatement("UPDATE kb_revisions SET "
        + "revision = revision + 1, updated_at = ? WHERE tenant_id = ?")) {
      Columns.setInstant(ps, 1, now);
      ps.setString(2, tenant.value());
      if (ps.executeUpdate() == 0) {
        String insert = "INSERT INTO kb_revisions (tenant_id, revision, updated_at) "
            + "VALUES (?, 1, ?)";
        if (db.dialect() == Dialect.POSTGRESQL) {
          insert += " ON CONFLICT (tenant_id) DO UPDATE SET "
              + "revision = kb_revisions.revision + 1, updated_at = EXCLUDED.updated_at";
        }
        try (PreparedStatement ins = c.prepareStatement(insert)) {
          ins.setString(1, tenant.value());
          Columns.setInstant(ins, 2, now);
          ins.executeUpdate();
        } catch (SQLException e) {
          if (!Database.isUniqueViolation(e)) {
            throw e;
          }
          ps.executeUpdate(); // H2: a concurrent writer created it first
        }
      }
    }
    long revision;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT revision FROM kb_revisions WHERE tenant_id = ?")) {
      ps.setString(1, tenant.value());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        revision = rs.getLong(1);
      }
    }
    return revision;
  }

  /** Called after the transaction that wrote {@code revision} committed. */
  private void remember(TenantId tenant, long revision) {
    if (!followed) {
      return;
    }
    ownRevisions.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet()).add(revision);
  }

  /** A follower now reads this store's revisions: start remembering own ones. */
  void followed() {
    followed = true;
  }

  /** Whether this store instance wrote {@code revision} of the tenant's knowledge. */
  boolean isOwnRevision(TenantId tenant, long revision) {
    return ownRevisions.getOrDefault(tenant, Set.of()).contains(revision);
  }

  /** Forgets own revisions up to {@code revision} (the follower has seen them). */
  void forgetOwnRevisions(TenantId tenant, long revision) {
    Set<Long> own = ownRevisions.get(tenant);
    if (own != null) {
      own.removeIf(r -> r <= revision);
    }
  }

  /** Every tenant's current revision; a system call, for the follower. */
  Map<TenantId, Long> revisions() {
    return db.system("reading knowledge revisions", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT tenant_id, revision FROM kb_revisions")) {
        try (ResultSet rs = ps.executeQuery()) {
          Map<TenantId, Long> out = new HashMap<>();
          while (rs.next()) {
            out.put(TenantId.of(rs.getString(1)), rs.getLong(2));
          }
          return out;
        }
      }
    });
  }

  @Override
  public Optional<KnowledgeDocument> findDocument(TenantId tenant, String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    return db.tenant(tenant, "finding document " + documentId, c -> first(documents(c,
        "SELECT " + DOCUMENT_COLUMNS + " FROM kb_documents WHERE tenant_id = ? AND id = ?",
        tenant.value(), documentId)));
  }

  @Override
  public List<KnowledgeDocument> listDocuments(TenantId tenant) {
    return db.tenant(tenant, "listing documents", c -> documents(c, "SELECT " + DOCUMENT_COLUMNS
        + " FROM kb_documents WHERE tenant_id = ? ORDER BY id", tenant.value()));
  }

  @Override
  public boolean deleteDocument(TenantId tenant, String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    long written = db.tenant(tenant, "deleting document " + documentId, c -> {
      boolean existed;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM kb_documents WHERE tenant_id = ? AND id = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, documentId);
        try (ResultSet rs = ps.executeQuery()) {
          existed = rs.next();
        }
      }
      if (!existed) {
        return 0L;
      }
      long revision = bumpRevision(c, tenant);
      for (String table : List.of("kb_chunks", "kb_documents")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
            + " WHERE tenant_id = ? AND " + (table.equals("kb_chunks") ? "document_id" : "id")
            + " = ?")) {
          ps.setString(1, tenant.value());
          ps.setString(2, documentId);
          ps.executeUpdate();
        }
      }
      return revision;
    });
    if (written == 0) {
      return false;
    }
    remember(tenant, written);
    return true;
  }

  @Override
  public Optional<KnowledgeChunk> findChunk(TenantId tenant, String chunkId) {
    Objects.requireNonNull(chunkId, "chunkId");
    return db.tenant(tenant, "finding a chunk", c -> first(chunks(c, "SELECT " + CHUNK_COLUMNS
        + " FROM kb_chunks WHERE tenant_id = ? AND id = ?", tenant.value(), chunkId)));
  }

  @Override
  public List<KnowledgeChunk> chunks(TenantId tenant) {
    return db.tenantSnapshot(tenant, "reading chunks", c -> chunks(c, "SELECT " + CHUNK_COLUMNS
        + " FROM kb_chunks WHERE tenant_id = ? ORDER BY document_id, chunk_position",
        tenant.value()));
  }

  @Override
  public List<TenantId> tenants() {
    return db.system("listing knowledge tenants", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT DISTINCT tenant_id FROM kb_documents ORDER BY tenant_id")) {
        try (ResultSet rs = ps.executeQuery()) {
          List<TenantId> out = new ArrayList<>();
          while (rs.next()) {
            out.add(TenantId.of(rs.getString(1)));
          }
          return out;
        }
      }
    });
  }

  private static List<KnowledgeDocument> documents(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<KnowledgeDocument> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new KnowledgeDocument(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
              rs.getString("title"), rs.getString("source"), rs.getString("media_type"),
              rs.getString("content_hash"), Columns.stringMap(rs.getString("metadata")),
              rs.getInt("chunk_count"), Columns.instant(rs, "ingested_at")));
        }
        return List.copyOf(out);
      }
    }
  }

  private static List<KnowledgeChunk> chunks(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<KnowledgeChunk> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new KnowledgeChunk(rs.getString("id"), TenantId.of(rs.getString("tenant_id")),
              rs.getString("document_id"), rs.getInt("chunk_position"),
              rs.getString("heading_path"), rs.getString("body"),
              Columns.floats(rs.getBytes("embedding"))));
        }
        return out;
      }
    }
  }

  private static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  @Override
  public String toString() {
    return "JdbcKnowledgeStore[" + db.dialect() + "]";
  }
}
