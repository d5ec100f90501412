-- workitem_acknowledge_and_claim_next: a worker's outcomes (complete or fail per held item) and
-- its next claims in one call and one commit; one row per outcome, then one per claimed item.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{crew}', capacity => 2);
SELECT user_id FROM workitem_put_user('bob', '{crew}');
SELECT count(*) AS created FROM (
    SELECT workitem_create('wf-' || n, 'Job', '{"potential_owners": {"groups": ["crew"]}}',
                           priority => 10 - n, queue => 'jobs')
      FROM generate_series(1, 6) AS n) AS items;
CREATE TEMP TABLE label AS SELECT id, 'wf-' || substr(workflow_id, 4) AS wf FROM workitem.item;

-- Nothing held yet: claims only (capacity 2 stops the third), best first, with the lease.
SELECT r.kind, l.wf, r.ok, (r.item).state, (r.item).lease_until > now() AS leased
  FROM workitem_acknowledge_and_claim_next('ann', '[]', 'jobs', lease_seconds => 60, max_items => 3) AS r
  JOIN label l ON l.id = r.id;

-- Complete one with its output, fail the other with a fault; the freed capacity takes two more.
SELECT id AS first FROM workitem.item WHERE workflow_id = 'wf-1' \gset
SELECT id AS second FROM workitem.item WHERE workflow_id = 'wf-2' \gset
SELECT r.kind, l.wf, r.ok, r.sqlstate, (r.item).state, (r.item).output, (r.item).fault
  FROM workitem_acknowledge_and_claim_next('ann',
         jsonb_build_array(jsonb_build_object('id', :first, 'output', '{"done": true}'::jsonb),
                           jsonb_build_object('id', :second, 'fault', '{"why": "broken"}'::jsonb)),
         'jobs', max_items => 2, idempotency_key => 'ann-round-2') AS r
  JOIN label l ON l.id = r.id;
-- One event and one version per change, as if by their own calls.
SELECT l.wf, e.type, e.aggregate_version FROM workitem.event e JOIN label l ON l.id = e.aggregateid
 WHERE l.wf IN ('wf-1', 'wf-2', 'wf-3', 'wf-4') AND e.type <> 'workitem.created'
 ORDER BY l.wf, e.aggregate_version;
-- A retry with the same key returns the same rows and changes nothing.
SELECT r.kind, l.wf, r.ok, (r.item).state
  FROM workitem_acknowledge_and_claim_next('ann',
         jsonb_build_array(jsonb_build_object('id', :first, 'output', '{"done": true}'::jsonb),
                           jsonb_build_object('id', :second, 'fault', '{"why": "broken"}'::jsonb)),
         'jobs', max_items => 2, idempotency_key => 'ann-round-2') AS r
  JOIN label l ON l.id = r.id;
SELECT count(*) AS events FROM workitem.event;
-- The same key with other arguments is refused.
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[]', 'jobs', max_items => 2,
                                                         idempotency_key => 'ann-round-2');

-- A refused outcome answers in its own row and the others go on: an item ann does not hold, a
-- stale expected version, an item that does not exist; max_items 0 claims nothing.
SELECT id AS third FROM workitem.item WHERE workflow_id = 'wf-3' \gset
SELECT id AS fourth FROM workitem.item WHERE workflow_id = 'wf-4' \gset
SELECT id AS fifth FROM workitem.item WHERE workflow_id = 'wf-5' \gset
SELECT r.kind, r.id = :third AS third, r.ok, r.sqlstate, (r.item).state
  FROM workitem_acknowledge_and_claim_next('ann',
         jsonb_build_array(jsonb_build_object('id', :fifth),
                           jsonb_build_object('id', :third, 'expected_version', 1),
                           jsonb_build_object('id', 999999),
                           jsonb_build_object('id', :fourth, 'output', null)),
         max_items => 0) AS r;

-- Bad input: WI422 naming the entry.
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '{"id": 1}');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[5]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": 1, "ouput": {}}]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": 1, "output": 1, "fault": 2}]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": 1.5}]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": "1"}]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": 1}, {"id": 1}]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": 1, "expected_version": "x"}]');
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[]', max_items => -1);
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', NULL, max_items => 0);
SELECT count(*) FROM workitem_acknowledge_and_claim_next(NULL, '[]');
SET workitem.max_batch_size = 2;
SELECT count(*) FROM workitem_acknowledge_and_claim_next('ann', '[{"id": 1}, {"id": 2}, {"id": 3}]');
RESET workitem.max_batch_size;

-- bob has no capacity: nothing his decisions read is changed by his earlier items, so a batch's
-- changes are written together (one UPDATE per run of changes that write the same columns),
-- each item still with its own version, output and event (the outcomes here in reverse claim
-- order; the last, without an output, written apart). The result rows come in the order given.
SELECT count(*) AS created FROM (
    SELECT workitem_create('bulk-' || n, 'Job', '{"potential_owners": {"groups": ["crew"]}}',
                           priority => 10 - n, queue => 'bulk')
      FROM generate_series(1, 5) AS n) AS items;
SELECT r.kind, (r.item).workflow_id, r.ok, (r.item).state, (r.item).version,
       (r.item).lease_until > now() AS leased
  FROM workitem_acknowledge_and_claim_next('bob', '[]', 'bulk', lease_seconds => 60,
                                           max_items => 3) AS r;
SELECT jsonb_agg(CASE WHEN workflow_id = 'bulk-1' THEN jsonb_build_object('id', id)
                      ELSE jsonb_build_object('id', id, 'output',
                                              jsonb_build_object('n', workflow_id)) END
                 ORDER BY workflow_id DESC) AS held
  FROM workitem.item WHERE queue = 'bulk' AND owner = 'bob' \gset
SELECT r.kind, (r.item).workflow_id, r.ok, (r.item).state, (r.item).output, (r.item).version
  FROM workitem_acknowledge_and_claim_next('bob', :'held', 'bulk', max_items => 3) AS r;
SELECT i.workflow_id, e.type, e.operation, e.actor, e.aggregate_version
  FROM workitem.event e JOIN workitem.item i ON i.id = e.aggregateid
 WHERE i.queue = 'bulk' AND e.type <> 'workitem.created' ORDER BY i.workflow_id, e.seq;
