-- workitem_list filters and keyset paging; worklist order; directory maintenance.
-- Each file starts from a fresh install, so ids and counts are its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
SELECT user_id FROM workitem_put_user('ann', '{sales}');
SELECT user_id FROM workitem_put_user('dan', '{sales,support}');
SELECT id FROM workitem_create('wf-a', 'Call', '{"potential_owners": {"groups": ["sales"]}}', queue => 'q1', priority => 1, due_at => '2030-01-05');
SELECT id FROM workitem_create('wf-a', 'Mail', '{"potential_owners": {"groups": ["support"]}}', queue => 'q1', priority => 3, due_at => '2030-01-01');
SELECT id FROM workitem_create('wf-b', 'Call', '{"potential_owners": {"users": ["ann"]}}', queue => 'q2', priority => 3, due_at => '2030-01-03');
SELECT id FROM workitem_create('wf-b', 'Mail', '{"potential_owners": {"users": ["zed"]}}', queue => 'q2', priority => 2);
SELECT id, state, owner FROM workitem_claim(3, 'ann');

SELECT array_agg(id ORDER BY id) AS all_items FROM workitem_list();
SELECT array_agg(id ORDER BY id) AS offered FROM workitem_list(state => 'offered');
SELECT array_agg(id ORDER BY id) AS in_q1 FROM workitem_list(queue => 'q1');
SELECT array_agg(id ORDER BY id) AS calls FROM workitem_list(task_name => 'Call');
SELECT array_agg(id ORDER BY id) AS of_wf_b FROM workitem_list(workflow_id => 'wf-b');
SELECT array_agg(id ORDER BY id) AS owned_by_ann FROM workitem_list(owner => 'ann');
SELECT array_agg(id ORDER BY id) AS dan_may_take FROM workitem_list(potential_owner => 'dan');
SELECT array_agg(id ORDER BY id) AS due_before FROM workitem_list(due_before => '2030-01-03');
SELECT array_agg(id ORDER BY id) AS due_after FROM workitem_list(due_after => '2030-01-03');
SELECT array_agg(id ORDER BY id) AS urgent FROM workitem_list(min_priority => 3);
SELECT array_agg(id ORDER BY id) AS combined FROM workitem_list(state => 'offered', queue => 'q1', min_priority => 2);

-- Keyset paging: pages of 2, each starting after the last id of the one before.
SELECT array_agg(id ORDER BY id) AS page_1 FROM workitem_list(page_size => 2);
SELECT array_agg(id ORDER BY id) AS page_2 FROM workitem_list(page_size => 2, after_id => 2);
SELECT count(*) AS page_3 FROM workitem_list(page_size => 2, after_id => 4);

-- Worklist: offered to me or held by me, best first.
SELECT id, state, priority FROM workitem_worklist('dan');
SELECT id, state, priority FROM workitem_worklist('ann');
SELECT id FROM workitem_worklist('dan', queue => 'q1', page_size => 1);

-- put_user replaces the membership list.
SELECT user_id FROM workitem_put_user('dan', '{support}', capacity => 3);
SELECT group_id FROM workitem.group_member WHERE user_id = 'dan' ORDER BY 1;
SELECT user_id, capacity, available FROM workitem.directory_user WHERE user_id = 'dan';
SELECT array_agg(id ORDER BY id) AS dan_may_take_now FROM workitem_list(potential_owner => 'dan');
SELECT user_id, available FROM workitem_put_user('dan', available => false);
SELECT count(*) AS dan_groups FROM workitem.group_member WHERE user_id = 'dan';

-- Monitoring views.
SELECT queue, state, items FROM workitem.items_by_state ORDER BY queue, state;
SELECT queue, offered_items, oldest_age >= interval '0' AS aged FROM workitem.oldest_offered ORDER BY queue;
UPDATE workitem.item SET due_at = now() - interval '1 hour' WHERE id = 2;
SELECT id, overdue_by > interval '59 minutes' AS overdue FROM workitem.overdue_items;
