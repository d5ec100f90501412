-- Batch forms: one result row per id, one bad item does not stop the others, and every
-- successful item gets its one event.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{team}');
SELECT count(*) FROM (SELECT workitem_create('wf', 'T', '{"potential_owners": {"groups": ["team"]}}', actor => 'engine') FROM generate_series(1, 4)) AS created;
SELECT id FROM workitem_create('wf', 'Other', '{"potential_owners": {"users": ["zed"]}}');

SELECT id, ok, sqlstate, message, (item).state, (item).owner
  FROM workitem_claim_batch(ARRAY[3, 1, 999, 5, 2], 'ann');
SELECT id, ok, sqlstate, (item).state FROM workitem_start_batch(ARRAY[1, 2, 4], 'ann');
SELECT id, ok, sqlstate, message FROM workitem_complete_batch(ARRAY[1, 2, 3], 'ann', '{"done": true}', expected_versions => ARRAY[3, 2, NULL]);
SELECT id, state, version, output FROM workitem.item ORDER BY id;
SELECT aggregateid, array_agg(type ORDER BY aggregate_version) AS events FROM workitem.event GROUP BY aggregateid ORDER BY 1;

-- Every batch form exists and answers per id.
SELECT id, ok, sqlstate FROM workitem_cancel_batch(ARRAY[4, 1], 'engine', 'tidy up');
SELECT id, ok, sqlstate FROM workitem_heartbeat_batch(ARRAY[2], 'ann', 60);
SELECT id, ok, sqlstate FROM workitem_save_output_batch(ARRAY[2], 'ann', '{"d": 1}');
SELECT id, ok, sqlstate FROM workitem_suspend_batch(ARRAY[2], 'ann');
SELECT id, ok, sqlstate FROM workitem_resume_batch(ARRAY[2], 'ann');
SELECT id, ok, sqlstate FROM workitem_stop_batch(ARRAY[2], 'ann');
SELECT id, ok, sqlstate FROM workitem_delegate_batch(ARRAY[2], 'ann', 'bob');
SELECT id, ok, sqlstate FROM workitem_resolve_batch(ARRAY[2], 'bob');
SELECT id, ok, sqlstate FROM workitem_release_batch(ARRAY[2], 'ann');
SELECT id, ok, sqlstate FROM workitem_allocate_batch(ARRAY[2], 'engine', 'ann');
SELECT id, ok, sqlstate FROM workitem_forward_batch(ARRAY[2], 'ann', '{"potential_owners": {"users": ["ann"]}}');
SELECT id, ok, sqlstate FROM workitem_update_batch(ARRAY[2, 5], 'engine', priority => 7);
SELECT id, ok, sqlstate FROM workitem_skip_batch(ARRAY[2], 'engine');
SELECT id, ok, sqlstate FROM workitem_fail_batch(ARRAY[2], 'ann');
SELECT id, ok, sqlstate FROM workitem_mark_error_batch(ARRAY[2, 5], 'engine', '{"e": 1}');

-- Empty batches return nothing; bad batches are refused as a whole.
SELECT count(*) FROM workitem_claim_batch('{}', 'ann');
SELECT count(*) FROM workitem_claim_batch(ARRAY[1, 1], 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_claim_batch(ARRAY[1, NULL], 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_claim_batch(NULL, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_claim_batch(ARRAY[1], NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_complete_batch(ARRAY[1, 2], 'ann', expected_versions => ARRAY[1]);
\echo :LAST_ERROR_SQLSTATE
SET workitem.max_batch_size = 2;
SELECT count(*) FROM workitem_claim_batch(ARRAY[1, 2, 3], 'ann');
\echo :LAST_ERROR_SQLSTATE
RESET workitem.max_batch_size;

-- No subtransaction per item: a batch of many items stays one transaction.
SELECT count(*) FROM (SELECT workitem_create('wf-big', 'T', '{"potential_owners": {"groups": ["team"]}}') FROM generate_series(1, 200)) AS created;
SELECT count(*) FILTER (WHERE ok) AS claimed, count(*) FILTER (WHERE NOT ok) AS refused
  FROM workitem_claim_batch(ARRAY(SELECT id FROM workitem.item WHERE workflow_id = 'wf-big'), 'ann');
