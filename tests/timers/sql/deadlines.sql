-- Deadline lists: set on create, replaced by update, run by the timer in time order, each entry
-- once, as an ordinary transition by 'system' that raises escalation_level. An action that
-- cannot be done is reported and retried, not lost.
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;
SELECT count(*) FROM (SELECT workitem_put_user('boss', '{ops}')) AS admins;
RESET client_min_messages;
\set VERBOSITY sqlstate

-- The stored list: every time as "at" in UTC, in the order written.
SELECT id AS item_id FROM workitem_create('wf-d', 'Approve',
    '{"potential_owners": {"groups": ["team"]}, "administrators": {"users": ["boss"]}}',
    actor => 'init', deadlines => '[
      {"after": "1 hour", "action": "notify", "message": "reminder"},
      {"after": 7200, "action": "escalate", "raise_priority": 10},
      {"after": "PT3H", "action": "reoffer", "to": {"groups": ["managers"]}},
      {"after": "4 hours", "action": "allocate_admin"},
      {"after": "5 hours", "action": "expire"}]') \gset
SELECT e->>'action' AS action, (e->>'at')::timestamptz - i.created_at AS after, e ? 'fired_at' AS fired,
       e->>'at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$' AS utc
  FROM workitem.item i, jsonb_array_elements(i.deadlines) AS e WHERE i.id = :item_id;
SELECT state, owner FROM workitem_claim(:item_id, 'ann');

-- Nothing is due yet.
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;

-- notify: only the event and the level.
SET workitem.test_clock_offset = '90min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner, priority, escalation_level FROM workitem_get(:item_id);

-- escalate: the priority goes up.
SET workitem.test_clock_offset = '150min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner, priority, escalation_level FROM workitem_get(:item_id);

-- reoffer to a group nobody is in: reported, retried, the item left as it was.
SET workitem.test_clock_offset = '210min';
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT action, sqlstate, message, attempts FROM workitem.timer_failures WHERE item_id = :item_id;
SELECT action, failed, last_error IS NOT NULL AS has_error FROM workitem.timer_status WHERE action = 'deadline.reoffer';
SELECT state, owner, escalation_level FROM workitem_get(:item_id);
-- Not retried before its time...
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;
-- ...and once someone is in the group, the retry succeeds: offered to the managers.
SELECT user_id FROM workitem_put_user('mia', '{managers}');
SET workitem.test_clock_offset = '213min';
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner, escalation_level, assignment->'potential_owners' AS potential_owners FROM workitem_get(:item_id);
SELECT count(*) AS failures_left FROM workitem.timer_failures WHERE item_id = :item_id;
SELECT state FROM workitem_claim(:item_id, 'ann');
SELECT state, owner FROM workitem_claim(:item_id, 'mia');

-- allocate_admin: to the first administrator the directory knows.
SET workitem.test_clock_offset = '270min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner, escalation_level FROM workitem_get(:item_id);

-- expire: the last one.
SET workitem.test_clock_offset = '330min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, escalation_level, completed_at IS NOT NULL AS finished FROM workitem_get(:item_id);
SELECT e->>'action' AS action, e ? 'fired_at' AS fired FROM workitem.item i, jsonb_array_elements(i.deadlines) AS e WHERE i.id = :item_id;
SELECT type, operation, actor, reason, payload->'item'->>'escalation_level' AS level
  FROM workitem_history(:item_id) WHERE actor = 'system' ORDER BY seq;

-- Overdue entries all fire in one tick, each once, in time order.
RESET workitem.test_clock_offset;
SELECT id AS late_id FROM workitem_create('wf-d', 'Late', '{"potential_owners": {"groups": ["team"]}}',
    actor => 'init', deadlines => '[{"after": "2 hours", "action": "escalate"}, {"after": "1 hour", "action": "notify"}]') \gset
SET workitem.test_clock_offset = '3h';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT reason FROM workitem_history(:late_id) WHERE actor = 'system' ORDER BY seq;
SELECT priority, escalation_level FROM workitem_get(:late_id);

-- allocate_admin without an administrator in the directory: reported.
RESET workitem.test_clock_offset;
SELECT id AS orphan_id FROM workitem_create('wf-d', 'Orphan', '{"potential_owners": {"groups": ["team"]}, "administrators": {"groups": ["ghosts"]}}',
    actor => 'init', deadlines => '[{"after": 60, "action": "allocate_admin"}]') \gset
SET workitem.test_clock_offset = '2min';
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT sqlstate, message FROM workitem.timer_failures WHERE item_id = :orphan_id;

-- update replaces the list ("after" from now); '[]' clears it.
RESET workitem.test_clock_offset;
SELECT jsonb_array_length(deadlines) AS entries FROM workitem_update(:orphan_id, 'init',
    deadlines => '[{"after": "1 day", "action": "notify"}, {"after": "2 days", "action": "expire"}]');
SELECT (deadlines->0->>'at')::timestamptz - now() BETWEEN interval '23 hours 59 minutes' AND interval '1 day' AS from_now
  FROM workitem_get(:orphan_id);
SELECT jsonb_array_length(deadlines) AS entries FROM workitem_update(:orphan_id, 'init', deadlines => '[]');
SELECT type, payload->'changes' ? 'deadlines' AS deadlines_changed FROM workitem_history(:orphan_id) ORDER BY seq DESC LIMIT 1;
SET workitem.test_clock_offset = '3d';
SELECT action, done FROM workitem_tick() WHERE done > 0;
RESET workitem.test_clock_offset;

-- A switched-off timer.escalate flag holds deadlines back.
SELECT id AS held_id FROM workitem_create('wf-d', 'Held', '{}', actor => 'init', deadlines => '[{"after": 60, "action": "notify"}]') \gset
SELECT enabled FROM workitem_set_flag('timer.escalate', false);
SET workitem.test_clock_offset = '2min';
SELECT action, done FROM workitem_tick() WHERE done > 0;
SELECT enabled FROM workitem_set_flag('timer.escalate', true);
SELECT action, done FROM workitem_tick() WHERE done > 0;
RESET workitem.test_clock_offset;

-- Malformed lists are WI422, naming the entry and field.
\set VERBOSITY terse
SELECT workitem_create('wf-d', 'Bad', deadlines => '{}', actor => 'init');
SELECT workitem_create('wf-d', 'Bad', deadlines => '[{"after": 5}]', actor => 'init');
SELECT workitem_create('wf-d', 'Bad', deadlines => '[{"at": "2030-01-01", "after": 5, "action": "notify"}]', actor => 'init');
SELECT workitem_create('wf-d', 'Bad', deadlines => '[{"after": 5, "action": "reoffer"}]', actor => 'init');
SELECT workitem_create('wf-d', 'Bad', deadlines => '[{"after": 5, "action": "notify", "raise_priority": 3}]', actor => 'init');
SELECT workitem_update(:held_id, 'init', deadlines => '[{"after": 5, "action": "panic"}]');
SELECT workitem_create('wf-d', 'Bad', deadlines => '[{"at": "not a time", "action": "notify"}]', actor => 'init');
-- create_many reports a bad list in that element's row.
SELECT element, ok, sqlstate, message FROM workitem_create_many(
    '[{"workflow_id": "wf-m", "task_name": "A", "deadlines": [{"after": "30 days", "action": "notify"}]},
      {"workflow_id": "wf-m", "task_name": "B", "deadlines": [{"action": "notify"}]}]', actor => 'init');
