-- Feature flags: switched at run time, per database and per tenant, seen by every session
-- without reconnecting.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{team}');

-- Everything is on by default.
SELECT owner FROM workitem_create('wf', 'T', '{"strategy": "round_robin", "potential_owners": {"users": ["ann"]}}');

-- Switch a strategy off for the whole database: creates with it are WI501, others still work.
SELECT tenant_id, name, enabled FROM workitem_set_flag('strategy.round_robin', false);
SELECT id FROM workitem_create('wf', 'T', '{"strategy": "round_robin", "potential_owners": {"users": ["ann"]}}');
\echo :LAST_ERROR_SQLSTATE
SELECT state FROM workitem_create('wf', 'T', '{"potential_owners": {"users": ["ann"]}}');
SELECT element, ok, sqlstate FROM workitem_create_many('[{"workflow_id": "w", "task_name": "t", "assignment": {"strategy": "round_robin"}}, {"workflow_id": "w", "task_name": "t"}]');

-- A tenant's own setting wins over the database's.
SELECT tenant_id, enabled FROM workitem_set_flag('strategy.round_robin', true, tenant => 'acme');
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT state FROM workitem_create('wf', 'T', '{"strategy": "round_robin", "potential_owners": {"users": ["nobody"]}}');
COMMIT;

-- Idempotency can be switched off: a call with a key is then refused, not silently unprotected.
SELECT enabled FROM workitem_set_flag('idempotency', false);
SELECT id FROM workitem_create('wf', 'T', idempotency_key => 'k1');
\echo :LAST_ERROR_SQLSTATE
SELECT state FROM workitem_create('wf', 'T');
SELECT enabled FROM workitem_set_flag('idempotency', true);
SELECT id > 0 AS created_with_key FROM workitem_create('wf', 'T', idempotency_key => 'k1');

-- Bad flags.
SELECT workitem_set_flag('strategy.telepathy', false);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_flag('idempotency', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT tenant_id, name, enabled FROM workitem.feature_flag ORDER BY tenant_id, name;

-- The timer's flags follow the same rule for every tenant at once: a tenant's own row wins over
-- the database's. Two items due to activate, one per tenant; timer.activate off for acme only,
-- then off for the database but on for acme.
SET workitem.test_clock_offset = '2h';
SELECT count(*) AS due FROM (
    SELECT workitem_create('wf-t', 'Later', activate_at => now() + interval '1 hour', actor => 'engine')) AS c;
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT count(*) AS due FROM (
    SELECT workitem_create('wf-t', 'Later', activate_at => now() + interval '1 hour', actor => 'engine')) AS c;
COMMIT;
SELECT enabled FROM workitem_set_flag('timer.activate', false, tenant => 'acme');
SELECT action, done FROM workitem_tick() WHERE action = 'activate';
SELECT tenant_id, task_name, state FROM workitem.item WHERE workflow_id = 'wf-t' ORDER BY tenant_id, task_name;
SELECT enabled FROM workitem_set_flag('timer.activate', false);
SELECT enabled FROM workitem_set_flag('timer.activate', true, tenant => 'acme');
SELECT count(*) AS due FROM (
    SELECT workitem_create('wf-t', 'Later again', activate_at => now() + interval '1 hour', actor => 'engine')) AS c;
SELECT action, done FROM workitem_tick() WHERE action = 'activate';
SELECT tenant_id, task_name, state FROM workitem.item WHERE workflow_id = 'wf-t' ORDER BY tenant_id, task_name;
SELECT enabled FROM workitem_set_flag('timer.activate', true);
RESET workitem.test_clock_offset;
