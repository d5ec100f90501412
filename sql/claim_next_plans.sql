-- The plan of claim_next's claim statement on each eligibility shape: one index scan of the offer
-- entries per principal of the actor (offer_best_first, or offer_best_first_in_queue in a queue),
-- each stopped by its LIMIT, the few candidates sorted, and the item locked by its primary key -
-- never a sequential scan of the entries or the items, nor a sort of every entry. The statement
-- is the one claim_next runs (workitem.claim_next_statement returns its text), EXPLAINed with
-- its generic plan, as claim_next prepares it, after each shape's items are in and analysed.
-- Shown: the plan's nodes down to the select list's subqueries, and the index conditions.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
SET jit = off;
SET plan_cache_mode = force_generic_plan;

SELECT count(*) FROM (SELECT workitem_put_user(u, g) FROM (VALUES
    ('ann', '{}'::text[]), ('bob', '{red}'), ('cy', '{red}'),
    ('dee', '{red,blue,green,amber,teal,plum}')) AS v(u, g)) AS s;

SELECT workitem.claim_next_statement(false) AS claim_anywhere \gset
SELECT workitem.claim_next_statement(true) AS claim_in_queue \gset
PREPARE claim_anywhere(int8[], text, text, text, text, int4, text[], int4) AS :claim_anywhere;
PREPARE claim_in_queue(int8[], text, text, text, text, int4, text[], int4) AS :claim_in_queue;

-- `n` items offered as `assignment` says, in `queue`, by plain INSERTs (the triggers write the
-- entries), then the tables analysed; returns how many offer entries there are now.
CREATE FUNCTION add_items(n integer, queue text, assignment jsonb) RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO workitem.item (workflow_id, task_name, queue, state, assignment, priority, created_by)
    SELECT 'wf', 'T', queue, 'offered', assignment, g % 5, 'test' FROM generate_series(1, n) AS g;
    ANALYZE workitem.item;
    ANALYZE workitem.offer;
    SELECT count(*) FROM workitem.offer;
$$;

-- The plan's nodes and index conditions, down to the select list's subqueries.
CREATE FUNCTION claim_plan(in_queue boolean, actor text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    principals text[] := ARRAY['u:' || actor] || ARRAY(SELECT 'g:' || m.group_id
        FROM workitem.group_member m WHERE m.user_id = actor ORDER BY 1);
BEGIN
    FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) EXECUTE %s(''{}'', ''default'', %L, NULL, %L, 2, %L, 1)',
                               CASE WHEN in_queue THEN 'claim_in_queue' ELSE 'claim_anywhere' END,
                               actor, CASE WHEN in_queue THEN 'q' END, principals) LOOP
        EXIT WHEN line ~ '^\s*SubPlan';
        CONTINUE WHEN line ~ '^\s*(Filter|Sort Key):';
        RETURN NEXT line;
    END LOOP;
END;
$$;

-- The same, as verdicts: no sequential scan of the entries or the items, and the entries read
-- through their index.
CREATE FUNCTION claim_plan_verdict(in_queue boolean, actor text)
    RETURNS TABLE (offer_by_index boolean, no_seq_scan boolean) LANGUAGE sql AS $$
    SELECT bool_or(l ~ 'Index Scan using offer_best_first on offer o'
                   OR (in_queue AND l ~ 'Index Scan using offer_best_first_in_queue on offer o')),
           NOT bool_or(l ~ 'Seq Scan on (offer|item)')
      FROM claim_plan(in_queue, actor) AS l
$$;

-- One user: items offered to ann alone.
SELECT add_items(1000, NULL, '{"potential_owners": {"users": ["ann"]}}');
SELECT * FROM claim_plan(false, 'ann');

-- One group: items offered to the group red (bob and cy).
SELECT add_items(1000, NULL, '{"potential_owners": {"groups": ["red"]}}');
SELECT * FROM claim_plan_verdict(false, 'bob');

