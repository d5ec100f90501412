-- A second attack on the trust boundary, after the first one's fixes (docs/security.md): what it
-- found, each tried as it was found.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP SCHEMA IF EXISTS sp_app CASCADE;
DROP ROLE IF EXISTS sp_ann, sp_rita, sp_svc, sp_carl, sp_outsider;
RESET client_min_messages;
\set SHOW_CONTEXT never
CREATE ROLE sp_ann IN ROLE workitem_user;
CREATE ROLE sp_rita IN ROLE workitem_reader;
CREATE ROLE sp_svc IN ROLE workitem_service;
CREATE ROLE sp_carl IN ROLE workitem_admin;
CREATE ROLE sp_outsider;
INSERT INTO workitem.role_tenant VALUES ('sp_ann', 'default'), ('sp_rita', 'default'),
    ('sp_carl', 'default'), ('sp_outsider', 'default');
SELECT id FROM workitem_create('wf-1', 'Private', '{"potential_owners": {"users": ["sp_bob"]}}', actor => 'engine');

-- Naming another actor is refused before any row is read, so the refusal says nothing about
-- which items exist: the same answer whether an item matches or not. (Before, a user naming
-- another actor got WI403 where a row of its tenant matched and WI404 or 0 where none did.)
SET ROLE sp_ann;
SELECT workitem_get(1, actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_get(999, actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_count(task_name => 'Private', actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_count(task_name => 'Nope', actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_list(task_name => 'Nope', actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_history(999, actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- A reader too reads only as itself.
SET ROLE sp_rita;
SELECT id FROM workitem_get(1, actor => 'sp_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_get(1);
RESET ROLE;

-- A service acting on behalf of an administrator has an administrator's rights, not a
-- service's: no consumer of every tenant. On behalf of a user, the administrators' monitoring
-- views are refused. (Before, both went through.)
BEGIN;
SET LOCAL ROLE sp_svc;
SET LOCAL workitem.on_behalf = 'admin';
SELECT workitem_consumer_create('everyone', all_tenants => true);
ROLLBACK;
BEGIN;
SET LOCAL ROLE sp_svc;
SET LOCAL workitem.on_behalf = 'user';
SELECT count(*) FROM workitem.timer_failures;
ROLLBACK;
BEGIN;
SET LOCAL ROLE sp_svc;
SET LOCAL workitem.on_behalf = 'user';
SELECT count(*) FROM workitem.timer_status;
ROLLBACK;
BEGIN;
SET LOCAL ROLE sp_svc;
SET LOCAL workitem.on_behalf = 'reader';
SELECT count(*) FROM workitem.event_lag;
ROLLBACK;
BEGIN;
SET LOCAL ROLE sp_svc;
SET LOCAL workitem.on_behalf = 'admin';
SELECT count(*) >= 0 AS admin_reads_its_views FROM workitem.timer_failures, workitem.event_lag;
ROLLBACK;

-- A role granted no capability gets none through someone else's SECURITY DEFINER code: the
-- caller is the role in effect outside it. (Before, it counted as a reader.)
CREATE SCHEMA sp_app AUTHORIZATION sp_carl;
GRANT USAGE ON SCHEMA sp_app TO PUBLIC;
SET ROLE sp_carl;
CREATE FUNCTION sp_app.task_names() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT task_name FROM public.workitem_list() $$;
GRANT EXECUTE ON FUNCTION sp_app.task_names() TO PUBLIC;
SELECT sp_app.task_names() AS for_carl;
RESET ROLE;
SET ROLE sp_outsider;
SELECT sp_app.task_names();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP SCHEMA sp_app CASCADE;

-- A tenant's administrator may not tick: a tick acts on, and locks, every tenant's due items.
SET ROLE sp_carl;
SELECT count(*) FROM workitem_tick();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
