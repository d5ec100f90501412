-- Roles, tenants and row-level security, tried from each role's side: what it may see and do,
-- and every way it might try to reach further.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_ann, wi_bob, wi_svc, wi_boss, wi_bi, wi_acme, wi_nobody;
DROP SCHEMA IF EXISTS evil CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never

-- The roles exist, and nothing is granted to PUBLIC.
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'workitem\_%' ORDER BY 1;

-- People: two users, a service, an administrator, a BI reader, a user of tenant acme, an outsider.
CREATE ROLE wi_ann IN ROLE workitem_user;
CREATE ROLE wi_bob IN ROLE workitem_user;
CREATE ROLE wi_svc IN ROLE workitem_service;
CREATE ROLE wi_boss IN ROLE workitem_admin;
CREATE ROLE wi_bi IN ROLE workitem_reader;
CREATE ROLE wi_acme IN ROLE workitem_user;
CREATE ROLE wi_nobody;
-- Every role is mapped: once a database maps one, an unmapped role is refused (security_identity).
INSERT INTO workitem.role_tenant VALUES ('wi_acme', 'acme'), ('wi_ann', 'default'), ('wi_bob', 'default'),
    ('wi_boss', 'default'), ('wi_bi', 'default');
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['wi_ann', 'wi_bob']) AS u) AS users;
SELECT id FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf-2', 'Secret', '{"potential_owners": {"users": ["wi_carol"]}}', actor => 'engine');
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT (workitem_put_user('wi_acme', '{team}')).user_id AS acme_user;
SELECT id FROM workitem_create('wf-3', 'Acme', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
COMMIT;

-- A workitem_user sees only the items it is a stakeholder of, by every read path.
SET ROLE wi_ann;
SELECT workitem.current_tenant();
SELECT array_agg(id ORDER BY id) AS listed FROM workitem_list();
SELECT workitem_count() AS counted;
SELECT array_agg(id ORDER BY id) AS worklist FROM workitem_worklist('wi_ann');
SELECT array_agg(id ORDER BY id) AS in_table FROM workitem.item;
SELECT array_agg(DISTINCT aggregateid) AS events_of FROM workitem.event;
SELECT sum(items) AS in_view FROM workitem.items_by_state;
SELECT id FROM workitem_get(2);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_history(2);
\echo :LAST_ERROR_SQLSTATE

-- It acts only as itself, never as another user, never as the timer.
SELECT id, state, owner FROM workitem_claim(1, 'wi_ann');
SELECT id FROM workitem_start(1, 'wi_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_start(1, 'system');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_get(1, actor => 'wi_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_worklist('wi_bob');
\echo :LAST_ERROR_SQLSTATE

-- It cannot change its tenant.
SET workitem.tenant = 'acme';
SELECT count(*) FROM workitem_list();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.item;
\echo :LAST_ERROR_SQLSTATE
RESET workitem.tenant;

-- It cannot write the tables, read the internal ones, or call internal functions or services'.
UPDATE workitem.item SET priority = 99;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, actor, payload) VALUES ('default', 1, 9, 'x', 'x', 'x', '{}');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM workitem.directory_user;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.idempotency_key;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO workitem.role_tenant VALUES ('wi_ann', 'acme');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.event_default;
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.assignment_principals('{}', 'potential_owners');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.create_event_partitions(1);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.principals_of('default', 'wi_bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf-x', 'T');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_put_user('wi_ann', '{admins}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- A malicious object earlier on the caller's search_path changes nothing inside the functions.
SELECT id FROM workitem_create('wf-5', 'ForBob', '{"potential_owners": {"users": ["wi_bob"]}}', actor => 'engine');
CREATE SCHEMA evil AUTHORIZATION wi_bob;
SET ROLE wi_bob;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION evil.coalesce_text(text, text) RETURNS text LANGUAGE sql AS $$ SELECT 'pwned' $$;
CREATE FUNCTION evil.array_position(text[], text) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TABLE evil.item (id bigint);
CREATE TEMP TABLE item (id bigint);
SET search_path = evil, public;
SELECT id, state, owner, lease_until > '2020-01-01' AS real_clock
  FROM workitem_claim(4, 'wi_bob', lease_seconds => 60);
SELECT array_agg(id ORDER BY id) AS bob_sees FROM workitem_list();
SELECT id FROM workitem_get(999);
\echo :LAST_ERROR_SQLSTATE
DROP TABLE pg_temp.item;

RESET search_path;
RESET ROLE;

-- A service picks the tenant per transaction and may act for any user (but not the timer).
SET ROLE wi_svc;
SELECT array_agg(id ORDER BY id) AS service_sees FROM workitem_list();
BEGIN;
SELECT set_config('workitem.tenant', 'acme', true);
SELECT array_agg(id ORDER BY id) AS service_in_acme FROM workitem_list();
SELECT id, owner FROM workitem_claim(3, 'wi_acme');
COMMIT;
SELECT array_agg(id ORDER BY id) AS reads_as_ann FROM workitem_list(actor => 'wi_ann');
SELECT id FROM workitem_cancel(1, 'system');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_create('wf-6', 'FromService', actor => 'engine');
RESET ROLE;

-- An administrator sees and administers every item of its tenant, acting as itself.
SET ROLE wi_boss;
SELECT array_agg(id ORDER BY id) AS admin_sees FROM workitem_list();
SELECT id, state, owner FROM workitem_allocate(5, 'wi_boss', 'wi_ann');
SELECT id FROM workitem_allocate(5, 'wi_ann', 'wi_bob', override => true);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- A reader reads its tenant and writes nothing.
SET ROLE wi_bi;
SELECT array_agg(id ORDER BY id) AS reader_sees FROM workitem.item;
SELECT id FROM workitem_claim(5, 'wi_bi');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- A user of tenant acme sees only acme, whatever it sets.
SET ROLE wi_acme;
SELECT workitem.current_tenant();
SELECT array_agg(id ORDER BY id) AS acme_user_sees FROM workitem.item;
SELECT id FROM workitem_get(1);
\echo :LAST_ERROR_SQLSTATE
SET workitem.tenant = 'default';
SELECT array_agg(id ORDER BY id) AS still_acme FROM workitem_list();
RESET workitem.tenant;
RESET ROLE;

-- A role with none of the workitem roles can do nothing at all.
SET ROLE wi_nobody;
SELECT id FROM workitem_get(1);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.item;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
DROP EXTENSION workitem CASCADE;
DROP ROLE wi_ann, wi_bob, wi_svc, wi_boss, wi_bi, wi_acme, wi_nobody;
