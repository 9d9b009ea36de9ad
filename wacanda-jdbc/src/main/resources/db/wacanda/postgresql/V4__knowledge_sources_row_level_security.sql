-- Row-level security of knowledge_sources (PostgreSQL only), as V2 for the other tables: rows
-- visible and writable to their tenant's scope (wacanda.tenant) or to the system scope
-- (wacanda.system = 'on', which only the scheduler's all() sets). FORCEd for the owner too.

ALTER TABLE knowledge_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE knowledge_sources FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON knowledge_sources
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON knowledge_sources
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');
