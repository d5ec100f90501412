-- The search filters use their indexes (docs/search.md): containment and path predicates on the
-- input the GIN index of workitem.item_search, a declared field the b-tree of its type in
-- workitem.item_field_value. The conditions are the ones the read functions run
-- (workitem.search_filter), EXPLAINed with their values as each call is planned, on enough items
-- that a sequential scan would be chosen if it were cheaper. Shown: the index each plan reads.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
SET jit = off;

SELECT workitem_index_field(NULL, 'amount', 'numeric');
SELECT workitem_index_field(NULL, 'customer', 'text');
SELECT workitem_index_field(NULL, 'opened', 'timestamptz');
-- 20,000 items with inputs of a few keys, by plain INSERTs (the triggers write the search rows).
INSERT INTO workitem.item (workflow_id, task_name, state, created_by, input)
SELECT 'wf-' || g, 'T' || g % 20, 'created', 'test',
       jsonb_build_object('amount', g, 'customer', 'c' || g % 1000, 'region', 'r' || g % 50,
                          'opened', '2030-01-01'::timestamptz + g * interval '1 minute',
                          'lines', jsonb_build_array(jsonb_build_object('sku', 's' || g % 300)))
  FROM generate_series(1, 20000) AS g;
ANALYZE workitem.item;
ANALYZE workitem.item_search;
ANALYZE workitem.item_field_value;

CREATE FUNCTION search_plan(input_contains jsonb, input_path text, fields jsonb) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    f workitem.search_filter := workitem.search_filter('i.id', 'default', input_contains, input_path, fields);
    line text;
BEGIN
    EXECUTE 'PREPARE search_plan(text, jsonb, jsonpath, text[], numeric[], text[], timestamptz[]) AS '
            'SELECT i.id FROM workitem.item i WHERE i.tenant_id = $1' || f.conditions
            || ' ORDER BY i.id LIMIT 50';
    FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) EXECUTE search_plan(%L, %L, %L, %L, %L, %L, %L)',
        'default', f.input_contains, f.input_path, f.field_names, f.nums, f.txts, f.tss) LOOP
        IF line ~ 'Index|Seq Scan' THEN
            RETURN NEXT regexp_replace(line, '^[ ->]*', '');
        END IF;
    END LOOP;
    DEALLOCATE search_plan;
END;
$$;

-- At this size a sequential scan of the search copies is as cheap as the GIN index (bench/search
-- shows the plans at a million items): the check is that the index can serve each form.
SET enable_seqscan = off;
SELECT search_plan('{"customer": "c7"}', NULL, NULL) AS containment;
SELECT search_plan('{"lines": [{"sku": "s42"}]}', NULL, NULL) AS nested_containment;
SELECT search_plan(NULL, '$.region == "r7"', NULL) AS path_equality;
RESET enable_seqscan;
SELECT search_plan(NULL, NULL, '{"amount": {">=": 100, "<": 200}}') AS numeric_range;
SELECT search_plan(NULL, NULL, '{"customer": "c7"}') AS text_equality;
SELECT search_plan(NULL, NULL, '{"opened": {"<": "2030-01-01 02:00:00+00"}}') AS time_range;
