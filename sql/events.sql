-- The event log: one event per call in the same transaction, direct changes recorded too,
-- Each file starts from a fresh install, so ids and counts are its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
-- and nobody can change or remove an event.
SELECT user_id FROM workitem_put_user('ann', '{}');
SELECT id FROM workitem_create('wf-1', 'T', '{"potential_owners": {"users": ["ann"]}}', input => '{"doc": 1}', actor => 'engine');
SELECT id, state FROM workitem_claim(1, 'ann');

-- Events carry the outbox columns and the audit columns.
SELECT seq, aggregatetype, aggregateid, aggregate_version, type, operation, actor,
       id IS NOT NULL AS has_uuid, txid IS NOT NULL AS has_txid, tenant_id,
       occurred_at <= now() AS occurred_before_now
  FROM workitem.event ORDER BY seq;

-- A rolled-back call leaves neither change nor event.
BEGIN;
SELECT state FROM workitem_start(1, 'ann');
SELECT count(*) AS events_inside FROM workitem.event;
ROLLBACK;
SELECT count(*) AS events_after_rollback FROM workitem.event;
SELECT state, version FROM workitem_get(1);

-- The payload: the item after the change and the diff; bodies only where they matter.
SELECT payload->'item'->>'state' AS state, payload->'item' ? 'input' AS item_has_input,
       payload->'input' AS input, payload ? 'changes' AS has_changes
  FROM workitem.event WHERE type = 'workitem.created';
-- The diff leaves out version and updated_at, which every change moves (aggregate_version and
-- occurred_at carry them); the item leaves out its null fields.
SELECT jsonb_object_keys(payload->'changes') AS changed
  FROM workitem.event WHERE type = 'workitem.allocated' ORDER BY 1;
SELECT payload->'item' ? 'owner' AS has_owner, payload->'item' ? 'due_at' AS has_null_due_at,
       payload->'item'->>'version' AS version, aggregate_version
  FROM workitem.event WHERE type = 'workitem.allocated';

-- Payloads are stored lz4-compressed (smaller WAL and pages), from a session's first event on;
-- readers get plain jsonb.
SELECT type, pg_column_compression(payload) AS compression,
       pg_column_size(payload) < pg_column_size(payload::text::jsonb) AS smaller,
       jsonb_typeof(payload->'item') AS item
  FROM workitem.event ORDER BY seq;

-- A direct UPDATE bypassing the functions is still recorded, by the role that made it,
-- and still moves the version on.
UPDATE workitem.item SET priority = 42 WHERE id = 1;
SELECT aggregate_version, type, operation, actor = current_user AS by_current_role,
       payload->'changes'->'priority' AS priority_change
  FROM workitem.event WHERE operation = 'direct';
SELECT version, priority FROM workitem_get(1);

-- Versions in the log are gapless and strictly increasing per item.
SELECT array_agg(aggregate_version ORDER BY seq) AS versions FROM workitem_history(1);

-- The row's invariants hold for direct changes too (checked by the item trigger).
\set SHOW_CONTEXT never
UPDATE workitem.item SET owner = NULL WHERE id = 1;
UPDATE workitem.item SET version = 0 WHERE id = 1;
UPDATE workitem.item SET assignment = '[]' WHERE id = 1;
UPDATE workitem.item SET deadlines = '{}' WHERE id = 1;
UPDATE workitem.item SET lease_seconds = 0 WHERE id = 1;
UPDATE workitem.item SET resume_to = 'offered' WHERE id = 1;
UPDATE workitem.item SET state = 'suspended' WHERE id = 1;
\set SHOW_CONTEXT errors
SELECT version, owner FROM workitem_get(1);

-- Direct inserts and deletes are recorded too.
INSERT INTO workitem.item (workflow_id, task_name, state, created_by) VALUES ('wf-x', 'X', 'offered', 'someone');
SELECT type, operation, aggregate_version FROM workitem.event WHERE aggregateid = 2 ORDER BY seq;
DELETE FROM workitem.item WHERE id = 2;
SELECT type, operation, aggregate_version FROM workitem.event WHERE aggregateid = 2 ORDER BY seq;

-- Events cannot be changed or removed.
\set SHOW_CONTEXT never
UPDATE workitem.event SET actor = 'mallory';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM workitem.event;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE workitem.event;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS events_kept FROM workitem.event;

-- The output travels in the completed event.
SELECT state FROM workitem_complete(1, 'ann', '{"result": "done"}');
SELECT payload->'output' AS output, payload->'changes'->'output' AS output_change
  FROM workitem.event WHERE type = 'workitem.completed';

-- The trace context of the caller, when set, is recorded with the event.
BEGIN;
SELECT set_config('workitem.trace_context', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', true);
SELECT id FROM workitem_create('wf-t', 'T');
COMMIT;
SELECT trace_context FROM workitem.event WHERE aggregateid = 3;

-- Event ids are random (version 4, RFC 4122 variant) UUIDs, distinct - also across sessions,
-- each drawing from its own generator.
\c
SELECT count(*) FROM workitem_create('wf-ids', 'T', actor => 'engine');
SELECT count(*) = count(DISTINCT id) AS ids_distinct,
       bool_and(substr(id::text, 15, 1) = '4' AND substr(id::text, 20, 1) IN ('8', '9', 'a', 'b'))
         AS ids_version_4
  FROM workitem.event;
