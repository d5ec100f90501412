-- Items with activate_at wait in created until the timer activates them: offered, or allocated
-- as their strategy says. workitem.test_clock_offset moves the timer's clock (superuser only),
-- so the running background worker (on the real clock) leaves these items alone.
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;
RESET client_min_messages;

SELECT id AS offer_id FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"groups": ["team"]}}',
    activate_at => now() + interval '1 hour', actor => 'init') \gset
SELECT id AS direct_id FROM workitem_create('wf-1', 'Sign', '{"strategy": "direct", "potential_owners": {"users": ["bob"]}, "lease_seconds": 600}',
    activate_at => now() + interval '1 hour', actor => 'init') \gset
SELECT id AS later_id FROM workitem_create('wf-1', 'Later', '{"potential_owners": {"groups": ["team"]}}',
    activate_at => now() + interval '3 hours', actor => 'init') \gset
SELECT state, owner FROM workitem_get(:offer_id);

-- Not yet: a claim is WI425, and a tick on the real clock does nothing to them.
\set VERBOSITY sqlstate
SELECT state FROM workitem_claim(:offer_id, 'ann');
\set VERBOSITY default
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;

-- Only a superuser moves the timer's clock.
CREATE ROLE timer_tester LOGIN;
SET ROLE timer_tester;
SET workitem.test_clock_offset = '2h';
RESET ROLE;

SET workitem.test_clock_offset = '2h';
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT id = :offer_id AS offer, state, owner, version, lease_until IS NOT NULL AS leased
  FROM workitem.item WHERE id IN (:offer_id, :direct_id, :later_id) ORDER BY id;

-- One event each, by the actor system: the item was offered (or allocated).
SELECT aggregateid = :direct_id AS direct, type, operation, actor, reason,
       payload->'item'->>'state' AS state, payload->'changes'->'owner' AS owner_change
  FROM workitem.event WHERE aggregateid IN (:offer_id, :direct_id) AND operation <> 'create'
 ORDER BY seq;

-- A second tick finds nothing more to do.
SELECT action, done, failed FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state FROM workitem_claim(:offer_id, 'ann');

-- The third item activates when its time comes.
SET workitem.test_clock_offset = '4h';
SELECT action, done FROM workitem_tick() WHERE done > 0;
SELECT state FROM workitem_get(:later_id);
RESET workitem.test_clock_offset;
