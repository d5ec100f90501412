-- bench/search: :items items in 10 tenants and 20 task names with inputs of a few hundred bytes,
-- loaded set-based (plain INSERTs with the triggers off, then the search rows in one statement
-- each, as the upgrade step and workitem_index_field fill them), then analysed.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET session_replication_role = replica;   -- the item triggers off: no events, no offers
INSERT INTO workitem.item (tenant_id, workflow_id, task_name, state, created_by, priority, due_at,
                           assignment, candidates, input, created_at)
SELECT 't' || g % 10, 'wf-' || g, 'Task' || g % 20, 'offered', 'engine', g % 5,
       '2030-01-01'::timestamptz + (g % 1000) * interval '1 hour',
       jsonb_build_object('potential_owners', jsonb_build_object('groups', jsonb_build_array('g' || g % 20))),
       ARRAY['g:g' || g % 20],
       jsonb_build_object(
           'customer', jsonb_build_object('id', 'c' || g % 50000, 'tier', (ARRAY['gold', 'silver', 'bronze', 'platinum'])[1 + g % 4],
                                          'region', 'r' || (g / 10) % 50, 'name', 'Customer number ' || g % 50000),
           'amount', (g::bigint * 7919) % 100000, 'currency', 'EUR',
           'lines', jsonb_build_array(jsonb_build_object('sku', 's' || g % 1000, 'qty', 1 + g % 7, 'price', g % 300),
                                      jsonb_build_object('sku', 's' || (g + 17) % 1000, 'qty', 1 + g % 3, 'price', g % 120)),
           'note', 'Please review the attached order and approve it if the terms match the contract.'),
       now() - (:items - g) * interval '1 second'
  FROM generate_series(1, :items) AS g;
SET session_replication_role = origin;
INSERT INTO workitem.item_search (item_id, tenant_id, input)
SELECT id, tenant_id, input FROM workitem.item;
-- One declared field in every tenant (the backfill of workitem_index_field, set-based).
INSERT INTO workitem.search_field (tenant_id, task_name, field, type, declared_by)
SELECT 't' || t, NULL, 'amount', 'numeric', 'bench' FROM generate_series(0, 9) AS t;
INSERT INTO workitem.item_field_value (item_id, tenant_id, field, num)
SELECT id, tenant_id, 'amount', (input->>'amount')::numeric FROM workitem.item;
INSERT INTO workitem.directory_user (tenant_id, user_id)
SELECT 't' || t, 'u' || g FROM generate_series(0, 9) AS t, generate_series(0, 19) AS g;
INSERT INTO workitem.group_member (tenant_id, group_id, user_id)
SELECT 't' || t, 'g' || g, 'u' || g FROM generate_series(0, 9) AS t, generate_series(0, 19) AS g;
VACUUM ANALYZE workitem.item;
VACUUM ANALYZE workitem.item_search;
VACUUM ANALYZE workitem.item_field_value;
SELECT pg_size_pretty(pg_total_relation_size('workitem.item')) AS item,
       pg_size_pretty(pg_total_relation_size('workitem.item_search')) AS item_search,
       pg_size_pretty(pg_relation_size('workitem.item_search_input')) AS gin,
       pg_size_pretty(pg_total_relation_size('workitem.item_field_value')) AS field_values;
