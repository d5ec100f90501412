-- The eligibility shapes of the worker loop (bench/README.md), for workitem, the PL/pgSQL peer and
-- the lean peer (bench/lean_peer.sql). Run by bench/run after bench/setup.sql. Left alone once
-- committed: the yardstick must not move with the work it measures.
--
-- A directory of 1,000 users u0 .. u999 in ten groups g0 .. g9, each user in two of them
-- (bench.groups_of); the worker of pgbench client k is user uk. Two shapes of offer:
--   * realistic ('mix' queue): every item offered to one random user and one random group, so a
--     worker may take about one item in five;
--   * one group ('group' queue): every item offered to one random group of the ten.
-- The lean peer keeps no directory: its workers pass their groups in (bench/workloads/lean_*.sql
-- compute them as bench.groups_of does).

SET client_min_messages = warning;

-- User k's two groups: g(k mod 10) and another one, offset by 1 to 9 places.
CREATE FUNCTION bench.groups_of(k integer) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['g' || (k % 10), 'g' || ((k % 10 + 1 + (k / 10) % 9) % 10)]
$$;

WITH users AS (SELECT k, bench.groups_of(k) AS groups FROM generate_series(0, 999) AS k),
directory AS (
    INSERT INTO workitem.directory_user (user_id) SELECT 'u' || k FROM users
    ON CONFLICT DO NOTHING RETURNING user_id)
SELECT count(*) FROM directory;
INSERT INTO workitem.group_member (tenant_id, group_id, user_id)
SELECT 'default', g, 'u' || k FROM generate_series(0, 999) AS k, unnest(bench.groups_of(k)) AS g
ON CONFLICT DO NOTHING;
INSERT INTO peer.group_member (group_id, user_id)
SELECT g, 'u' || k FROM generate_series(0, 999) AS k, unnest(bench.groups_of(k)) AS g
ON CONFLICT DO NOTHING;

-- The offers of `wanted` new items of a shape: who each is offered to, drawn at random.
CREATE FUNCTION bench.offers(shape text, wanted integer)
    RETURNS TABLE (n integer, users text[], groups text[]) LANGUAGE sql VOLATILE AS $$
    SELECT g,
           CASE shape WHEN 'mix' THEN ARRAY['u' || floor(random() * 1000)::int] ELSE '{}' END,
           ARRAY['g' || floor(random() * 10)::int]
      FROM generate_series(1, wanted) AS g
$$;

-- `wanted` more offered items of a shape ('mix' or 'group', also the queue's name), by plain
-- INSERTs as bench.stock makes them (the item triggers derive what they derive).
CREATE FUNCTION bench.stock_shape(impl text, shape text, wanted integer) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    batch text := pg_current_xact_id()::text;
    made bigint;
BEGIN
    IF impl = 'ext' THEN
        WITH offers AS MATERIALIZED (SELECT * FROM bench.offers(shape, wanted))
        INSERT INTO workitem.item (workflow_id, task_name, queue, state, assignment, input, created_by)
        SELECT 'shape-' || batch || '-' || o.n, 'Review', shape, 'offered',
               jsonb_build_object('potential_owners',
                                  jsonb_build_object('users', o.users, 'groups', o.groups)),
               bench.input(), 'bench'
          FROM offers o ORDER BY o.n;
    ELSIF impl = 'peer' THEN
        WITH offers AS MATERIALIZED (SELECT * FROM bench.offers(shape, wanted))
        INSERT INTO peer.item (workflow_id, task_name, queue, state, assignment, candidates, input, created_by)
        SELECT 'shape-' || batch || '-' || o.n, 'Review', shape, 'offered',
               jsonb_build_object('potential_owners',
                                  jsonb_build_object('users', o.users, 'groups', o.groups)),
               ARRAY(SELECT 'u:' || u FROM unnest(o.users) u) || ARRAY(SELECT 'g:' || g FROM unnest(o.groups) g),
               bench.input(), 'bench'
          FROM offers o ORDER BY o.n;
    ELSE
        WITH offers AS MATERIALIZED (SELECT * FROM bench.offers(shape, wanted))
        INSERT INTO lean.item (workflow_id, task_name, queue, state, candidate_users, candidate_groups, input)
        SELECT 'shape-' || batch || '-' || o.n, 'Review', shape, 'OFFERED', o.users, o.groups, bench.input()
          FROM offers o ORDER BY o.n;
    END IF;
    GET DIAGNOSTICS made = ROW_COUNT;
    RETURN made;
END;
$$;

-- How many offered items of a shape an implementation holds.
CREATE FUNCTION bench.offered_shape(impl text, shape text) RETURNS bigint LANGUAGE sql AS $$
    SELECT CASE impl
        WHEN 'ext' THEN (SELECT count(*) FROM workitem.item i
                          WHERE i.tenant_id = 'default' AND i.queue = shape AND i.state = 'offered')
        WHEN 'peer' THEN (SELECT count(*) FROM peer.item i
                           WHERE i.tenant_id = 'default' AND i.queue = shape AND i.state = 'offered')
        ELSE (SELECT count(*) FROM lean.item i WHERE i.queue = shape AND i.state = 'OFFERED')
    END
$$;

-- Tops a shape's queue up to `target` offered items; returns how many it added.
CREATE FUNCTION bench.top_up_shape(impl text, shape text, target integer) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    offered bigint := bench.offered_shape(impl, shape);
BEGIN
    IF offered >= target THEN
        RETURN 0;
    END IF;
    RETURN bench.stock_shape(impl, shape, (target - offered)::integer);
END;
$$;
