-- Every error the skeleton's functions raise, with its documented SQLSTATE.
-- Each file starts from a fresh install, so ids and counts are its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{approvers}');
SELECT user_id FROM workitem_put_user('bob', '{approvers}');
SELECT user_id FROM workitem_put_user('eve', '{}');
SELECT id FROM workitem_create('wf-1', 'Approve', '{"potential_owners": {"groups": ["approvers"]}, "excluded_owners": {"users": ["bob"]}}');

-- WI404: not found (also in another tenant)
SELECT id FROM workitem_get(999);
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(999, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_history(999);
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SET LOCAL workitem.tenant = 'other';
SELECT id FROM workitem_claim(1, 'ann');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- WI422: invalid input, naming the field
SELECT id FROM workitem_create(NULL, 'Approve');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', '');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"potential_owner": {}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"potential_owners": {"users": "ann"}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"potential_owners": {"users": [""]}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"potential_owners": {"roles": ["x"]}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '[1, 2]');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"strategy": "psychic"}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"strategy": "direct", "potential_owners": {"groups": ["approvers"]}}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"lease_seconds": 0}');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', expires_at => '2001-01-01 00:00+00');
\echo :LAST_ERROR_SQLSTATE
SET workitem.max_payload_bytes = '1kB';
SELECT id FROM workitem_create('wf', 'T', input => jsonb_build_object('blob', repeat('x', 2000)));
\echo :LAST_ERROR_SQLSTATE
RESET workitem.max_payload_bytes;
SELECT id FROM workitem_claim(1, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(NULL, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(1, 'ann', expected_version => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(1, 'ann', lease_seconds => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_claim_next(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_list(page_size => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_worklist('');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_put_user('system');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_put_user('zed', '{NULL}');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_put_user('zed', capacity => -1);
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SET LOCAL workitem.tenant = '';
SELECT id FROM workitem_get(1);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- Input errors PostgreSQL raises before our code runs pass through unchanged.
SELECT id FROM workitem_claim('abc', 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', '{"a": "\u0000"}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_list(state => 'OFFERED');
\echo :LAST_ERROR_SQLSTATE

-- WI403: not a potential owner; the reserved actor 'system'
SELECT id FROM workitem_claim(1, 'eve');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_claim(1, 'system');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_create('wf', 'T', actor => 'system');
\echo :LAST_ERROR_SQLSTATE

-- WI460: an excluded owner, even as a member of an offered group
SELECT id FROM workitem_claim(1, 'bob');
\echo :LAST_ERROR_SQLSTATE

-- WI423: a second user's claim; WI412: a stale version; WI403: a wrong user
SELECT id, state, owner, version FROM workitem_claim(1, 'ann');
SELECT id FROM workitem_claim(1, 'eve');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_start(1, 'ann', expected_version => 1);
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_complete(1, 'eve');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_cancel(1, 'system');
\echo :LAST_ERROR_SQLSTATE

-- WI409: no operation on a terminal item; claiming what you already hold
SELECT id FROM workitem_claim(1, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id, state FROM workitem_complete(1, 'ann', '{"ok": true}');
SELECT id FROM workitem_complete(1, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM workitem_cancel(1, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- WI425: not active yet
SELECT id FROM workitem_create('wf-later', 'T', '{"potential_owners": {"users": ["ann"]}}', activate_at => '2100-01-01 00:00+00');
SELECT id FROM workitem_claim(2, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- WI410: past expires_at (the timer has not acted yet), and an expired item
SELECT id FROM workitem_create('wf-exp', 'T', '{"potential_owners": {"users": ["ann"]}}', expires_at => now() + interval '1 hour');
UPDATE workitem.item SET expires_at = '2001-01-01 00:00+00' WHERE id = 3;
SELECT id FROM workitem_claim(3, 'ann');
\echo :LAST_ERROR_SQLSTATE
UPDATE workitem.item SET state = 'expired' WHERE id = 3;
SELECT id FROM workitem_claim(3, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- WI419: the actor's lease ran out (before and after the item moved on)
SELECT id FROM workitem_create('wf-lease', 'T', '{"potential_owners": {"users": ["ann", "bob"]}}');
SELECT state, owner FROM workitem_claim(4, 'ann', lease_seconds => 30);
UPDATE workitem.item SET lease_until = '2001-01-01 00:00+00' WHERE id = 4;
SELECT id FROM workitem_complete(4, 'ann');
\echo :LAST_ERROR_SQLSTATE
UPDATE workitem.item SET state = 'offered', owner = NULL, lease_until = NULL, lease_expired_owner = 'ann' WHERE id = 4;
SELECT id FROM workitem_complete(4, 'ann');
\echo :LAST_ERROR_SQLSTATE
SELECT state, owner FROM workitem_claim(4, 'bob');
SELECT id FROM workitem_start(4, 'ann');
\echo :LAST_ERROR_SQLSTATE

-- A failed call changes nothing and writes no event.
SELECT count(*) AS events FROM workitem.event;
SELECT id FROM workitem_complete(4, 'eve');
SELECT count(*) AS events_after_refusal FROM workitem.event;
