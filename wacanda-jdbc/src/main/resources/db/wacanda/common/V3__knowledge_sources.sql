-- Knowledge sources (folders, sites, sitemaps) with their sync schedule and last sync report.
-- Same placeholders as V1. The id is unique per tenant: two tenants may use the same id.
-- The last sync is NULL in every sync_* column until the source was synced once.

CREATE TABLE knowledge_sources (
  tenant_id          ${id} NOT NULL,
  id                 ${id} NOT NULL,
  source_kind        VARCHAR(10) NOT NULL,
  location           ${text} NOT NULL,
  max_depth          INTEGER NOT NULL,
  max_pages          INTEGER NOT NULL,
  path_prefix        ${text} NOT NULL,
  -- 0: synced by hand only
  refresh_nanos      BIGINT NOT NULL,
  tags               ${text} NOT NULL,
  created_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  sync_started_at    TIMESTAMP(6) WITH TIME ZONE,
  sync_finished_at   TIMESTAMP(6) WITH TIME ZONE,
  sync_added         INTEGER,
  sync_updated       INTEGER,
  sync_unchanged     INTEGER,
  sync_deleted       INTEGER,
  sync_failed        INTEGER,
  sync_complete      BOOLEAN,
  -- JSON list of the first failures
  sync_errors        ${text},
  -- why the whole sync failed; NULL when it ran
  sync_error         ${text},
  CONSTRAINT knowledge_sources_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT knowledge_sources_kind_ck CHECK (source_kind IN ('FOLDER', 'WEB', 'SITEMAP'))
);
-- list per tenant and all() for the scheduler, both by creation time
CREATE INDEX knowledge_sources_tenant_idx ON knowledge_sources (tenant_id, created_at, id);
CREATE INDEX knowledge_sources_created_idx ON knowledge_sources (created_at, id);
