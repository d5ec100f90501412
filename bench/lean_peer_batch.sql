-- The lean peer's batched worker loop, beside workitem_acknowledge_and_claim_next: one call, one
-- transaction, that completes the items the worker holds (each with its own output) and claims up
-- to n more. Written on lean_peer.sql's tables as plainly as its one-item functions, and in a file
-- of its own so that lean_peer.sql, the yardstick, stays as committed. Run by bench/run after
-- lean_peer.sql.
--
--   * lean.complete_each(actor, ids, outputs): locks the held items in id order, one UPDATE that
--     sets each its own output, one audit row each (the outbox trigger writes one row each);
--     items not held by the actor are left alone (as complete_batch does);
--   * lean.claim_next_batch(actor, groups, queue, lease_seconds, n): lean.claim_batch -
--     LIMIT n FOR UPDATE SKIP LOCKED, one UPDATE, its triggers;
--   * lean.acknowledge_and_claim_batch(...): both, in one call.

SET client_min_messages = warning;

CREATE FUNCTION lean.complete_each(actor text, ids bigint[], outputs jsonb[])
    RETURNS SETOF lean.item LANGUAGE sql AS $$
    WITH given AS (
        SELECT g.id, g.output FROM unnest(ids, outputs) AS g(id, output)),
    held AS (
        SELECT i.id, given.output FROM lean.item i JOIN given ON given.id = i.id
         WHERE i.state = 'CLAIMED' AND i.owner = actor
         ORDER BY i.id
         FOR UPDATE OF i),
    done AS (
        UPDATE lean.item i SET state = 'COMPLETED', output = held.output, version = i.version + 1,
               lease_until = NULL, updated_at = now()
          FROM held WHERE i.id = held.id
        RETURNING i.*),
    audited AS (
        INSERT INTO lean.audit_log (item_id, action, actor, old_state, new_state)
        SELECT d.id, 'complete', actor, 'CLAIMED', 'COMPLETED' FROM done d)
    SELECT * FROM done
$$;

CREATE FUNCTION lean.claim_next_batch(actor text, groups text[], queue text,
                                      lease_seconds integer, how_many integer)
    RETURNS SETOF lean.item LANGUAGE sql AS $$
    SELECT * FROM lean.claim_batch(actor, groups, queue, lease_seconds, how_many)
$$;

-- Completes what the worker holds (ids, with their outputs), then claims up to how_many more;
-- returns the claimed items.
CREATE FUNCTION lean.acknowledge_and_claim_batch(actor text, groups text[], queue text,
                                                 lease_seconds integer, ids bigint[],
                                                 outputs jsonb[], how_many integer)
    RETURNS SETOF lean.item LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM lean.complete_each(actor, ids, outputs);
    RETURN QUERY SELECT * FROM lean.claim_batch(actor, groups, queue, lease_seconds, how_many);
END;
$$;
