-- Idempotency keys remember refusals too (docs/domain.md §9): a call made with a key and refused
-- is noted in the session; workitem_remember_refusal(), in the next transaction of the same
-- session, stores it as the key's outcome, and a retry - whatever changed meanwhile - raises the
-- same error. Nothing is noted for a call without a key, for PostgreSQL's own errors, after
-- another keyed call, or for another session; every role gets the same rules in its own scope.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_rf_svc, wi_rf_ann, wi_rf_boss, wi_rf_bi, wi_rf_zed;
RESET client_min_messages;
\set SHOW_CONTEXT never
CREATE ROLE wi_rf_svc LOGIN IN ROLE workitem_service;
CREATE ROLE wi_rf_ann LOGIN IN ROLE workitem_user;
CREATE ROLE wi_rf_boss LOGIN IN ROLE workitem_admin;
CREATE ROLE wi_rf_bi LOGIN IN ROLE workitem_reader;
CREATE ROLE wi_rf_zed LOGIN IN ROLE workitem_user;
INSERT INTO workitem.role_tenant VALUES ('wi_rf_ann', 'acme'), ('wi_rf_boss', 'acme'),
    ('wi_rf_bi', 'acme'), ('wi_rf_zed', 'zulu');
CREATE VIEW rf_keys AS
    SELECT tenant_id, role_name, actor, key, operation, item_id, outcome
      FROM workitem.idempotency_key ORDER BY created_at, key;

-- In tenant acme: users ann and bob of the team; items 1 to 3 offered to it.
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT count(*) AS users FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['bob', 'wi_rf_ann']) AS u) AS u;
SELECT id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
SELECT id, owner FROM workitem_claim(1, 'wi_rf_ann');
COMMIT;

-- 1. The service (here a superuser) claims for bob with a key: refused, ann holds item 1.
SET workitem.tenant = 'acme';
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'bob-1');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS remembered;
SELECT * FROM rf_keys;
-- The refusal is stored once: a second call finds nothing noted.
SELECT workitem_remember_refusal() AS remembered_again;
-- ann lets it go: bob's claim would now succeed, but its retry answers as the first call did.
SELECT id, state FROM workitem_release(1, 'wi_rf_ann');
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'bob-1');
\echo :LAST_ERROR_SQLSTATE
SELECT state, owner FROM workitem_get(1);
-- The same key for another request is still WI428; a replay is no new refusal to note.
SELECT id FROM workitem_claim(2, 'bob', idempotency_key => 'bob-1');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS nothing_noted;
-- Other callers' keys of the same name are their own: ann's claim with 'bob-1' runs.
SELECT id, owner FROM workitem_claim(1, 'wi_rf_ann', idempotency_key => 'bob-1');

-- 2. Nothing is noted for a call without a key.
SELECT id FROM workitem_claim(1, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS unkeyed;

-- 3. The next keyed call forgets the note, refused or not; a key that does not match stores
-- nothing (and keeps the note for the right key).
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'bob-2');
SELECT id, owner FROM workitem_claim(2, 'bob', idempotency_key => 'bob-3');
SELECT workitem_remember_refusal() AS after_another_call;
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'bob-4');
SELECT workitem_remember_refusal('bob-5') AS other_key;
SELECT workitem_remember_refusal('bob-4') AS right_key;
SELECT key, actor, outcome #>> '{refused,sqlstate}' AS refused FROM rf_keys WHERE key LIKE 'bob-%' ORDER BY key, actor;

-- 4. A note belongs to its session: a new connection finds none.
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'bob-6');
\c -
SET workitem.tenant = 'acme';
SELECT workitem_remember_refusal() AS other_session;

