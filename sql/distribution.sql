-- Distribution strategies: where a new item lands.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT count(*) FROM (SELECT workitem_put_user('u' || n, '{pool}') FROM generate_series(1, 4) AS n) AS users;

-- round_robin over N users gives each exactly k of N*k items, in turn.
SELECT count(*) FROM (SELECT workitem_create('wf-' || n, 'Triage', '{"strategy": "round_robin", "potential_owners": {"groups": ["pool"]}}') FROM generate_series(1, 12) AS n) AS created;
SELECT owner, count(*) FROM workitem.item WHERE task_name = 'Triage' GROUP BY owner ORDER BY owner;
SELECT string_agg(owner, ' ' ORDER BY id) AS turns FROM workitem.item WHERE task_name = 'Triage';
-- Another task, or another set of people, has its own turn.
SELECT owner FROM workitem_create('wf-x', 'Other', '{"strategy": "round_robin", "potential_owners": {"groups": ["pool"]}}');
SELECT owner FROM workitem_create('wf-x', 'Triage', '{"strategy": "round_robin", "potential_owners": {"users": ["u3", "u4"]}}');

-- shortest_queue picks whoever holds the fewest active items (ties: first by name).
SELECT id, state FROM workitem_complete(1, 'u1');
SELECT id, state FROM workitem_complete(5, 'u1');
SELECT user_id, (SELECT count(*) FROM workitem.item WHERE owner = user_id AND state = 'allocated') AS held
  FROM workitem.directory_user ORDER BY user_id;
SELECT owner FROM workitem_create('wf-s', 'Sort', '{"strategy": "shortest_queue", "potential_owners": {"groups": ["pool"]}}');
SELECT owner FROM workitem_create('wf-s', 'Sort', '{"strategy": "shortest_queue", "potential_owners": {"groups": ["pool"]}}');

-- Push strategies skip users who are away, unavailable, at capacity or excluded.
SELECT user_id FROM workitem_put_user('u1', '{pool}', away_until => now() + interval '1 day');
SELECT user_id FROM workitem_put_user('u2', '{pool}', available => false);
SELECT user_id FROM workitem_put_user('u3', '{pool}', capacity => 1);
SELECT owner FROM workitem_create('wf-e', 'Sort', '{"strategy": "shortest_queue", "potential_owners": {"groups": ["pool"]}, "excluded_owners": {"users": ["u3"]}}');
SELECT owner FROM workitem_create('wf-e', 'Sort', '{"strategy": "shortest_queue", "potential_owners": {"groups": ["pool"]}}');
-- With nobody eligible the item is offered, not lost.
SELECT state, owner FROM workitem_create('wf-e', 'Sort', '{"strategy": "random", "potential_owners": {"users": ["u1", "u2", "ghost"]}}');
SELECT count(*) FROM (SELECT workitem_put_user('u' || n, '{pool}') FROM generate_series(1, 4) AS n) AS back;

-- random spreads over the eligible users. 300 items over 3 users: each count is binomial
-- (n = 300, p = 1/3), mean 100, sd 8.2; 60..140 is about 5 sd each side (chance of a false
-- failure below one in a million per run).
SELECT count(*) FROM (SELECT workitem_create('wf-r', 'Draw', '{"strategy": "random", "potential_owners": {"users": ["u1", "u2", "u3"]}}') FROM generate_series(1, 300)) AS created;
SELECT owner, count(*) BETWEEN 60 AND 140 AS within_tolerance FROM workitem.item WHERE task_name = 'Draw' GROUP BY owner ORDER BY owner;

-- retain_familiar: whoever completed the named step of the same workflow, if eligible.
SELECT id FROM workitem_create('wf-f', 'Draft', '{"potential_owners": {"groups": ["pool"]}}', step_ref => 'draft');
SELECT id, owner FROM workitem_claim(currval('workitem.item_id_seq'), 'u4');
SELECT state FROM workitem_complete(currval('workitem.item_id_seq'), 'u4');
SELECT state, owner FROM workitem_create('wf-f', 'Revise', '{"strategy": "retain_familiar", "potential_owners": {"groups": ["pool"]}, "constraints": {"retain_familiar": "draft"}}');
SELECT state, owner FROM workitem_create('wf-g', 'Revise', '{"strategy": "retain_familiar", "potential_owners": {"groups": ["pool"]}, "constraints": {"retain_familiar": "draft"}}');
SELECT user_id FROM workitem_put_user('u4', '{pool}', available => false);
SELECT state, owner FROM workitem_create('wf-f', 'Revise', '{"strategy": "retain_familiar", "potential_owners": {"groups": ["pool"]}, "constraints": {"retain_familiar": "Draft"}}');

-- A claim above capacity is refused; the directory says who is away until when.
SELECT user_id, away_until IS NOT NULL AS away FROM workitem_put_user('u1', '{pool}', away_until => '2100-01-01 00:00+00');

-- Custom strategies: a registered SQL function chooses among the eligible users.
SELECT count(*) FROM (SELECT workitem_put_user('u' || n, '{pool}') FROM generate_series(1, 4) AS n) AS reset;
CREATE FUNCTION pick_last(task_name text, workflow_id text, input jsonb, eligible text[]) RETURNS text
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$ SELECT coalesce(input->>'wanted', eligible[array_length(eligible, 1)]) $$;
SELECT name FROM workitem_register_strategy('pick_last', 'pick_last');
SELECT state, owner FROM workitem_create('wf-c', 'Custom', '{"strategy": "pick_last", "potential_owners": {"groups": ["pool"]}}');
SELECT state, owner FROM workitem_create('wf-c', 'Custom', '{"strategy": "pick_last", "potential_owners": {"groups": ["pool"]}}', input => '{"wanted": "u2"}');
SELECT state, owner FROM workitem_create('wf-c', 'Custom', '{"strategy": "pick_last", "potential_owners": {"groups": ["pool"]}}', input => '{"wanted": "mallory"}');
SELECT state FROM workitem_create('wf-c', 'Custom', '{"strategy": "pick_last"}', activate_at => '2100-01-01 00:00+00');
SELECT enabled FROM workitem_set_flag('custom_strategies', false);
SELECT id FROM workitem_create('wf-c', 'Custom', '{"strategy": "pick_last", "potential_owners": {"groups": ["pool"]}}');
\echo :LAST_ERROR_SQLSTATE
SELECT enabled FROM workitem_set_flag('custom_strategies', true);
SELECT id FROM workitem_create('wf-c', 'Custom', '{"strategy": "pick_first", "potential_owners": {"groups": ["pool"]}}');
\echo :LAST_ERROR_SQLSTATE
CREATE FUNCTION bad_shape(eligible text[]) RETURNS text LANGUAGE sql AS $$ SELECT eligible[1] $$;
SELECT workitem_register_strategy('bad_shape', 'bad_shape');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_register_strategy('random', 'pick_last');
\echo :LAST_ERROR_SQLSTATE
