-- Row-level security (PostgreSQL only). Every table is visible only
--   * to transactions that set wacanda.tenant to the row's tenant (SET LOCAL / set_config(.., true)):
--     every tenant-scoped store call does; or
--   * to transactions that set wacanda.system = 'on': only the cross-tenant system calls do
--     (routing lookups, listEnabled, claimDue, retention, idle handoffs, knowledge tenants and
--     revisions).
-- Without either setting a query sees and may write no row at all.
-- FORCE makes the policies apply to the table owner too, so they hold even when the application
-- connects as the role that ran the migrations. Superusers and BYPASSRLS roles always bypass RLS:
-- never connect the application as one.

ALTER TABLE integrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE integrations FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON integrations
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON integrations
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE integration_tests ENABLE ROW LEVEL SECURITY;
ALTER TABLE integration_tests FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON integration_tests
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON integration_tests
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE api_usage_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_usage_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON api_usage_logs
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON api_usage_logs
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_events FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON webhook_events
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON webhook_events
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE chat_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON chat_sessions
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON chat_sessions
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE chat_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON chat_messages
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON chat_messages
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE chat_turns ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_turns FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON chat_turns
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON chat_turns
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE handoff_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE handoff_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON handoff_requests
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON handoff_requests
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE kb_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE kb_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON kb_documents
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON kb_documents
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE kb_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE kb_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON kb_chunks
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON kb_chunks
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');

ALTER TABLE kb_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE kb_revisions FORCE ROW LEVEL SECURITY;
CREATE POLICY wacanda_tenant ON kb_revisions
  USING (tenant_id = current_setting('wacanda.tenant', true))
  WITH CHECK (tenant_id = current_setting('wacanda.tenant', true));
CREATE POLICY wacanda_system ON kb_revisions
  USING (current_setting('wacanda.system', true) = 'on')
  WITH CHECK (current_setting('wacanda.system', true) = 'on');
