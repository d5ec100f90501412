-- Who is calling, at the trust boundary: the capability roles are never an identity, a role's
-- tenant comes only from the mapping, a service may act with an end user's capability
-- (workitem.on_behalf), and every event records the login and the capability beside the actor.
-- Tenant flags and the trace context's size, too. The logins are taken with SET SESSION
-- AUTHORIZATION, so SET ROLE is checked as it would be for them.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_id_svc, wi_id_boss, wi_id_bi, wi_id_ann, wi_id_loose, wi_id_auth;
RESET client_min_messages;
\set SHOW_CONTEXT never

-- A service; an administrator, a reader and a user of tenant acme; a user nobody mapped; and a
-- PostgREST-like authenticator that holds no capability of its own and may become wi_id_ann.
CREATE ROLE wi_id_svc LOGIN IN ROLE workitem_service;
CREATE ROLE wi_id_boss LOGIN IN ROLE workitem_admin;
CREATE ROLE wi_id_bi LOGIN IN ROLE workitem_reader;
CREATE ROLE wi_id_ann LOGIN IN ROLE workitem_user;
CREATE ROLE wi_id_loose LOGIN IN ROLE workitem_user;
CREATE ROLE wi_id_auth LOGIN NOINHERIT;
GRANT wi_id_ann TO wi_id_auth;
INSERT INTO workitem.role_tenant VALUES ('wi_id_boss', 'acme'), ('wi_id_bi', 'acme'), ('wi_id_ann', 'acme');

