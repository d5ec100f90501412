-- The offered backlog of an eligibility shape between measurements (bench/run --fresh-backlog).
-- Loaded by bench/run after bench/shapes.sql, which stays as committed.
--
-- The workers of a measurement are the users u0 .. u(workers - 1). Items of the realistic shape
-- that none of them may take (about one in ten at 8 workers: group g9 and another user) are never
-- claimed and pile up at the front of the lean and PL/pgSQL peers' priority walks, which then
-- grow longer with every measurement (bench/README.md, "Dead offer entries, and why repeats
-- drifted"). bench.retire_untakeable moves them out of the shape's queue, for every
-- implementation alike, so a measurement starts from a backlog in which every item has a worker.

SET client_min_messages = warning;

-- The principals of the workers u0 .. u(workers - 1): each user and their groups.
CREATE FUNCTION bench.worker_users(workers integer) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg('u' || k), '{}') FROM generate_series(0, workers - 1) AS k
$$;
CREATE FUNCTION bench.worker_groups(workers integer) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
      FROM generate_series(0, workers - 1) AS k, unnest(bench.groups_of(k)) AS g
$$;

-- Moves the offered items of `shape` that none of the workers may take to the queue
-- '<shape>-retired'; returns how many it moved.
CREATE FUNCTION bench.retire_untakeable(impl text, shape text, workers integer) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    users text[] := bench.worker_users(workers);
    groups text[] := bench.worker_groups(workers);
    principals text[] := ARRAY(SELECT 'u:' || u FROM unnest(users) u)
                         || ARRAY(SELECT 'g:' || g FROM unnest(groups) g);
    moved bigint;
BEGIN
    IF impl = 'ext' THEN
        UPDATE workitem.item SET queue = shape || '-retired'
         WHERE tenant_id = 'default' AND queue = shape AND state = 'offered'
           AND NOT candidates && principals;
    ELSIF impl = 'peer' THEN
        UPDATE peer.item SET queue = shape || '-retired'
         WHERE tenant_id = 'default' AND queue = shape AND state = 'offered'
           AND NOT candidates && principals;
    ELSE
        UPDATE lean.item SET queue = shape || '-retired'
         WHERE queue = shape AND state = 'OFFERED'
           AND NOT (candidate_users && users OR candidate_groups && groups);
    END IF;
    GET DIAGNOSTICS moved = ROW_COUNT;
    RETURN moved;
END;
$$;
