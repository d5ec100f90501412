-- Suspended items resume at suspended_until (to the state they left); items expire at
-- expires_at, whatever state they are in; max_items bounds what one tick does.
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;
RESET client_min_messages;
\set VERBOSITY sqlstate

SELECT id AS paused_id FROM workitem_create('wf-r', 'Pause', '{"potential_owners": {"groups": ["team"]}}', actor => 'init') \gset
SELECT state FROM workitem_start(:paused_id, 'ann');
SELECT state, resume_to FROM workitem_suspend(:paused_id, 'ann', until => now() + interval '1 hour');
SET workitem.test_clock_offset = '30min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SET workitem.test_clock_offset = '61min';
SELECT action, done FROM workitem_tick() WHERE action = 'resume';
SELECT state, owner, resume_to, suspended_until FROM workitem_get(:paused_id);
SELECT type, operation, actor, reason FROM workitem_history(:paused_id) ORDER BY seq DESC LIMIT 1;
RESET workitem.test_clock_offset;

-- Expiry: an offered item, a started one, and one still waiting for its activation.
SELECT id AS offered_id FROM workitem_create('wf-r', 'Soon gone', '{"potential_owners": {"groups": ["team"]}}',
    expires_at => now() + interval '1 hour', actor => 'init') \gset
SELECT id AS started_id FROM workitem_create('wf-r', 'Soon gone', '{"potential_owners": {"groups": ["team"]}}',
    expires_at => now() + interval '1 hour', actor => 'init') \gset
SELECT id AS waiting_id FROM workitem_create('wf-r', 'Soon gone', '{"potential_owners": {"groups": ["team"]}}',
    activate_at => now() + interval '30 min', expires_at => now() + interval '1 hour', actor => 'init') \gset
SELECT state FROM workitem_start(:started_id, 'bob');
SET workitem.test_clock_offset = '2h';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT id = :waiting_id AS was_waiting, state, completed_at IS NOT NULL AS finished
  FROM workitem.item WHERE id IN (:offered_id, :started_id, :waiting_id) ORDER BY id;
SELECT type, actor, reason FROM workitem_history(:started_id) ORDER BY seq DESC LIMIT 1;
RESET workitem.test_clock_offset;
SELECT state FROM workitem_complete(:started_id, 'bob');

-- max_items: three due, a tick of two, then the last one.
SELECT count(*) FROM (SELECT workitem_create('wf-r', 'Batch', '{"potential_owners": {"groups": ["team"]}}',
    activate_at => now() + interval '1 hour', actor => 'init') FROM generate_series(1, 3)) AS created;
SET workitem.test_clock_offset = '2h';
SELECT action, done FROM workitem_tick(max_items => 2) WHERE done > 0 OR failed > 0;
SELECT action, done FROM workitem_tick(max_items => 2) WHERE done > 0 OR failed > 0;
SELECT workitem_tick(max_items => 0);
RESET workitem.test_clock_offset;

-- Who may tick: services and administrators, not users.
CREATE ROLE ticking_user LOGIN IN ROLE workitem_user;
SET ROLE ticking_user;
SELECT count(*) FROM workitem_tick();
RESET ROLE;
CREATE ROLE ticking_service LOGIN IN ROLE workitem_service;
SET ROLE ticking_service;
SELECT count(*) FROM workitem_tick();
SELECT count(*) > 0 AS sees_status FROM workitem.timer_status;
RESET ROLE;