-- 5. PostgreSQL's own errors are never noted: a serialization failure, a cancellation. A
-- validator's denial (WI461) is a refusal like the core's.
CREATE FUNCTION rf_flaky(item workitem.item, operation text, actor text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF item.input->>'mode' = 'conflict' THEN
        RAISE EXCEPTION 'could not serialize access' USING ERRCODE = 'serialization_failure';
    ELSIF item.input->>'mode' = 'slow' THEN
        PERFORM pg_sleep(5);
    ELSIF item.input->>'mode' = 'deny' THEN
        RETURN 'not today';
    END IF;
    RETURN NULL;
END;
$$;
SELECT task_name FROM workitem_register_validator('rf_flaky', task_name => 'Flaky', operation => 'claim');
SELECT id FROM workitem_create('wf', 'Flaky', '{"potential_owners": {"groups": ["team"]}}', input => '{"mode": "conflict"}', actor => 'engine');
SELECT id FROM workitem_create('wf', 'Flaky', '{"potential_owners": {"groups": ["team"]}}', input => '{"mode": "slow"}', actor => 'engine');
SELECT id FROM workitem_create('wf', 'Flaky', '{"potential_owners": {"groups": ["team"]}}', input => '{"mode": "deny"}', actor => 'engine');
SELECT id FROM workitem_claim(4, 'bob', idempotency_key => 'flaky-4');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS serialization_failure;
SET statement_timeout = '100ms';
SELECT id FROM workitem_claim(5, 'bob', idempotency_key => 'flaky-5');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT workitem_remember_refusal() AS cancelled;
SELECT id FROM workitem_claim(6, 'bob', idempotency_key => 'flaky-6');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS denied;
SELECT id FROM workitem_claim(6, 'bob', idempotency_key => 'flaky-6');
\echo :LAST_ERROR_SQLSTATE
-- A refused call inside a savepoint is noted too; the transaction goes on.
BEGIN;
SAVEPOINT s;
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'bob-7');
ROLLBACK TO SAVEPOINT s;
SELECT workitem_remember_refusal() AS in_savepoint;
COMMIT;
SELECT key, outcome #>> '{refused,sqlstate}' AS refused FROM rf_keys WHERE key IN ('flaky-4', 'flaky-5', 'flaky-6', 'bob-7') ORDER BY key;
SELECT id, owner FROM workitem_claim(3, 'bob');
RESET workitem.tenant;

-- 6. Every role, in its own scope. A user of acme: bob holds item 3.
SET SESSION AUTHORIZATION wi_rf_ann;
SELECT id FROM workitem_claim(3, 'wi_rf_ann', idempotency_key => 'mine');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS user_remembered;
SELECT id FROM workitem_claim(3, 'wi_rf_ann', idempotency_key => 'mine');
\echo :LAST_ERROR_SQLSTATE
-- The note is for the role that made the call: another role in the session stores nothing.
SELECT id FROM workitem_claim(3, 'wi_rf_ann', idempotency_key => 'mine-2');
RESET SESSION AUTHORIZATION;
SELECT workitem_remember_refusal() AS another_role;
-- A user of another tenant: acme's item is not found there; its key is its own.
SET SESSION AUTHORIZATION wi_rf_zed;
SELECT id FROM workitem_claim(3, 'wi_rf_zed', idempotency_key => 'mine');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal() AS other_tenant_remembered;
SELECT id FROM workitem_claim(3, 'wi_rf_zed', idempotency_key => 'mine');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- A reader may not call it (it never makes a keyed call either).
SET SESSION AUTHORIZATION wi_rf_bi;
SELECT workitem_remember_refusal() AS reader;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- An administrator: completing an item nobody started is refused.
SET SESSION AUTHORIZATION wi_rf_boss;
SELECT id FROM workitem_complete(2, 'wi_rf_boss', idempotency_key => 'boss-1');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_remember_refusal('boss-1') AS admin_remembered;
RESET SESSION AUTHORIZATION;
-- A service login acting for a user, as the gateway does: the call's transaction declares the
-- tenant and the capability; the next transaction stores the refusal without them, in the
-- call's scope.
SET SESSION AUTHORIZATION wi_rf_svc;
BEGIN;
SELECT set_config('workitem.tenant', 'acme', true), set_config('workitem.on_behalf', 'user', true);
SELECT id FROM workitem_claim(3, 'wi_rf_ann', idempotency_key => 'svc-1');
ROLLBACK;
SELECT workitem_remember_refusal('svc-1') AS service_remembered;
BEGIN;
SELECT set_config('workitem.tenant', 'acme', true), set_config('workitem.on_behalf', 'user', true);
SELECT id, state FROM workitem_release(3, 'bob');
COMMIT;
BEGIN;
SELECT set_config('workitem.tenant', 'acme', true), set_config('workitem.on_behalf', 'user', true);
SELECT id FROM workitem_claim(3, 'wi_rf_ann', idempotency_key => 'svc-1');
ROLLBACK;
RESET SESSION AUTHORIZATION;
SELECT tenant_id, role_name, actor, key, operation, outcome #>> '{refused,sqlstate}' AS refused
  FROM rf_keys WHERE key IN ('mine', 'mine-2', 'boss-1', 'svc-1') ORDER BY tenant_id, key;

DROP VIEW rf_keys;
SET client_min_messages = warning;
DROP EXTENSION workitem CASCADE;
DROP ROLE wi_rf_svc, wi_rf_ann, wi_rf_boss, wi_rf_bi, wi_rf_zed;
