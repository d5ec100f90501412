-- Rights and bounds at the trust boundary (issue 16): what an owner's forward and an initiator's
-- update may change, deadline actions authorized as their setter, the reserved actor 'system',
-- bounded assignments and directory users, times outside the representable range, create_many's
-- per-element errors, and deeply nested JSON.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_rt_ann, wi_rt_alice;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE wi_rt_ann IN ROLE workitem_user;
CREATE ROLE wi_rt_alice IN ROLE workitem_user;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}')
                        FROM unnest(ARRAY['wi_rt_ann', 'wi_rt_alice', 'boss']) AS u) AS users;
SELECT id FROM workitem_create('wf-1', 'Review',
    '{"potential_owners": {"groups": ["team"]}, "administrators": {"users": ["boss"]}}',
    actor => 'engine');

-- Finding 2: an owner may not make itself administrator (or touch any part but the potential
-- owners) by forwarding; then it cannot update the input either.
SET ROLE wi_rt_ann;
SELECT id, state, owner FROM workitem_claim(1, 'wi_rt_ann');
SELECT id FROM workitem_forward(1, 'wi_rt_ann',
    '{"potential_owners": {"users": ["wi_rt_ann"]}, "administrators": {"users": ["wi_rt_ann"]}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_forward(1, 'wi_rt_ann', '{"excluded_owners": {"users": []}, "constraints": {}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id, ok, sqlstate, message FROM workitem_forward_batch(ARRAY[1], 'wi_rt_ann',
    '{"administrators": {"users": ["wi_rt_ann"]}}');
SELECT id FROM workitem_update(1, 'wi_rt_ann', input => '{"amount": 1}');
\echo :LAST_ERROR_SQLSTATE
-- Naming only potential_owners is the owner's forward.
SELECT id, state, owner, candidates, administrators FROM workitem_forward(1, 'wi_rt_ann',
    '{"potential_owners": {"users": ["wi_rt_ann", "wi_rt_alice"]}}');
RESET ROLE;
-- An administrator of the item changes every part.
SELECT id, administrators FROM workitem_update(1, 'boss',
    assignment => '{"administrators": {"users": ["boss", "wi_rt_alice"]}}');

-- Finding 21: a deadline's action is authorized as if its setter did it. wi_rt_alice initiated
-- item 2 and is not its administrator: reoffer and allocate_admin are refused, her own actions
-- (escalate, notify, expire) are not.
SELECT id FROM workitem_create('wf-2', 'Pay', '{"potential_owners": {"groups": ["team"]}}',
    actor => 'wi_rt_alice');
SET ROLE wi_rt_alice;
SELECT id FROM workitem_update(2, 'wi_rt_alice',
    deadlines => '[{"after": 0, "action": "allocate_admin", "to_user": "wi_rt_alice"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_update(2, 'wi_rt_alice',
    deadlines => '[{"after": 60, "action": "notify"}, {"after": 0, "action": "reoffer", "to": {"users": ["wi_rt_alice"]}}]');
\echo :LAST_ERROR_SQLSTATE
SELECT id, ok, sqlstate, message FROM workitem_update_batch(ARRAY[2], 'wi_rt_alice',
    deadlines => '[{"after": 0, "action": "allocate_admin"}]');
SELECT id, jsonb_array_length(deadlines) AS deadlines FROM workitem_update(2, 'wi_rt_alice',
    deadlines => '[{"after": 60, "action": "escalate"}, {"after": 60, "action": "notify"}, {"after": 3600, "action": "expire"}]');
-- And she may not name another part of the assignment either.
SELECT id FROM workitem_update(2, 'wi_rt_alice', assignment => '{"administrators": {"users": ["wi_rt_alice"]}}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) >= 0 AS ticked FROM workitem_tick();
SELECT id, state, owner FROM workitem_get(2);
-- A service (the workflow engine) may set every action.
SELECT id, jsonb_array_length(deadlines) AS deadlines FROM workitem_update(2, 'wi_rt_alice',
    deadlines => '[{"after": 3600, "action": "allocate_admin", "to_user": "boss"}]');

-- Finding 11: 'system' is reserved for the timer: no assignment names it as a user, so no
-- strategy allocates to it.
SELECT id FROM workitem_create('wf-3', 'Sys', '{"strategy": "direct", "potential_owners": {"users": ["system"]}}');
SELECT id FROM workitem_create('wf-3', 'Sys', '{"administrators": {"users": ["system"]}}');
SELECT id FROM workitem_update(2, 'boss', assignment => '{"potential_owners": {"users": ["system"]}}');
SELECT id FROM workitem_update(2, 'boss',
    deadlines => '[{"after": 60, "action": "reoffer", "to": {"users": ["system"]}}]');
SELECT id, state FROM workitem_create('wf-3', 'Sys', '{"potential_owners": {"groups": ["system"]}}');

-- Finding 12: what one assignment may hold is bounded (1000 users and groups per part, 64 KiB),
-- on create, create_many, update, forward and their batch forms.
CREATE TEMP TABLE big AS SELECT
    jsonb_build_object('potential_owners', jsonb_build_object('users',
        (SELECT jsonb_agg('u' || g) FROM generate_series(1, 1001) AS g))) AS too_many,
    jsonb_build_object('potential_owners', jsonb_build_object('users',
        (SELECT jsonb_agg(repeat('x', 90) || g) FROM generate_series(1, 900) AS g))) AS too_large;
SELECT id FROM workitem_create('wf-4', 'Big', (SELECT too_many FROM big));
SELECT id FROM workitem_create('wf-4', 'Big', (SELECT too_large FROM big));
SELECT element, ok, sqlstate, message FROM workitem_create_many(
    (SELECT jsonb_build_array(jsonb_build_object('workflow_id', 'wf-4', 'task_name', 'Big', 'assignment', too_large)) FROM big));
SELECT id FROM workitem_update(2, 'boss', assignment => (SELECT too_large FROM big));
SELECT id, ok, sqlstate FROM workitem_update_batch(ARRAY[2], 'boss', assignment => (SELECT too_many FROM big));
SELECT id, owner FROM workitem_claim(1, 'wi_rt_alice');
SELECT id FROM workitem_forward(1, 'boss', (SELECT too_large FROM big));
SELECT id, ok, sqlstate FROM workitem_forward_batch(ARRAY[1], 'boss', (SELECT too_many FROM big));
-- At the limit it is accepted.
SELECT id, cardinality(candidates) FROM workitem_create('wf-4', 'Big', jsonb_build_object('potential_owners',
    jsonb_build_object('users', (SELECT jsonb_agg('u' || g) FROM generate_series(1, 1000) AS g))));

-- Finding 7: times are finite and within the years 0001 to 9999; the core keeps them exactly
-- (2300 was stored as 1715 and fired at once; infinity offered at once).
SELECT id, deadlines->0->>'at' AS stored_at FROM workitem_create('wf-5', 'Late', '{}',
    deadlines => '[{"at": "2300-01-01T00:00:00Z", "action": "notify"}]');
SELECT id, deadlines->0->>'at' AS stored_at FROM workitem_create('wf-5', 'Later', '{}',
    deadlines => '[{"at": "9999-12-31T23:00:00Z", "action": "notify"}, {"after": "1000 years", "action": "notify"}]');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', deadlines => '[{"at": "infinity", "action": "notify"}]');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', deadlines => '[{"at": "10000-01-01", "action": "notify"}]');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', deadlines => '[{"after": "20000 years", "action": "notify"}]');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', deadlines => '[{"after": "300000 years", "action": "notify"}]');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', deadlines => '[{"at": "not a time", "action": "notify"}]');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', activate_at => 'infinity');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', expires_at => 'infinity');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', due_at => '-infinity');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', follow_up_at => '10000-01-01');
