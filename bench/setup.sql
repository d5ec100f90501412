-- The benchmark's own objects (schema `bench`): the ceiling's tables, the stock loaders that keep
-- enough offered items in a queue, and the wrappers the contended-claim workloads call.
-- Run by bench/run after CREATE EXTENSION workitem and bench/plpgsql_peer.sql. Idempotent.
-- psql variable :clients is the most clients any workload uses (one user per client).

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- The ceiling: the least a transition can cost, one row updated and one row inserted, in one
-- statement (one round trip, one commit).
CREATE TABLE bench.ceiling (
    id         integer PRIMARY KEY,
    v          bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO bench.ceiling (id) SELECT g FROM generate_series(1, 100000) g;
CREATE TABLE bench.ceiling_log (
    seq         bigserial PRIMARY KEY,
    row_id      integer NOT NULL,
    v           bigint NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now()
);

-- Users u0 .. u<clients-1> (pgbench's client_id) in the group `bench`, in both directories.
SELECT count(workitem_put_user('u' || g, '{bench}')) AS users
  FROM generate_series(0, :clients - 1) g;
INSERT INTO peer.group_member (group_id, user_id)
SELECT 'bench', 'u' || g FROM generate_series(0, :clients - 1) g;

-- The document every item carries, and the assignment: offered to the group `bench`.
CREATE FUNCTION bench.assignment() RETURNS jsonb LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{"potential_owners": {"groups": ["bench"]}}'::jsonb $$;
CREATE FUNCTION bench.input() RETURNS jsonb LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{"invoice": 1017, "amount": 240, "currency": "EUR"}'::jsonb $$;

-- Stock: `wanted` more offered items in `queue`, made by a plain INSERT, so the item triggers
-- derive what they derive (candidates...) and record each item's `created` event, as for any
-- direct change; quicker than one create call per item, and the rows are those the create
-- functions make for the same arguments. Returns the first and last new id (the ids are
-- consecutive: nothing else inserts while bench/run stocks a queue).
CREATE FUNCTION bench.stock(impl text, queue text, wanted integer,
                            OUT first_id bigint, OUT last_id bigint, OUT made bigint)
    LANGUAGE plpgsql AS $$
DECLARE
    batch text := pg_current_xact_id()::text;  -- one workflow per item, as a workflow engine would
BEGIN
    IF impl = 'ext' THEN
        WITH new_items AS (
            INSERT INTO workitem.item (workflow_id, task_name, queue, state, assignment, input, created_by)
            SELECT 'stock-' || batch || '-' || g, 'Review', queue, 'offered', bench.assignment(), bench.input(), 'bench'
              FROM generate_series(1, wanted) g ORDER BY g
            RETURNING id)
        SELECT min(id), max(id), count(*) INTO first_id, last_id, made FROM new_items;
    ELSE
        WITH new_items AS (
            INSERT INTO peer.item (workflow_id, task_name, queue, state, assignment, candidates, input, created_by)
            SELECT 'stock-' || batch || '-' || g, 'Review', queue, 'offered', bench.assignment(), '{g:bench}', bench.input(), 'bench'
              FROM generate_series(1, wanted) g ORDER BY g
            RETURNING id)
        SELECT min(id), max(id), count(*) INTO first_id, last_id, made FROM new_items;
    END IF;
    IF made > 0 AND last_id - first_id + 1 <> made THEN
        RAISE EXCEPTION 'stocked ids are not consecutive (% .. %, % items)', first_id, last_id, made;
    END IF;
END;
$$;

-- Tops `queue` up to `target` offered items; returns how many it added.
CREATE FUNCTION bench.top_up(impl text, queue text, target integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    offered bigint;
BEGIN
    IF impl = 'ext' THEN
        SELECT count(*) INTO offered FROM workitem.item i
         WHERE i.tenant_id = 'default' AND i.queue = top_up.queue AND i.state = 'offered';
    ELSE
        SELECT count(*) INTO offered FROM peer.item i
         WHERE i.tenant_id = 'default' AND i.queue = top_up.queue AND i.state = 'offered';
    END IF;
    IF offered >= target THEN
        RETURN 0;
    END IF;
    RETURN (SELECT s.made FROM bench.stock(impl, queue, (target - offered)::integer) s);
END;
$$;

-- How many offered items `queue` holds.
CREATE FUNCTION bench.offered(impl text, queue text) RETURNS bigint LANGUAGE sql AS $$
    SELECT CASE impl
        WHEN 'ext' THEN (SELECT count(*) FROM workitem.item i
                          WHERE i.tenant_id = 'default' AND i.queue = offered.queue AND i.state = 'offered')
        ELSE (SELECT count(*) FROM peer.item i
               WHERE i.tenant_id = 'default' AND i.queue = offered.queue AND i.state = 'offered')
    END
$$;

-- Contended claim-by-id: a lost race is an answer, not a failure (pgbench aborts a client on any
-- error), so the wrappers turn the loser's WI423 / WI409 into a result. Both sides pay the same
-- subtransaction for it.
CREATE FUNCTION bench.ext_try_claim(id bigint, actor text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM workitem_claim(id, actor);
    RETURN 'ok';
EXCEPTION WHEN SQLSTATE 'WI423' OR SQLSTATE 'WI409' THEN
    RETURN SQLSTATE;
END;
$$;
CREATE FUNCTION bench.peer_try_claim(id bigint, actor text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM peer.peer_claim(id, actor);
    RETURN 'ok';
EXCEPTION WHEN SQLSTATE 'WI423' OR SQLSTATE 'WI409' THEN
    RETURN SQLSTATE;
END;
$$;