SET SESSION AUTHORIZATION wi_id_svc;
SELECT count(*) AS users FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'workitem_user']) AS u) AS u;
SELECT id FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"users": ["ann"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf-2', 'Secret', '{"potential_owners": {"users": ["carol"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf-3', 'Shared', '{"potential_owners": {"users": ["workitem_user"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf-4', 'Cancel me', actor => 'engine');
SELECT id FROM workitem_create('wf-5', 'Engine cancels', actor => 'engine');
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT (workitem_put_user('wi_id_ann', '{team}')).user_id;
SELECT id FROM workitem_create('wf-6', 'Acme', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
COMMIT;
RESET SESSION AUTHORIZATION;

-- 1. The capability roles are never an identity. An administrator of acme is in acme...
SET SESSION AUTHORIZATION wi_id_boss;
SELECT workitem.current_tenant();
SELECT array_agg(id ORDER BY id) AS boss_sees FROM workitem_list();
-- ... and SET ROLE workitem_admin neither leaves acme for 'default' nor hides the login: refused
-- by the functions and by every row-level security read path.
SET ROLE workitem_admin;
SELECT workitem.current_tenant();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_list();
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_allocate(1, 'workitem_admin', 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_flag('strategy.random', false, tenant => 'default');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.item;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.event;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.directory_user;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.items_by_state;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_tick();
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_create('boss-default');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT workitem.current_tenant() AS back_in;
RESET SESSION AUTHORIZATION;

-- The reader of acme: SET ROLE workitem_reader reads no table and calls nothing.
SET SESSION AUTHORIZATION wi_id_bi;
SELECT array_agg(id ORDER BY id) AS bi_sees FROM workitem.item;
SET ROLE workitem_reader;
SELECT count(*) FROM workitem.item;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.event;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.group_member;
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_get(1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- The user of acme: SET ROLE workitem_user is not the shared directory user 'workitem_user'.
SET SESSION AUTHORIZATION wi_id_ann;
SET ROLE workitem_user;
SELECT count(*) FROM workitem_worklist('workitem_user');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(3, 'workitem_user');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.directory_user;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.viewer_principals();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- A service's SET ROLE workitem_service (a superuser's too) is no service.
SET SESSION AUTHORIZATION wi_id_svc;
SET ROLE workitem_service;
SELECT count(*) FROM workitem_list();
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf-x', 'Nobody', actor => 'engine');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.item;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET SESSION AUTHORIZATION;
SET ROLE workitem_service;
SELECT workitem.current_tenant();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- 2. Unmapped roles. This database maps roles, so a role without a row is refused, not put in
-- 'default'...
SET SESSION AUTHORIZATION wi_id_loose;
SELECT workitem.current_tenant();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_list();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.item;
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(1, 'wi_id_loose');
\echo :LAST_ERROR_SQLSTATE
-- ... and it cannot allow itself in: the operator's setting is a superuser's.
SET workitem.unmapped_roles = 'default';
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- The operator keeps the single-tenant behaviour with workitem.unmapped_roles = 'default'.
SET workitem.unmapped_roles = 'default';
SET SESSION AUTHORIZATION wi_id_loose;
SELECT workitem.current_tenant() AS allowed_by_setting;
RESET SESSION AUTHORIZATION;
RESET workitem.unmapped_roles;
SET workitem.unmapped_roles = 'everyone';
\echo :LAST_ERROR_SQLSTATE
-- A database that maps nobody keeps every non-service role in 'default'.
CREATE TEMP TABLE saved_mapping AS SELECT * FROM workitem.role_tenant;
DELETE FROM workitem.role_tenant;
SET SESSION AUTHORIZATION wi_id_loose;
SELECT workitem.current_tenant() AS no_mappings;
SELECT array_agg(id ORDER BY id) AS loose_sees FROM workitem.item;
RESET SESSION AUTHORIZATION;
INSERT INTO workitem.role_tenant SELECT * FROM saved_mapping;

-- 3. The PostgREST pattern: a login that holds no capability becomes a mapped end-user role for
-- one transaction. It acts as that user, in its tenant, and the event names the login too.
SET SESSION AUTHORIZATION wi_id_auth;
BEGIN;
SET LOCAL ROLE wi_id_ann;
SELECT workitem.current_tenant();
SELECT array_agg(id ORDER BY id) AS ann_sees FROM workitem.item;
SELECT id, state, owner FROM workitem_claim(6, 'wi_id_ann');
COMMIT;
SELECT workitem.current_tenant();
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
SELECT type, actor, login, capability FROM workitem.event WHERE aggregateid = 6 ORDER BY seq;

-- 4. A service acting on behalf of an end user: exactly that user's rights.
SET SESSION AUTHORIZATION wi_id_svc;
-- Without a declaration the service keeps full rights (the workflow engine): zed may cancel.
SELECT id, state FROM workitem_cancel(5, 'zed', 'the engine says so');
BEGIN;
SET LOCAL workitem.on_behalf = 'user';
-- zed is nobody to item 1: refused, whatever the service could do itself.
SELECT id FROM workitem_cancel(1, 'zed');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- Set for the session here, so that each refusal below stands alone (a service sets it per
-- transaction with SET LOCAL).
SET workitem.on_behalf = 'user';
-- Reads see what ann sees: item 1, not carol's item 2.
SELECT array_agg(id ORDER BY id) AS ann_lists FROM workitem_list(actor => 'ann');
SELECT workitem_count(actor => 'ann') AS ann_counts;
SELECT array_agg(id ORDER BY id) AS ann_worklist FROM workitem_worklist('ann');
SELECT id FROM workitem_get(2, actor => 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_history(2, actor => 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_allowed_operations(2, 'ann') AS on_carols;
-- Without an actor it reads as a user named like the login: nothing here.
SELECT count(*) AS as_login FROM workitem_list();
SELECT count(*) AS table_as_login FROM workitem.item;
-- A potential owner claims.
SELECT workitem_allowed_operations(1, 'ann') AS ann_may;
SELECT id, state, owner FROM workitem_claim(1, 'ann');
-- The service-only functions are refused.
SELECT id FROM workitem_create('wf-7', 'From a user', actor => 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT element FROM workitem_create_many('[{"workflow_id": "wf-7", "task_name": "T"}]', actor => 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_cancel_workflow('wf-4', 'engine');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_put_user('ann', '{admins}');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_put_users('[{"user_id": "ann", "groups": ["admins"]}]');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_flag('strategy.random', false, tenant => 'default');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_tick();
\echo :LAST_ERROR_SQLSTATE
RESET workitem.on_behalf;

-- The admin capability: a tenant administrator as the actor (not the service).
BEGIN;
SET LOCAL workitem.on_behalf = 'admin';
SELECT array_agg(id ORDER BY id) AS admin_sees FROM workitem_list(actor => 'boss');
SELECT id, state FROM workitem_cancel(4, 'boss', 'not needed');
SELECT id FROM workitem_create('wf-8', 'By an administrator', actor => 'boss');
COMMIT;

-- The reader capability: reads everything of the tenant, writes nothing.
SET workitem.on_behalf = 'reader';
SELECT array_agg(id ORDER BY id) AS reader_sees FROM workitem_list(actor => 'ann');
SELECT array_agg(id ORDER BY id) AS reader_table FROM workitem.item;
SELECT workitem_allowed_operations(1, 'ann') AS reader_may;
SELECT id FROM workitem_stop(1, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf-9', 'By a reader', actor => 'ann');
\echo :LAST_ERROR_SQLSTATE
RESET workitem.on_behalf;

-- Anything else is refused, before anything is done.
BEGIN;
SET LOCAL workitem.on_behalf = 'root';
SELECT count(*) FROM workitem_list();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
RESET SESSION AUTHORIZATION;

-- A role that is not a service gets nothing from on_behalf: it is refused.
SET SESSION AUTHORIZATION wi_id_boss;
BEGIN;
SET LOCAL workitem.on_behalf = 'admin';
SELECT count(*) FROM workitem_list();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
RESET SESSION AUTHORIZATION;

-- 5. Every event records the login (session_user) and the capability beside the actor; so does
-- workitem_history. The timer's are the system's; a direct change has no capability.
SET workitem.test_clock_offset = '2h';
SET SESSION AUTHORIZATION wi_id_svc;
SELECT id FROM workitem_create('wf-10', 'Expires', actor => 'engine', expires_at => now() + interval '1 hour');
SELECT action, done FROM workitem_tick() WHERE action = 'expire';
RESET SESSION AUTHORIZATION;
RESET workitem.test_clock_offset;
UPDATE workitem.item SET priority = 5 WHERE id = 2;
SELECT aggregateid, type, actor, login, capability
  FROM workitem.event
 WHERE tenant_id = 'default' AND (operation NOT IN ('create', 'direct') OR aggregateid >= 7)
 ORDER BY seq;
SELECT type, login = session_user AS by_the_login, capability FROM workitem.event WHERE operation = 'direct';
SET SESSION AUTHORIZATION wi_id_svc;
SELECT type, actor, login, capability FROM workitem_history(1) ORDER BY seq;
RESET SESSION AUTHORIZATION;

-- 6. Flags: an administrator sets only its own tenant's; a service any tenant's and the whole
-- database's, unless it acts on behalf of an administrator.
SET SESSION AUTHORIZATION wi_id_boss;
SELECT tenant_id, name, enabled FROM workitem_set_flag('strategy.random', false, tenant => 'acme');
SELECT workitem_set_flag('strategy.random', false, tenant => 'default');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_flag('strategy.random', false);
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION wi_id_svc;
SELECT tenant_id, name, enabled FROM workitem_set_flag('strategy.random', true, tenant => 'default');
SELECT tenant_id, name, enabled FROM workitem_set_flag('strategy.random', true);
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SET LOCAL workitem.on_behalf = 'admin';
SELECT tenant_id, name, enabled FROM workitem_set_flag('strategy.random', true, tenant => 'acme');
SELECT workitem_set_flag('strategy.random', true, tenant => 'default');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
RESET SESSION AUTHORIZATION;
SELECT tenant_id, name, enabled FROM workitem.feature_flag ORDER BY 1, 2;

-- 7. The trace context has a size limit: 512 bytes, refused beyond, never truncated.
BEGIN;
SELECT set_config('workitem.trace_context', repeat('t', 512), true) IS NOT NULL AS set;
SELECT id FROM workitem_update(2, 'engine', priority => 6);
SELECT length(trace_context) FROM workitem.event WHERE aggregateid = 2 ORDER BY seq DESC LIMIT 1;
SELECT set_config('workitem.trace_context', repeat('t', 513), true) IS NOT NULL AS set;
SELECT id FROM workitem_update(2, 'engine', priority => 7);
ROLLBACK;
BEGIN;
SELECT set_config('workitem.trace_context', repeat('t', 5 * 1024 * 1024), true) IS NOT NULL AS set;
SELECT id FROM workitem_update(2, 'engine', priority => 8);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

SET client_min_messages = warning;
DROP EXTENSION workitem CASCADE;
DROP ROLE wi_id_svc, wi_id_boss, wi_id_bi, wi_id_ann, wi_id_loose, wi_id_auth;
