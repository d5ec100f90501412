-- What release 0.2.0 added, filled after fill.sql into a database that has 0.2.0 or later, so
-- that the update from 0.2.0 is checked on it too (tests/upgrade/run): a lease default, a batch
-- claim with its idempotency key, a remembered refusal and a relay dead letter.
-- Run as a superuser, with the 0.2.0 signatures (this file is frozen with that release).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

SELECT workitem_set_lease_default(queue => 'finance', lease_seconds => 300);
SELECT user_id FROM workitem_put_user('erin', '{approvers}');
SELECT id FROM workitem_create('wf-20', 'Leased', '{"potential_owners": {"users": ["erin"]}}',
                               queue => 'finance');
SELECT id FROM workitem_create('wf-20', 'Leased', '{"potential_owners": {"users": ["erin"]}}',
                               queue => 'finance', step_ref => 'second');
SELECT count(*) FROM workitem_claim_next('erin', queue => 'finance', max_items => 2,
                                         idempotency_key => 'next-erin');

-- A refused keyed call, remembered as the key's outcome.
DO $$
BEGIN
    PERFORM workitem_complete(1, 'erin', '{}', idempotency_key => 'refused-erin');
EXCEPTION WHEN OTHERS THEN
    NULL;
END $$;
SELECT workitem_remember_refusal('refused-erin');

-- A dead letter of the relay.
SELECT workitem.relay_dead_letter_add('hooks', 'relay', e.seq, e.id, 'permanent', 'HTTP 400', 1)
  FROM workitem.event e ORDER BY e.seq LIMIT 1;