SELECT id FROM workitem_create('wf-5', 'Inf', '{}', due_at => '0001-01-01 00:00:00+00 BC');
SELECT id, state, due_at FROM workitem_create('wf-5', 'Far', '{}', due_at => '9999-12-31 12:00:00+00');
SELECT id FROM workitem_update(2, 'boss', due_at => 'infinity');
SELECT id FROM workitem_update(2, 'boss', follow_up_at => '-infinity');
SELECT id FROM workitem_update(2, 'boss', expires_at => 'infinity');
SELECT id FROM workitem_update(2, 'boss', deadlines => '[{"at": "infinity", "action": "notify"}]');
SELECT id FROM workitem_suspend(2, 'boss', 'infinity');
SELECT workitem_put_user('wi_rt_ann', '{team}', away_until => 'infinity');
SELECT element, ok, sqlstate, message FROM workitem_create_many('[
    {"workflow_id": "wf-5", "task_name": "A", "activate_at": "infinity"},
    {"workflow_id": "wf-5", "task_name": "B", "deadlines": [{"at": "infinity", "action": "notify"}]}]');

-- Finding 19: an element that cannot be read is that element's row; the others are created.
SELECT element, ok, sqlstate, message FROM workitem_create_many('[
    {"workflow_id": "wf-6", "task_name": "A", "priority": 1e20},
    {"workflow_id": "wf-6", "task_name": "B", "due_at": "yesterday-ish"},
    {"workflow_id": "wf-6", "task_name": "C", "deadlines": [{"after": "soon", "action": "notify"}]},
    {"workflow_id": "wf-6", "task_name": "D", "priority": 5}]');

