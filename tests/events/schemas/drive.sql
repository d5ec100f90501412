-- The event contract test's workload (tests/events/schemas/run): in a fresh database of its own
-- (psql variable db), every operation of docs/domain.md §2 at least once, each with the
-- variations whose payloads differ (a create with and without input, claim_next's lease, a
-- trace context, an idempotency key, the timer's actions, a poison item, changes made by plain
-- SQL), so that every event type of docs/events/ is written and can be checked against its
-- schema. Run as a superuser (a service: it may act for any actor). Heartbeat writes no event,
-- so it is called to show that no workitem.heartbeat event appears.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
CREATE DATABASE :"db";
\connect :db
-- Items without potential owners warn on create; none of that is under test here.
SET client_min_messages = error;
CREATE EXTENSION workitem;

SELECT count(*) AS users FROM (
    SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob', 'cy']) AS u) AS users;
SELECT count(*) AS admins FROM (SELECT workitem_put_user('boss', '{ops}')) AS admins;

-- 1. One item walked through the person's operations (as in sql/operations.sql).
SELECT id AS walk FROM workitem_create('wf-walk', 'Review', actor => 'engine', skippable => true,
    input => '{"amount": 120}',
    assignment => '{"potential_owners": {"groups": ["team"]}, "administrators": {"groups": ["ops"]}}') \gset
SELECT id, state, owner FROM workitem_allocate(:walk, 'boss', 'bob');
SELECT id, state, owner FROM workitem_allocate(:walk, 'boss', 'ann', override => true);
SELECT id, state FROM workitem_start(:walk, 'ann');
SELECT id, state FROM workitem_stop(:walk, 'ann');
SELECT id, owner, delegated_from FROM workitem_delegate(:walk, 'ann', 'bob');
SELECT id, owner, delegation_state FROM workitem_resolve(:walk, 'bob');
SELECT id, state FROM workitem_save_output(:walk, 'ann', '{"draft": true}');
SELECT id, state FROM workitem_release(:walk, 'ann');
SELECT id, state FROM workitem_suspend(:walk, 'boss');
SELECT id, state FROM workitem_resume(:walk, 'boss');
SELECT id, state FROM workitem_claim(:walk, 'ann', idempotency_key => 'schemas-claim-walk');
SELECT id, state FROM workitem_heartbeat(:walk, 'ann', 120);
SELECT id, state FROM workitem_update(:walk, 'engine', priority => 5,
    due_at => now() + interval '2 days', input => '{"amount": 130}');
SELECT id, state FROM workitem_update(:walk, 'boss',
    assignment => '{"potential_owners": {"users": ["cy"]}}');
SELECT id, state FROM workitem_forward(:walk, 'ann', '{"potential_owners": {"groups": ["team"]}}');
SELECT id, state FROM workitem_skip(:walk, 'engine');

-- 2. A worker's item: most optional fields set, created with a trace context and a key, taken
-- by claim_next (with the default lease), heartbeat, completed with an output.
BEGIN;
SELECT set_config('workitem.trace_context',
                  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', true) IS NOT NULL AS traced;
SELECT id AS worker_item FROM workitem_create('wf-worker', 'Import',
    '{"potential_owners": {"users": ["ann"]}}', input => '{"file": "a.csv"}', priority => 3,
    queue => 'schemas', due_at => now() + interval '1 day', expires_at => now() + interval '30 days',
    step_ref => 'import-1', run_id => 'run-1', follow_up_at => now() + interval '12 hours',
    deadlines => '[{"at": "2100-01-01T00:00:00Z", "action": "notify"}]',
    actor => 'engine', idempotency_key => 'schemas-create-worker') \gset
COMMIT;
SELECT id = :worker_item AS claimed_it
  FROM workitem_claim_next('ann', queue => 'schemas', idempotency_key => 'schemas-claim-next');
SELECT id, state FROM workitem_heartbeat(:worker_item, 'ann');
SELECT id, state FROM workitem_complete(:worker_item, 'ann', '{"rows": 42}');

-- 3. Allocated at create (strategy direct, with a lease), completed without an output.
SELECT id AS direct_strategy FROM workitem_create('wf-direct-strategy', 'Sign',
    '{"strategy": "direct", "potential_owners": {"users": ["cy"]}, "lease_seconds": 600}',
    actor => 'engine') \gset
SELECT id, state FROM workitem_complete(:direct_strategy, 'cy');

-- 4. The other ends: fail, mark_error, cancel, cancel_workflow.
SELECT id AS failing FROM workitem_create('wf-fail', 'Check',
    '{"potential_owners": {"groups": ["team"]}}', actor => 'engine') \gset
SELECT id, state FROM workitem_claim(:failing, 'bob');
SELECT id, state FROM workitem_start(:failing, 'bob');
SELECT id, state FROM workitem_fail(:failing, 'bob', '{"reason": "no access"}');
SELECT id AS erring FROM workitem_create('wf-error', 'Import', actor => 'engine') \gset
SELECT id, state FROM workitem_mark_error(:erring, 'importer', '{"error": "bad file"}');
SELECT id AS cancelling FROM workitem_create('wf-cancel', 'Review',
    '{"potential_owners": {"users": ["cy"]}}', actor => 'engine') \gset
SELECT id, state FROM workitem_cancel(:cancelling, 'engine', 'no longer needed');
SELECT count(*) AS created FROM (
    SELECT workitem_create('wf-cancel-all', 'Step ' || n, actor => 'engine')
      FROM generate_series(1, 2) AS n) AS created;
SELECT count(*) AS cancelled FROM workitem_cancel_workflow('wf-cancel-all', 'engine', 'customer left');

-- 5. The timer's operations, all in one tick two hours ahead (workitem.test_clock_offset moves
-- the timer's clock only): activate, expire, lease_expire (offered again, and a poison item to
-- error), a deadline's escalate, and resume at suspended_until.
SELECT id AS later FROM workitem_create('wf-later', 'Later', '{"potential_owners": {"users": ["ann"]}}',
    activate_at => now() + interval '1 hour', actor => 'engine') \gset
SELECT id AS expiring FROM workitem_create('wf-expire', 'Expires', '{"potential_owners": {"users": ["ann"]}}',
    expires_at => now() + interval '1 hour', actor => 'engine') \gset
SELECT id AS leased FROM workitem_create('wf-lease', 'Leased', '{"potential_owners": {"users": ["ann"]}}',
    actor => 'engine') \gset
SELECT id, state FROM workitem_claim(:leased, 'ann', lease_seconds => 60);
SELECT id AS poison FROM workitem_create('wf-poison', 'Poison',
    '{"potential_owners": {"users": ["bob"]}, "max_lease_expiries": 1}', actor => 'engine') \gset
SELECT id, state FROM workitem_claim(:poison, 'bob', lease_seconds => 60);
SELECT id AS reminded FROM workitem_create('wf-deadline', 'Remind', '{"potential_owners": {"users": ["ann"]}}',
    deadlines => '[{"after": 3600, "action": "escalate", "raise_priority": 2}]', actor => 'engine') \gset
SELECT id AS paused FROM workitem_create('wf-pause', 'Pause',
    '{"potential_owners": {"users": ["ann"]}, "administrators": {"users": ["boss"]}}', actor => 'engine') \gset
SELECT id, state FROM workitem_suspend(:paused, 'boss', until => now() + interval '1 hour');
SET workitem.test_clock_offset = '2h';
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0 ORDER BY action;
RESET workitem.test_clock_offset;
SELECT id, state, escalation_level, lease_expiries FROM workitem.item
 WHERE id IN (:later, :expiring, :leased, :poison, :reminded, :paused) ORDER BY id;

-- 6. Changes made by plain SQL, outside the functions: recorded as operation direct.
INSERT INTO workitem.item (workflow_id, task_name, state, created_by)
     VALUES ('wf-plain-sql', 'Direct', 'offered', 'someone') RETURNING id AS plain \gset
UPDATE workitem.item SET priority = 42 WHERE id = :plain;
UPDATE workitem.item SET due_at = now() + interval '3 days', input = '{"direct": true}' WHERE id = :plain;
DELETE FROM workitem.item WHERE id = :plain;

SELECT type, operation, count(*) AS events FROM workitem.event GROUP BY 1, 2 ORDER BY 1, 2;
