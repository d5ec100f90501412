-- A claim with a lease returns to offered when the lease runs out, unless the owner heartbeats;
-- after max_lease_expiries expiries the item is poison and goes to error, saying why.
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;
RESET client_min_messages;
\set VERBOSITY sqlstate

SELECT id AS item_id FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"groups": ["team"]}}', actor => 'init') \gset
SELECT state, owner FROM workitem_claim(:item_id, 'ann', lease_seconds => 600);

-- Within the lease nothing happens.
SET workitem.test_clock_offset = '5min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;

-- Past it the item goes back to offered, and ann learns why when she tries to complete it.
SET workitem.test_clock_offset = '11min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner, lease_until, lease_expiries, lease_expired_owner FROM workitem_get(:item_id);
SELECT type, actor, reason FROM workitem.event WHERE aggregateid = :item_id ORDER BY seq DESC LIMIT 1;
SELECT state FROM workitem_complete(:item_id, 'ann');

-- A heartbeat keeps the lease alive: the timer leaves bob's claim alone.
RESET workitem.test_clock_offset;
SELECT state, owner FROM workitem_claim(:item_id, 'bob', lease_seconds => 600);
SELECT lease_until > now() + interval '9 min' AS renewed FROM workitem_heartbeat(:item_id, 'bob', lease_seconds => 3600);
SET workitem.test_clock_offset = '11min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner FROM workitem_get(:item_id);

-- Poison: the assignment allows 2 expiries; the second sends the item to error.
RESET workitem.test_clock_offset;
SELECT id AS poison_id FROM workitem_create('wf-2', 'Flaky', '{"potential_owners": {"groups": ["team"]}, "max_lease_expiries": 2}', actor => 'init') \gset
SELECT state FROM workitem_claim(:poison_id, 'ann', lease_seconds => 60);
SET workitem.test_clock_offset = '2min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
RESET workitem.test_clock_offset;
SELECT state, lease_expiries FROM workitem_claim(:poison_id, 'bob', lease_seconds => 60);
SET workitem.test_clock_offset = '2min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, owner, lease_expiries, fault, completed_at IS NOT NULL AS finished FROM workitem_get(:poison_id);
SELECT type, operation, actor, reason, payload->'item'->>'state' AS state
  FROM workitem_history(:poison_id) ORDER BY seq;

-- Without max_lease_expiries in the assignment, workitem.max_lease_expiries decides.
RESET workitem.test_clock_offset;
SET workitem.max_lease_expiries = 1;
SELECT id AS once_id FROM workitem_create('wf-3', 'Flaky', '{"potential_owners": {"groups": ["team"]}}', actor => 'init') \gset
SELECT state FROM workitem_claim(:once_id, 'ann', lease_seconds => 60);
SET workitem.test_clock_offset = '2min';
SELECT action, done FROM workitem_tick() WHERE done > 0 OR failed > 0;
SELECT state, lease_expiries FROM workitem_get(:once_id);
RESET workitem.test_clock_offset;
RESET workitem.max_lease_expiries;
