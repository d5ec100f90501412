-- Idempotency keys: a retry replays the original outcome, nothing happens twice; the same key
-- for a different request is WI428; a failed call leaves no key.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{team}');
SELECT user_id FROM workitem_put_user('bob', '{team}');
SELECT id, version FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["team"]}}', idempotency_key => 'create-1');
SELECT id, version FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["team"]}}', idempotency_key => 'create-1');
SELECT count(*) AS items FROM workitem.item;

SELECT id, state, owner, version FROM workitem_claim(1, 'ann', idempotency_key => 'claim-1');
-- the retry after a lost reply: same answer, no second change, no second event
SELECT id, state, owner, version FROM workitem_claim(1, 'ann', idempotency_key => 'claim-1');
SELECT count(*) AS events FROM workitem.event;
-- another actor's key of the same name is a key of its own: bob's claim runs (and is refused)
SELECT id FROM workitem_claim(1, 'bob', idempotency_key => 'claim-1');
\echo :LAST_ERROR_SQLSTATE
-- the same key for another request
SELECT id FROM workitem_start(1, 'ann', idempotency_key => 'claim-1');
\echo :LAST_ERROR_SQLSTATE

-- A failed call leaves no key: its retry runs afresh.
SELECT id FROM workitem_complete(1, 'bob', idempotency_key => 'complete-1');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS keys_for_failed_call FROM workitem.idempotency_key WHERE key = 'complete-1';
SELECT id, state FROM workitem_complete(1, 'ann', '{"ok": 1}', idempotency_key => 'complete-2');
SELECT id, state, version FROM workitem_complete(1, 'ann', '{"ok": 1}', idempotency_key => 'complete-2');

-- The event names the key it was made with.
SELECT type, idempotency_key FROM workitem.event ORDER BY seq;

-- claim_next retried after a lost reply returns the same item; "nothing" is remembered too.
SELECT id FROM workitem_create('wf', 'U', '{"potential_owners": {"groups": ["team"]}}');
SELECT id, owner FROM workitem_claim_next('bob', idempotency_key => 'next-1');
SELECT id, owner FROM workitem_claim_next('bob', idempotency_key => 'next-1');
SELECT count(*) AS nothing FROM workitem_claim_next('bob', idempotency_key => 'next-2');
SELECT id FROM workitem_create('wf', 'V', '{"potential_owners": {"groups": ["team"]}}');
SELECT count(*) AS still_nothing FROM workitem_claim_next('bob', idempotency_key => 'next-2');

-- Batches replay every row, errors included.
SELECT id, ok, sqlstate FROM workitem_claim_batch(ARRAY[3, 1], 'ann', idempotency_key => 'batch-1');
SELECT id, ok, sqlstate, (item).version FROM workitem_claim_batch(ARRAY[3, 1], 'ann', idempotency_key => 'batch-1');

-- Keys are per tenant and expire.
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT id FROM workitem_create('wf', 'T', idempotency_key => 'create-1');
ROLLBACK;
SELECT key, operation, expires_at > now() + interval '23 hours' AS kept_a_day
  FROM workitem.idempotency_key ORDER BY created_at, key;
SELECT id FROM workitem_claim(1, 'ann', idempotency_key => '');
\echo :LAST_ERROR_SQLSTATE

-- (workflow_id, step_ref) is the natural key of a create: the same step is the same item.
SELECT id, state FROM workitem_create('wf-s', 'T', step_ref => 'approve');
SELECT id, state FROM workitem_create('wf-s', 'T', step_ref => 'approve');
SELECT id FROM workitem_create('wf-s', 'T2', step_ref => 'approve');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf-s', 'T', step_ref => 'review');

-- cancel_workflow replays the items it cancelled.
SELECT count(*) FROM (SELECT workitem_create('wf-c', 'Step' || n) FROM generate_series(1, 2) AS n) AS created;
SELECT id, state FROM workitem_cancel_workflow('wf-c', 'engine', idempotency_key => 'cw-1');
SELECT id, state, version FROM workitem_cancel_workflow('wf-c', 'engine', idempotency_key => 'cw-1');
SELECT count(*) AS cancel_events FROM workitem.event WHERE type = 'workitem.cancelled';
