-- The core lifecycle as a psql user sees it: create, worklist, claim, start, complete, history.
-- Each file starts from a fresh install, so ids and counts are its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
SELECT user_id, available FROM workitem_put_user('ann', '{approvers}');
SELECT user_id FROM workitem_put_user('bob', '{approvers,finance}');
SELECT user_id FROM workitem_put_user('cy', '{}');

-- An item offered to a group lands in state offered, version 1.
SELECT id, state, owner, version, candidates, created_by
  FROM workitem_create('wf-1', 'ApproveExpense',
                       assignment => '{"potential_owners": {"groups": ["approvers"]}}',
                       input => '{"amount": 120}', priority => 5, queue => 'expenses',
                       actor => 'engine');

-- Both members see it in their worklist; an outsider does not.
SELECT id, state FROM workitem_worklist('ann');
SELECT id, state FROM workitem_worklist('bob');
SELECT count(*) AS cy_sees FROM workitem_worklist('cy');

-- ann claims it, starts it, completes it with output.
SELECT id, state, owner, version FROM workitem_claim(1, actor => 'ann', expected_version => 1);
SELECT count(*) AS bob_sees_after_claim FROM workitem_worklist('bob');
SELECT id, state FROM workitem_worklist('ann');
SELECT id, state, owner, version FROM workitem_start(1, 'ann', expected_version => 2);
SELECT id, state, owner, version, output, completed_at IS NOT NULL AS completed
  FROM workitem_complete(1, 'ann', output => '{"approved": true}', expected_version => 3);
SELECT id, state, version FROM workitem_get(1);

-- The history: one event per call, each with the old and new value of what changed.
SELECT aggregate_version, type, operation, actor,
       payload->'changes'->'state' AS state_change,
       payload->'changes'->'owner' AS owner_change
  FROM workitem_history(1);
SELECT payload->'input' AS created_input FROM workitem_history(1) WHERE type = 'workitem.created';
SELECT payload->'output' AS completed_output FROM workitem_history(1) WHERE type = 'workitem.completed';

-- claim_next: best first (priority, then due date, then age), only what the actor may take.
SELECT id, priority FROM workitem_create('wf-2', 'Review', '{"potential_owners": {"groups": ["approvers"]}}', priority => 1, queue => 'expenses');
SELECT id, priority FROM workitem_create('wf-3', 'Review', '{"potential_owners": {"groups": ["approvers"]}}', priority => 9, queue => 'expenses');
SELECT id, priority FROM workitem_create('wf-4', 'Review', '{"potential_owners": {"groups": ["approvers"]}}', priority => 9, queue => 'expenses', due_at => '2030-01-01');
SELECT id, priority FROM workitem_create('wf-5', 'Review', '{"potential_owners": {"groups": ["finance"]}}', priority => 100, queue => 'expenses');
SELECT id, state, owner FROM workitem_claim_next('ann', queue => 'expenses');
SELECT id, state, owner FROM workitem_claim_next('ann', queue => 'expenses');
SELECT id, state, owner FROM workitem_claim_next('ann', queue => 'expenses');
SELECT count(*) AS nothing_left_for_ann FROM workitem_claim_next('ann', queue => 'expenses');
SELECT id, state, owner FROM workitem_claim_next('bob', task_name => 'Review');
SELECT count(*) AS other_queue FROM workitem_claim_next('bob', queue => 'other');

-- Excluded owners never get an item, even through a group.
SELECT id FROM workitem_create('wf-6', 'Review', '{"potential_owners": {"groups": ["approvers"]}, "excluded_owners": {"users": ["ann"]}}');
SELECT count(*) AS excluded_ann_gets FROM workitem_claim_next('ann');
SELECT count(*) AS excluded_ann_sees FROM workitem_worklist('ann') WHERE id = 6;

-- direct: allocated at once to the single named user, with the assignment's lease.
SELECT id, state, owner, lease_seconds, lease_until > now() AS leased
  FROM workitem_create('wf-7', 'Sign', '{"strategy": "direct", "potential_owners": {"users": ["cy"]}, "lease_seconds": 600}');
SELECT aggregate_version, type, payload->'item'->>'state' AS state FROM workitem_history(7);

-- start straight from offered: claim and start in one call.
SELECT id FROM workitem_create('wf-8', 'Quick', '{"potential_owners": {"users": ["cy"]}}');
SELECT id, state, owner, version FROM workitem_start(8, 'cy');

-- A claim can carry a lease.
SELECT id FROM workitem_create('wf-9', 'Leased', '{"potential_owners": {"users": ["cy"]}}');
SELECT state, lease_seconds, lease_until BETWEEN now() + interval '59 seconds' AND now() + interval '61 seconds' AS lease_ok
  FROM workitem_claim(9, 'cy', lease_seconds => 60);

-- cancel, with a reason recorded in the event.
SELECT id, state, completed_at IS NOT NULL AS ended FROM workitem_cancel(9, 'engine', reason => 'order withdrawn');
SELECT type, operation, actor, reason FROM workitem_history(9) WHERE type = 'workitem.cancelled';

-- activate_at in the future: the item waits in created and is nobody's work yet.
SELECT id, state FROM workitem_create('wf-10', 'Later', '{"potential_owners": {"users": ["cy"]}}', activate_at => now() + interval '1 day');
SELECT count(*) AS cy_sees_later FROM workitem_worklist('cy') WHERE id = 10;

-- Tenants: another tenant sees none of this.
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT count(*) AS acme_items FROM workitem_list();
SELECT id, tenant_id, state FROM workitem_create('wf-1', 'ApproveExpense', '{"potential_owners": {"users": ["ann"]}}');
COMMIT;
SELECT tenant_id, count(*) FROM workitem.item GROUP BY tenant_id ORDER BY tenant_id;

-- What each actor may do now, from the same rules that judge an attempt.
SELECT workitem_allowed_operations(3, 'ann') AS ann_on_her_claim;
SELECT workitem_allowed_operations(3, 'bob') AS bob_on_anns_claim;
SELECT workitem_allowed_operations(6, 'bob') AS bob_on_offered;
SELECT workitem_allowed_operations(6, 'ann') AS excluded_ann_on_offered;
SELECT workitem_allowed_operations(1, 'ann') AS ann_on_completed;
SELECT workitem_allowed_operations(3, 'system') AS system_actor;
