-- Every operation of the lifecycle, from psql, with the errors each one adds.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob', 'cy']) AS u) AS users;
SELECT user_id FROM workitem_put_user('boss', '{ops}');

-- One item, administered by the group ops, walked through every operation.
SELECT id, state FROM workitem_create('wf-1', 'Review', actor => 'engine', skippable => true,
    assignment => '{"potential_owners": {"groups": ["team"]}, "administrators": {"groups": ["ops"]}}');

-- allocate: an administrator's act; not a potential owner's.
SELECT id FROM workitem_allocate(1, 'ann', 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state, owner, version FROM workitem_allocate(1, 'boss', 'bob', expected_version => 1);
SELECT id FROM workitem_allocate(1, 'boss', 'cy');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_allocate(1, 'boss', 'bob', override => true);
\echo :LAST_ERROR_SQLSTATE
SELECT id, state, owner FROM workitem_allocate(1, 'boss', 'ann', override => true);

-- start / stop
SELECT id, state FROM workitem_start(1, 'ann');
SELECT id, state FROM workitem_stop(1, 'ann');
SELECT id FROM workitem_stop(1, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- delegate and resolve: the delegate hands it back to the delegator.
SELECT id, state, owner, delegated_from, delegation_state FROM workitem_delegate(1, 'ann', 'bob');
SELECT id FROM workitem_delegate(1, 'bob', 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, owner, delegated_from FROM workitem_delegate(1, 'bob', 'cy');
SELECT id, state, owner, delegated_from, delegation_state FROM workitem_resolve(1, 'cy');
SELECT id FROM workitem_resolve(1, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- save_output keeps a draft through release; release offers the item again.
SELECT id, output FROM workitem_save_output(1, 'ann', '{"draft": true}');
SELECT id, state, owner, output FROM workitem_release(1, 'ann');
SELECT id FROM workitem_release(1, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- suspend and resume return to the state the item was in.
SELECT id, state, resume_to FROM workitem_suspend(1, 'boss');
SELECT id FROM workitem_claim(1, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state, resume_to FROM workitem_resume(1, 'boss');
SELECT id, state FROM workitem_claim(1, 'ann');
SELECT id, state, resume_to, suspended_until FROM workitem_suspend(1, 'ann', until => '2100-01-01 00:00+00');
SELECT id FROM workitem_resume(1, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state, resume_to, suspended_until FROM workitem_resume(1, 'ann');
SELECT id FROM workitem_suspend(1, 'ann', until => '2001-01-01 00:00+00');
\echo :LAST_ERROR_SQLSTATE

-- heartbeat extends the lease without a version or an event.
SELECT version AS before_heartbeat FROM workitem_get(1);
SELECT count(*) AS events_before FROM workitem_history(1);
SELECT id, version, lease_seconds, lease_until > now() AS leased FROM workitem_heartbeat(1, 'ann', 120);
SELECT count(*) AS events_after FROM workitem_history(1);
SELECT id FROM workitem_heartbeat(1, 'bob');
\echo :LAST_ERROR_SQLSTATE

-- update: administrator or initiator; the people can change too (keys given replace, others stay).
SELECT id FROM workitem_update(1, 'ann', priority => 5);
\echo :LAST_ERROR_SQLSTATE
SELECT id, state, priority, due_at, input FROM workitem_update(1, 'engine', priority => 5, due_at => '2030-06-01 00:00+00', input => '{"v": 2}');
SELECT candidates, administrators FROM workitem_update(1, 'boss', assignment => '{"potential_owners": {"users": ["cy"]}}');
SELECT id FROM workitem_update(1, 'boss', assignment => '{"potential_owners": []}');
\echo :LAST_ERROR_SQLSTATE

-- forward: offered to new people, owner cleared.
SELECT id, state, owner, candidates FROM workitem_forward(1, 'ann', '{"potential_owners": {"groups": ["team"]}}');
SELECT id FROM workitem_forward(1, 'ann', NULL);
\echo :LAST_ERROR_SQLSTATE

-- skip: only skippable items, by the initiator or an administrator.
SELECT id FROM workitem_skip(1, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_skip(1, 'engine');
SELECT id FROM workitem_create('wf-2', 'Review', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine');
SELECT id FROM workitem_skip(2, 'engine');
\echo :LAST_ERROR_SQLSTATE

-- fail and mark_error carry their fault into the event.
SELECT id, state FROM workitem_claim(2, 'bob');
SELECT id, state, fault FROM workitem_fail(2, 'bob', '{"reason": "no access"}');
SELECT payload->'fault' AS fault_in_event FROM workitem_history(2) WHERE type = 'workitem.failed';
SELECT id FROM workitem_create('wf-3', 'Import', actor => 'engine');
SELECT id, state, fault FROM workitem_mark_error(3, 'importer', '{"error": "bad file"}');
SELECT payload->'fault' AS fault_in_event FROM workitem_history(3) WHERE type = 'workitem.errored';

-- cancel_workflow: every active item of the workflow, all or nothing.
SELECT count(*) FROM (SELECT workitem_create('wf-4', 'Step' || n, actor => 'engine') FROM generate_series(1, 3) AS n) AS created;
SELECT id, state FROM workitem_cancel_workflow('wf-4', 'engine', 'customer left');
SELECT count(*) AS cancelled_again FROM workitem_cancel_workflow('wf-4', 'engine');
SELECT id FROM workitem_create('wf-5', 'Step', actor => 'engine');
SELECT count(*) FROM workitem_cancel_workflow('wf-5', 'system');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_cancel_workflow(NULL, 'engine');
\echo :LAST_ERROR_SQLSTATE

-- count: the filters of list.
SELECT workitem_count() AS all_items, workitem_count(state => 'cancelled') AS cancelled,
       workitem_count(workflow_id => 'wf-4') AS of_wf_4, workitem_count(potential_owner => 'ann') AS anns;

-- The whole history of item 1: one event per call, versions without gaps.
SELECT aggregate_version, type, operation, actor FROM workitem_history(1);

-- Leaving a suspension by an end (cancel, cancel_workflow): nothing is left to resume to.
SELECT id AS held FROM workitem_create('wf-6', 'Held', '{"potential_owners": {"users": ["ann"]}}', actor => 'engine') \gset
SELECT state FROM workitem_claim(:held, 'ann');
SELECT state, resume_to FROM workitem_suspend(:held, 'ann');
SELECT id = :held AS same_item, state, resume_to, suspended_until FROM workitem_cancel_workflow('wf-6', 'engine');
SELECT id AS held FROM workitem_create('wf-7', 'Held', '{"potential_owners": {"users": ["ann"]}}', actor => 'engine') \gset
SELECT state FROM workitem_claim(:held, 'ann');
SELECT state, resume_to FROM workitem_suspend(:held, 'ann', until => '2100-01-01 00:00+00');
SELECT state, resume_to, suspended_until FROM workitem_cancel(:held, 'engine', reason => 'withdrawn');
