-- The ceiling: one round trip, one transaction that updates one row and inserts one row - the
-- least any audited state transition can cost on this server.
\set row random(1, 100000)
WITH changed AS (
    UPDATE bench.ceiling SET v = v + 1, updated_at = now() WHERE id = :row RETURNING id, v)
INSERT INTO bench.ceiling_log (row_id, v) SELECT id, v FROM changed;
