-- Row-level security on every table (docs/security.md).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- Row-level security: every direct read path (tables, views, BI tools) shows a role only its
-- tenant's rows, and a workitem_user only the items it is a stakeholder of. Forced, so a
-- non-superuser owner obeys it too. The API functions (owned by a superuser, which bypasses RLS)
-- apply the same predicate, workitem.visible, themselves.
--------------------------------------------------------------------------------------------------
ALTER TABLE workitem.item ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.item FORCE ROW LEVEL SECURITY;
CREATE POLICY item_visible ON workitem.item FOR SELECT
    USING (workitem.visible(tenant_id, owner, created_by, delegated_from, candidates, administrators));

ALTER TABLE workitem.event ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.event FORCE ROW LEVEL SECURITY;
CREATE POLICY event_visible ON workitem.event FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant())
           AND ((SELECT workitem.viewer_sees_all())
                OR EXISTS (SELECT FROM workitem.item i WHERE i.id = aggregateid)));

ALTER TABLE workitem.directory_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.directory_user FORCE ROW LEVEL SECURITY;
CREATE POLICY directory_user_tenant ON workitem.directory_user FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant()));
ALTER TABLE workitem.group_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.group_member FORCE ROW LEVEL SECURITY;
CREATE POLICY group_member_tenant ON workitem.group_member FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant()));
ALTER TABLE workitem.idempotency_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.idempotency_key FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.round_robin_cursor ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.round_robin_cursor FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_strategy ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_strategy FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_validator ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_validator FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.feature_flag ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.feature_flag FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.role_tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.role_tenant FORCE ROW LEVEL SECURITY;
-- No policy: no row for anyone but a superuser (the API functions' owner), even if granted.
ALTER TABLE workitem.lock_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.lock_secret FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.offer ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.offer FORCE ROW LEVEL SECURITY;