-- Finding 20: workitem_put_users applies exactly workitem_put_user's rule; groups per user are
-- bounded.
SELECT workitem_put_user(repeat('u', 1500));
SELECT * FROM workitem_put_users(jsonb_build_array(jsonb_build_object('user_id', repeat('u', 1500))));
SELECT * FROM workitem_put_users('[{"user_id": "dora", "away_until": "infinity"}]');
SELECT workitem_put_user('dora', ARRAY(SELECT 'g' || g FROM generate_series(1, 1001) AS g));
SELECT * FROM workitem_put_users(jsonb_build_array(jsonb_build_object('user_id', 'dora',
    'groups', (SELECT jsonb_agg('g' || g) FROM generate_series(1, 1001) AS g))));
SELECT * FROM workitem_put_users(jsonb_build_array(jsonb_build_object('user_id', 'dora',
    'groups', jsonb_build_array(repeat('g', 1001)))));
SELECT * FROM workitem_put_users(jsonb_build_array(jsonb_build_object('user_id', 'dora',
    'groups', (SELECT jsonb_agg('g' || g) FROM generate_series(1, 1000) AS g))));
SELECT count(*) FROM workitem.directory_user WHERE length(user_id) > 1000;

-- Deeply nested JSON: a clean WI422 (or PostgreSQL's own stack-depth error), never a crash.
SELECT id FROM workitem_create('wf-7', 'Deep', ('{"constraints": {"x": ' || repeat('[', 5000) || repeat(']', 5000) || '}}')::jsonb);
SELECT id FROM workitem_create('wf-7', 'Deep', '{}',
    deadlines => ('[{"after": 0, "action": "reoffer", "to": ' || repeat('[', 5000) || repeat(']', 5000) || '}]')::jsonb);
SELECT id FROM workitem_update(2, 'boss', assignment => ('{"potential_owners": ' || repeat('[', 5000) || repeat(']', 5000) || '}')::jsonb);
SELECT id FROM workitem_create('wf-7', 'Deep', ('{"constraints": {"x": ' || repeat('[', 100000) || repeat(']', 100000) || '}}')::jsonb);
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf-7', 'Deep', '{}',
    deadlines => ('[' || repeat('[', 100000) || repeat(']', 100000) || ']')::jsonb);
\echo :LAST_ERROR_SQLSTATE
SELECT 'still alive' AS backend;

DROP ROLE wi_rt_ann, wi_rt_alice;
