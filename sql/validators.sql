-- Custom validators: SQL functions run after the six built-in validators, able to deny (WI461).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;

-- No big expense is approved by an intern, and nobody completes without an output.
CREATE FUNCTION no_interns(item workitem.item, operation text, actor text) RETURNS text
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN actor = 'bob' AND (item.input->>'amount')::int > 1000
                THEN 'bob may not take expenses over 1000' END
$$;
CREATE FUNCTION needs_output(item workitem.item, operation text, actor text) RETURNS text
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$ SELECT 'a completion needs a saved output' WHERE item.output IS NULL $$;
SELECT task_name, operation FROM workitem_register_validator('no_interns', task_name => 'Approve', operation => 'claim');
SELECT task_name, operation FROM workitem_register_validator('needs_output', operation => 'complete');

SELECT id FROM workitem_create('wf', 'Approve', '{"potential_owners": {"groups": ["team"]}}', input => '{"amount": 5000}');
SELECT id FROM workitem_create('wf', 'Approve', '{"potential_owners": {"groups": ["team"]}}', input => '{"amount": 50}');
SELECT id FROM workitem_create('wf', 'Other', '{"potential_owners": {"groups": ["team"]}}', input => '{"amount": 5000}');

-- The built-in validators run first; then the custom ones, only where they are registered.
SELECT id FROM workitem_claim(1, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, owner FROM workitem_claim(2, 'bob');
SELECT id, owner FROM workitem_claim(3, 'bob');
SELECT id FROM workitem_claim(1, 'nobody');
\echo :LAST_ERROR_SQLSTATE
-- claim_next passes over what a validator denies; batches report it per item.
SELECT id FROM workitem_create('wf', 'Approve', '{"potential_owners": {"groups": ["team"]}}', input => '{"amount": 7000}');
SELECT count(*) AS bob_gets FROM workitem_claim_next('bob', task_name => 'Approve');
SELECT id, ok, sqlstate, message FROM workitem_claim_batch(ARRAY[1, 4], 'bob');
-- needs_output applies to every task's completion.
SELECT id FROM workitem_complete(2, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_complete(2, 'bob', '{"ok": true}');
SELECT id FROM workitem_complete(3, 'bob');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_save_output(3, 'bob', '{"draft": 1}');
SELECT id, state FROM workitem_complete(3, 'bob');

-- Switched off by the flag, or unregistered, they no longer run.
SELECT enabled FROM workitem_set_flag('custom_validators', false);
SELECT id, owner FROM workitem_claim(1, 'bob');
SELECT enabled FROM workitem_set_flag('custom_validators', true);
SELECT workitem_unregister_validator(id) FROM workitem.custom_validator WHERE function = 'no_interns'::regproc;
SELECT id, owner FROM workitem_claim(4, 'bob');

-- Registration checks the signature and the operation.
CREATE FUNCTION wrong(item workitem.item) RETURNS text LANGUAGE sql AS $$ SELECT NULL $$;
SELECT workitem_register_validator('wrong');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_register_validator('needs_output', operation => 'dance');
\echo :LAST_ERROR_SQLSTATE

-- Validators registered for create see the item as it would be inserted (no id yet, the state
-- the assignment gives it); a denied create inserts nothing, and create_many reports it in that
-- element's row.
CREATE FUNCTION no_big_orders(item workitem.item, operation text, actor text) RETURNS text
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('orders over 10000 go to the manager workflow (%s, %s, id %s)', item.state,
                  item.candidates, coalesce(item.id::text, 'none'))
     WHERE (item.input->>'amount')::int > 10000
$$;
SELECT task_name, operation FROM workitem_register_validator('no_big_orders', task_name => 'Order', operation => 'create');
SELECT id FROM workitem_create('wf-o', 'Order', '{"potential_owners": {"groups": ["team"]}}', input => '{"amount": 20000}');
\echo :LAST_ERROR_SQLSTATE
SELECT element, ok, sqlstate, message FROM workitem_create_many('[
  {"workflow_id": "wf-o", "task_name": "Order", "input": {"amount": 5}},
  {"workflow_id": "wf-o", "task_name": "Order", "input": {"amount": 50000}}]');
SELECT input FROM workitem.item WHERE task_name = 'Order';
