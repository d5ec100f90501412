-- The checks' own test (docs/load.md, The checks can fail): between journal.sql and check.sql,
-- inside a transaction that is rolled back afterwards, forges one breach of each invariant in
-- the run's journal and event log — so that a check that could never fail is noticed. Every
-- check but journal_has_work must then print FAIL.
BEGIN ISOLATION LEVEL REPEATABLE READ;

-- every_call_answered: a call that got no answer.
INSERT INTO journal (client, call, started_us, latency_us, call_op, operation, actor, outcome)
VALUES (-1, 1, 0, 0, 'complete', 'complete', 'forger', 'failed');

-- completed_at_most_once, ended_only_by_owner: a completed item completed again, by a stranger.
INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, actor, payload)
SELECT e.tenant_id, e.aggregateid, e.aggregate_version + 1, 'workitem.completed', 'complete',
       'forger', e.payload
  FROM workitem.event e WHERE e.type = 'workitem.completed' ORDER BY e.seq LIMIT 1;

-- no_double_allocation (and acknowledged_effects_present): a claim acknowledged twice, under
-- two keys.
INSERT INTO journal
SELECT -1, 2, NULL, started_us, latency_us, call_op, operation, actor, item_id, 'forged-claim',
       expected_version, outcome, sqlstate, version, state, owner, listed
  FROM journal WHERE outcome = 'ok' AND operation = 'claim' AND version IS NOT NULL LIMIT 1;

-- refusals_remembered: a refusal the database remembers whose key is still free.
INSERT INTO journal (client, call, started_us, latency_us, call_op, operation, actor,
                     idempotency_key, outcome, sqlstate)
VALUES (-1, 90, 0, 0, 'claim', 'claim', 'forger', 'forged-refusal', 'refused', 'WI423');

-- versions_contiguous: a gap in an item's versions.
INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, actor, payload)
SELECT e.tenant_id, e.aggregateid, e.aggregate_version + 5, 'workitem.updated', 'update',
       'forger', e.payload
  FROM workitem.event e WHERE e.type = 'workitem.created' ORDER BY e.seq DESC LIMIT 1;

-- one_event_per_version: a version with two events.
INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, actor, payload)
SELECT e.tenant_id, e.aggregateid, e.aggregate_version, e.type, e.operation, e.actor, e.payload
  FROM workitem.event e WHERE e.type = 'workitem.created' ORDER BY e.seq LIMIT 1;

-- refused_effects_absent: the effect of a refused call.
INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, actor,
                            payload, idempotency_key)
SELECT 'default', j.item_id, 1000, 'workitem.updated', j.operation, j.actor, '{}', j.idempotency_key
  FROM journal j
 WHERE j.outcome = 'refused' AND j.item_id IS NOT NULL AND j.idempotency_key IS NOT NULL LIMIT 1;

-- capacity_never_exceeded: nobody may hold anything any more, after the fact.
UPDATE workitem.directory_user SET capacity = 0 WHERE capacity IS NOT NULL;

-- four_eyes_never_violated: whoever took a Review completed its workflow's Submit before
-- (seq 0: before every event of the run).
INSERT INTO workitem.event (seq, tenant_id, aggregateid, aggregate_version, type, operation, actor,
                            payload)
SELECT 0, s.tenant_id, s.id, 1000, 'workitem.completed', 'complete',
       e.payload -> 'item' ->> 'owner', '{}'
  FROM workitem.event e
  JOIN workitem.item r ON r.id = e.aggregateid AND r.task_name = 'Review'
  JOIN workitem.item s ON s.workflow_id = r.workflow_id AND s.task_name = 'Submit'
 WHERE e.type = 'workitem.allocated' LIMIT 1;

-- idempotent_retries_replayed: a retry answered with another version than the first call.
INSERT INTO journal
SELECT client, 1000000000, call, started_us, latency_us, call_op, operation, actor, item_id,
       idempotency_key, expected_version, outcome, sqlstate, version + 1, state, owner, listed
  FROM journal WHERE call_op = 'start' AND outcome = 'ok' AND replay_of IS NULL LIMIT 1;