-- A user and a group: each item offered to a user and a group.
SELECT add_items(1000, NULL, '{"potential_owners": {"users": ["cy"], "groups": ["blue"]}}');
SELECT * FROM claim_plan_verdict(false, 'cy');

-- Several principals: a user in six groups, items offered to each of them.
SELECT max(add_items(200, NULL, jsonb_build_object('potential_owners', jsonb_build_object('groups', jsonb_build_array(g)))))
  FROM unnest('{red,blue,green,amber,teal,plum}'::text[]) AS g;
SELECT * FROM claim_plan_verdict(false, 'dee');

-- A queue: items of the queue q offered to red, with the rest of the backlog in no queue.
SELECT add_items(1000, 'q', '{"potential_owners": {"groups": ["red"]}}');
SELECT * FROM claim_plan(true, 'bob');

-- A backlog dominated by items the worker may not take: 8,000 offered to others, in the queue
-- and out of it; ann may take a few of them.
SELECT add_items(4000, 'q', '{"potential_owners": {"groups": ["others"]}}');
SELECT add_items(4000, NULL, '{"potential_owners": {"groups": ["others"]}}');
SELECT add_items(5, 'q', '{"potential_owners": {"users": ["ann"]}}');
SELECT * FROM claim_plan(false, 'ann');
SELECT * FROM claim_plan_verdict(true, 'ann');
SELECT * FROM claim_plan_verdict(true, 'dee');

-- The statements EXPLAINed are the ones claim_next runs: it claims through them.
SELECT queue, assignment #> '{potential_owners,users}' AS offered_to
  FROM workitem_claim_next('ann', 'q', max_items => 2);

-- With fronts (transition/claim_fronts.hpp), in a queue: per principal, the entries offered
-- since the front's mark through offer_offered_since (never a walk of the best-first index to
-- filter them), then index ranges of offer_best_first_in_queue that start at the front; the items
-- locked by their primary key. The statement that moves the fronts reads the same ranges.
SELECT workitem.claim_next_fronts_statement(false) AS claim_from_fronts \gset
SELECT workitem.claim_next_fronts_statement(true) AS move_fronts \gset
PREPARE claim_from_fronts(int8[], text, text, text, text, int4, text[], int4, int4[], timestamptz[],
                          int8[], xid8[]) AS :claim_from_fronts;
PREPARE move_fronts(int8[], text, text, text, text, int4, text[], int4, int4[], timestamptz[],
                    int8[], xid8[]) AS :move_fronts;
CREATE FUNCTION fronts_plan(statement text, actor text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    principals text[] := ARRAY['u:' || actor] || ARRAY(SELECT 'g:' || m.group_id
        FROM workitem.group_member m WHERE m.user_id = actor ORDER BY 1);
    n integer := cardinality(principals);
BEGIN
    FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) EXECUTE %s(''{}'', ''default'', %L, NULL, ''q'', '
                               '2, %L, 1, %L, %L, %L, %L)', statement, actor, principals,
                               array_fill(0, ARRAY[n]), array_fill(NULL::timestamptz, ARRAY[n]),
                               array_fill(1::int8, ARRAY[n]), array_fill('1'::xid8, ARRAY[n])) LOOP
        EXIT WHEN line ~ '^\s*SubPlan';
        CONTINUE WHEN line ~ '^\s*(Filter|Sort Key):';
        RETURN NEXT line;
    END LOOP;
END;
$$;
SELECT * FROM fronts_plan('claim_from_fronts', 'bob');
SELECT * FROM fronts_plan('move_fronts', 'bob');
-- And it claims through them: with fronts on, the best items of the queue, one call after another.
SET workitem.claim_next_fronts = on;
SELECT queue, assignment #> '{potential_owners,users}' AS offered_to
  FROM workitem_claim_next('ann', 'q', max_items => 2);
SELECT queue, assignment #> '{potential_owners,users}' AS offered_to
  FROM workitem_claim_next('ann', 'q');
RESET workitem.claim_next_fronts;
