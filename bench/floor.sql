-- The floor: the worker loop's writes and nothing else, so that bench/run can show how much of
-- the loop's cost is the writes themselves and how much any implementation could gain over the
-- PL/pgSQL peer by doing its logic faster.
--
-- Each call is one statement that writes what the extension writes for it, to the extension's
-- own tables and indexes (workitem.item, workitem.event):
--   * claim_next: the first offered item of the queue for the bench's group, locked FOR UPDATE
--     SKIP LOCKED, allocated to the actor (state, owner, lease_until, version, updated_at), and
--     one workitem.allocated event whose payload is the item snapshot and the changes;
--   * complete: the item completed with its output if the actor holds it at the expected version
--     (state, output, completed_at, lease_until, version, updated_at), and one workitem.completed
--     event.
-- It does none of the rest: no caller, role or tenant checks, no principals lookup (the bench's
-- group is written into the query), no state machine, no validators, no idempotency, no item
-- trigger (bench/run disables workitem.item's item_log trigger while the floor runs and enables
-- it again after), payloads built by to_jsonb and stored as they come (the extension compresses
-- them). It is not an implementation of anything; it is the cost of the rows.
--
-- Idempotent: drops and recreates the schema `floor`.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS floor CASCADE;
CREATE SCHEMA floor;

-- The item snapshot an event carries: the item's fields that are set, without the derived and
-- the large ones (as the extension's payload has them).
CREATE FUNCTION floor.snapshot(item workitem.item) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(to_jsonb(item)) - ARRAY['candidates', 'excluded', 'administrators',
           'input', 'output', 'create_request_hash']
$$;

CREATE FUNCTION floor.claim_next(actor text, queue text, OUT id bigint, OUT version bigint)
RETURNS SETOF record LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH picked AS (
        SELECT j.id FROM workitem.item j
         WHERE j.tenant_id = 'default' AND j.queue = claim_next.queue AND j.state = 'offered'
           AND j.candidates = '{g:bench}'
         ORDER BY j.priority DESC, j.due_at ASC NULLS LAST, j.id
         LIMIT 1 FOR UPDATE SKIP LOCKED),
    taken AS (
        UPDATE workitem.item i
           SET state = 'allocated', owner = claim_next.actor, lease_until = NULL,
               version = i.version + 1, updated_at = now()
          FROM picked WHERE i.id = picked.id
        RETURNING i.*),
    -- The claimed item's offer entries go, as the item trigger removes them.
    unoffered AS (
        DELETE FROM workitem.offer o USING picked WHERE o.item_id = picked.id),
    logged AS (
        INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation,
                                    actor, payload)
        SELECT t.tenant_id, t.id, t.version, 'workitem.allocated', 'claim_next', claim_next.actor,
               jsonb_build_object('item', floor.snapshot(t::workitem.item), 'changes',
                   jsonb_build_object('state', jsonb_build_object('old', 'offered', 'new', 'allocated'),
                                      'owner', jsonb_build_object('old', NULL, 'new', claim_next.actor)))
          FROM taken t)
    SELECT t.id, t.version FROM taken t;
END
$$;

CREATE FUNCTION floor.complete(id bigint, actor text, output jsonb, expected_version bigint,
                               OUT version bigint)
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH done AS (
        UPDATE workitem.item i
           SET state = 'completed', output = complete.output, completed_at = now(),
               lease_until = NULL, version = i.version + 1, updated_at = now()
         WHERE i.id = complete.id AND i.version = complete.expected_version
           AND i.owner = complete.actor AND i.state IN ('allocated', 'started')
        RETURNING i.*),
    logged AS (
        INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation,
                                    actor, payload)
        SELECT d.tenant_id, d.id, d.version, 'workitem.completed', 'complete', complete.actor,
               jsonb_build_object('item', floor.snapshot(d::workitem.item), 'output', d.output,
                   'changes', jsonb_build_object(
                       'state', jsonb_build_object('old', 'allocated', 'new', 'completed'),
                       'output', jsonb_build_object('changed', true),
                       'completed_at', jsonb_build_object('old', NULL, 'new', d.completed_at)))
          FROM done d)
    SELECT d.version FROM done d;
END
$$;
