-- bench/search: the stock for the worker loop and create runs: :items items offered in queue
-- `work` to the group `bench` (u0..u7), each with an input of a few hundred bytes.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user('u' || g, '{bench}') FROM generate_series(0, 7) AS g) AS users;
SELECT workitem_index_field(NULL, 'amount', 'numeric');
SELECT count(*) FROM workitem_create_many((
    SELECT jsonb_agg(jsonb_build_object('workflow_id', 'wf-' || g, 'task_name', 'Review', 'queue', 'work',
        'assignment', '{"potential_owners": {"groups": ["bench"]}}'::jsonb,
        'input', jsonb_build_object('amount', g % 100000, 'currency', 'EUR',
                                    'customer', jsonb_build_object('id', 'c' || g % 5000, 'tier', 'gold', 'region', 'r' || g % 50),
                                    'lines', jsonb_build_array(jsonb_build_object('sku', 's' || g % 1000, 'qty', 3, 'price', 120)),
                                    'note', 'Please review the attached order and approve it if the terms match.')))
      FROM generate_series(1, :items) AS g));
