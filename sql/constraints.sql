-- Constraints checked under locks: capacity, four eyes (separation of duties), excluded owners.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id, capacity FROM workitem_put_user('ann', '{team}', capacity => 2);
SELECT user_id, capacity FROM workitem_put_user('bob', '{team}');
SELECT count(*) FROM (SELECT workitem_create('wf-' || n, 'Job', '{"potential_owners": {"groups": ["team"]}}') FROM generate_series(1, 4) AS n) AS created;

-- Capacity: ann holds at most 2 items, by claim, claim_next, allocation or delegation.
SELECT id, owner FROM workitem_claim(1, 'ann');
SELECT id, owner FROM workitem_claim_next('ann');
SELECT id FROM workitem_claim(3, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS claimed_next_at_capacity FROM workitem_claim_next('ann');
SELECT id FROM workitem_allocate(3, 'boss', 'ann');
SELECT id, owner FROM workitem_claim(3, 'bob');
SELECT id FROM workitem_delegate(3, 'bob', 'ann');
\echo :LAST_ERROR_SQLSTATE
-- Completing frees a place.
SELECT id, state FROM workitem_complete(1, 'ann');
SELECT id, owner FROM workitem_delegate(3, 'bob', 'ann');
-- Bob has no capacity: no limit.
SELECT id, owner FROM workitem_claim(4, 'bob');

-- Four eyes: whoever holds or completed SubmitExpense may not take or complete
-- ApproveExpense of the same workflow.
SELECT id FROM workitem_create('wf-x', 'SubmitExpense', '{"potential_owners": {"groups": ["team"]}}');
SELECT id FROM workitem_create('wf-x', 'ApproveExpense', '{"potential_owners": {"groups": ["team"]}, "constraints": {"four_eyes_with": ["SubmitExpense"]}}');
SELECT id FROM workitem_create('wf-y', 'ApproveExpense', '{"potential_owners": {"groups": ["team"]}, "constraints": {"four_eyes_with": ["SubmitExpense"]}}');
SELECT id, state FROM workitem_start(5, 'bob');
SELECT id, state FROM workitem_complete(5, 'bob');
SELECT id FROM workitem_claim(6, 'bob');
\echo :LAST_ERROR_SQLSTATE
-- claim_next passes over the approval bob may not take, to one of another workflow.
SELECT id, owner FROM workitem_claim_next('bob', task_name => 'ApproveExpense');
-- Holding the approval, bob then works on the submission: he may finish the submission, but
-- no longer the approval.
SELECT id FROM workitem_create('wf-y', 'SubmitExpense', '{"potential_owners": {"users": ["bob"]}}');
SELECT id, state FROM workitem_start(8, 'bob');
SELECT id FROM workitem_complete(7, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_complete(8, 'bob');
SELECT id FROM workitem_complete(7, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_release(7, 'bob');
