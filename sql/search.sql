-- Search by business data (docs/search.md): each filter form of workitem_list, workitem_count and
-- workitem_worklist, sorting and keyset paging, declared fields (declare, backfill, drop) and the
-- errors of bad filters.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
-- An error as its SQLSTATE and message.
CREATE FUNCTION try(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END;
$$;

SELECT user_id FROM workitem_put_user('ann', '{sales}');
SELECT user_id FROM workitem_put_user('bob', '{sales}');
-- Declared before any item: the trigger fills the values of new items.
SELECT workitem_index_field('Approve', 'amount', 'numeric') AS filled;
SELECT count(*) FROM (SELECT workitem_create(w, t, '{"potential_owners": {"groups": ["sales"]}}',
                                             input => i::jsonb, priority => p, due_at => d)
                        FROM (VALUES
    ('wf-1', 'Approve', '{"amount": 500, "customer": {"tier": "gold", "name": "Acme"}, "opened": "2030-01-02T10:00:00Z"}', 1, '2030-02-01'::timestamptz),
    ('wf-2', 'Approve', '{"amount": 50000, "customer": {"tier": "silver", "name": "Bolt"}, "opened": "2030-01-05T10:00:00Z"}', 3, NULL),
    ('wf-3', 'Approve', '{"amount": 12000, "customer": {"tier": "gold", "name": "Core"}, "opened": "not a time"}', 2, '2030-01-15'),
    ('wf-4', 'Review', '{"amount": 70000, "customer": {"tier": "gold", "name": "Dyne"}}', 2, '2030-01-10'),
    ('wf-5', 'Approve', '{"amount": "lots", "customer": {"tier": "bronze"}}', 0, NULL),
    ('wf-6', 'Approve', NULL, 0, NULL)) AS v(w, t, i, p, d)) AS made;

-- Containment and path predicates on the input.
SELECT array_agg(id ORDER BY id) AS gold FROM workitem_list(input_contains => '{"customer": {"tier": "gold"}}');
SELECT array_agg(id ORDER BY id) AS gold_approvals FROM workitem_list(task_name => 'Approve', input_contains => '{"customer": {"tier": "gold"}}');
SELECT array_agg(id ORDER BY id) AS big FROM workitem_list(input_path => '$.amount > 10000');
SELECT array_agg(id ORDER BY id) AS big_gold FROM workitem_list(input_path => '$.amount > 10000 && $.customer.tier == "gold"');
SELECT array_agg(id ORDER BY id) AS both_forms FROM workitem_list(input_contains => '{"customer": {"tier": "gold"}}', input_path => '$.amount < 1000');
-- A path that is not a predicate matches nothing (it is no error: @@ answers NULL).
SELECT count(*) AS not_a_predicate FROM workitem_list(input_path => '$.amount');

-- Declared fields: the values of the items of Approve that have a number there.
SELECT item_id, field, num FROM workitem.item_field_value ORDER BY item_id, field;
SELECT array_agg(id ORDER BY id) AS from_10000 FROM workitem_list(fields => '{"amount": {">=": 10000}}');
SELECT array_agg(id ORDER BY id) AS band FROM workitem_list(fields => '{"amount": {">": 100, "<=": 12000}}');
SELECT array_agg(id ORDER BY id) AS exactly FROM workitem_list(fields => '{"amount": 500}');
-- Declared later, for every task: the existing items are filled in the same call.
SELECT workitem_index_field(NULL, 'customer.tier', 'text') AS filled;
SELECT workitem_index_field(NULL, 'opened', 'timestamptz') AS filled;
SELECT workitem_index_field(NULL, 'opened', 'timestamptz') AS filled_again;
SELECT task_name, field, type FROM workitem_index_fields();
SELECT array_agg(id ORDER BY id) AS gold_by_field FROM workitem_list(fields => '{"customer.tier": "gold"}');
SELECT array_agg(id ORDER BY id) AS opened_early FROM workitem_list(fields => '{"opened": {"<": "2030-01-03T00:00:00Z"}}');
SELECT array_agg(id ORDER BY id) AS two_fields FROM workitem_list(fields => '{"customer.tier": "gold", "amount": {">": 1000}}');

-- Counts take the same filters.
SELECT workitem_count(input_contains => '{"customer": {"tier": "gold"}}') AS gold,
       workitem_count(input_path => '$.amount > 10000') AS big,
       workitem_count(fields => '{"amount": {"<": 20000}}') AS small,
       workitem_count(state => 'offered', fields => '{"customer.tier": "silver"}') AS silver_offered;

-- Output: containment and path on the saved or completed output.
SELECT id, state FROM workitem_claim(1, 'ann');
SELECT id, state FROM workitem_complete(1, 'ann', '{"approved": true, "score": 7}');
SELECT id, state FROM workitem_claim(2, 'bob');
SELECT id FROM workitem_save_output(2, 'bob', '{"approved": false, "score": 2}');
SELECT array_agg(id ORDER BY id) AS approved FROM workitem_list(output_contains => '{"approved": true}');
SELECT array_agg(id ORDER BY id) AS scored FROM workitem_list(output_path => '$.score > 1');
SELECT workitem_count(output_contains => '{"approved": false}') AS rejected;
-- A claim or complete does not touch the search rows; an update of the input renews them.
SELECT id FROM workitem_update(3, current_user, input => '{"amount": 9, "customer": {"tier": "bronze"}}');
SELECT item_id, field, num, txt FROM workitem.item_field_value WHERE item_id = 3 ORDER BY field;
SELECT input FROM workitem.item_search WHERE item_id = 3;

-- Sorting and keyset paging: by a declared field (absent values last), by priority, by due date.
SELECT id FROM workitem_list(sort => 'field:amount');
SELECT id FROM workitem_list(sort => 'field:amount', descending => true);
SELECT id FROM workitem_list(sort => 'field:amount', page_size => 2);
SELECT id FROM workitem_list(sort => 'field:amount', page_size => 2, after_id => 1, after_key => '500');
SELECT id FROM workitem_list(sort => 'field:amount', page_size => 2, after_id => 4, after_key => NULL);
SELECT id, priority FROM workitem_list(sort => 'priority', descending => true);
SELECT id FROM workitem_list(sort => 'priority', descending => true, after_id => 4, after_key => '2');
SELECT id, due_at FROM workitem_list(sort => 'due');
SELECT due_at::text AS last_due FROM workitem.item WHERE id = 3 \gset
SELECT id FROM workitem_list(sort => 'due', after_id => 3, after_key => :'last_due');
SELECT id FROM workitem_list(sort => 'created', descending => true, page_size => 2);

-- The worklist takes the input filters.
SELECT id FROM workitem_worklist('ann', input_contains => '{"customer": {"tier": "gold"}}');
SELECT id FROM workitem_worklist('bob', fields => '{"amount": {">": 10000}}');
SELECT id FROM workitem_worklist('bob', input_path => '$.customer.tier == "bronze"');

-- Dropping a declaration drops the values no other declaration covers; the field is then unknown.
SELECT workitem_drop_index_field(NULL, 'opened') AS dropped, workitem_drop_index_field(NULL, 'opened') AS again;
SELECT count(*) AS opened_values FROM workitem.item_field_value WHERE field = 'opened';
SELECT count(*) FROM workitem_list(fields => '{"opened": "2030-01-02T10:00:00Z"}');

-- Errors: each names what is wrong (WI422), the worklist's too.
SELECT call, try('SELECT count(*) FROM ' || call) FROM (VALUES
    ($q$workitem_list(input_path => '$.amount >')$q$),
    ($q$workitem_list(output_path => 'amount ==')$q$),
    ($q$workitem_list(input_path => repeat('$.a', 400))$q$),
    ($q$workitem_list(input_contains => jsonb_build_object('k', repeat('x', 9000)))$q$),
    ($q$workitem_count(fields => '{"nope": 1}')$q$),
    ($q$workitem_list(fields => '{"amount": "lots"}')$q$),
    ($q$workitem_list(fields => '{"customer.tier": 1}')$q$),
    ($q$workitem_list(fields => '{"amount": {"~": 1}}')$q$),
    ($q$workitem_list(fields => '[1]')$q$),
    ($q$workitem_list(fields => jsonb_build_object('amount', repeat('9', 9000)))$q$),
    ($q$workitem_list(sort => 'field:nope')$q$),
    ($q$workitem_list(sort => 'size')$q$),
    ($q$workitem_list(sort => 'due', after_id => 1, after_key => 'soon')$q$),
    ($q$workitem_list(after_key => '1')$q$),
    ($q$workitem_list(page_size => 0, input_path => '$.a == 1')$q$),
    ($q$workitem_index_field('Approve', 'amount', 'text')$q$),
    ($q$workitem_index_field('Approve', 'a..b', 'text')$q$),
    ($q$workitem_index_field('Approve', 'amount; DROP TABLE x', 'numeric')$q$),
    ($q$workitem_index_field('Approve', 'note', 'jsonb')$q$),
    ($q$workitem_worklist('ann', input_path => '$$')$q$)
) AS c(call);

-- Deleting an item drops its search rows.
DELETE FROM workitem.item WHERE id = 5;
SELECT count(*) AS left_behind FROM workitem.item_search WHERE item_id = 5;
