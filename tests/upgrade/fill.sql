-- Fills a database that has release 0.1.0 of the extension through every feature it has, so that
-- scripts/test-upgrade can check that ALTER EXTENSION workitem UPDATE keeps all of it: items in
-- every state, their events, the directory, tenants, flags, custom validators and strategies,
-- idempotency keys, consumer cursors (one with a batch still open) and the timers' records.
-- Run as a superuser, with the 0.1.0 signatures (this file is frozen with that release).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- A schema of the application's own, outside the extension (scripts/test-upgrade leaves it out of
-- the schema comparison).
CREATE SCHEMA app;
CREATE FUNCTION app.no_big_claims(item workitem.item, operation text, actor text) RETURNS text
    LANGUAGE sql SET search_path = pg_catalog, pg_temp
    AS $$ SELECT CASE WHEN (item.input->>'amount')::int > 100000 THEN 'too big' END $$;
CREATE FUNCTION app.first_eligible(task_name text, workflow_id text, input jsonb, eligible text[])
    RETURNS text LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$ SELECT eligible[1] $$;
SELECT id FROM workitem_register_validator('app.no_big_claims', task_name => 'Approve', operation => 'claim');
SELECT name FROM workitem_register_strategy('first_eligible', 'app.first_eligible');
SELECT workitem_set_flag('strategy.random', false, 'acme');

-- Tenants: a role mapped to acme.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'upgrade_acme_user') THEN
        CREATE ROLE upgrade_acme_user IN ROLE workitem_user;
    END IF;
END $$;
INSERT INTO workitem.role_tenant VALUES ('upgrade_acme_user', 'acme');

-- The directory, one by one and in bulk.
SELECT user_id FROM workitem_put_user('ann', '{approvers,clerks}', capacity => 5);
SELECT user_id FROM workitem_put_user('bob', '{approvers}');
SELECT * FROM workitem_put_users('[{"user_id": "carol", "groups": ["clerks"]},
                                   {"user_id": "dave", "groups": ["approvers"], "available": false}]');

SELECT workitem_consumer_create('billing');
SELECT workitem_consumer_create('relay', all_tenants => true);

-- Items in every state, with every kind of assignment and time.
SELECT id FROM workitem_create('wf-1', 'Approve', '{"potential_owners": {"groups": ["approvers"]}}',
                               input => '{"amount": 10}', priority => 5, queue => 'finance',
                               due_at => now() + interval '1 day', idempotency_key => 'create-1');
SELECT id FROM workitem_create('wf-1', 'Approve', '{"potential_owners": {"groups": ["approvers"]}}',
                               input => '{"amount": 20}', step_ref => 'step-2');
SELECT id FROM workitem_create('wf-2', 'Review', '{"potential_owners": {"users": ["ann", "bob"]},
                               "strategy": "round_robin"}');
SELECT id FROM workitem_create('wf-2', 'Review', '{"potential_owners": {"groups": ["clerks"]},
                               "strategy": "first_eligible"}');
SELECT id FROM workitem_create('wf-3', 'Later', '{"potential_owners": {"users": ["ann"]}}',
                               activate_at => now() + interval '1 hour');
SELECT id FROM workitem_create('wf-3', 'Expiring', '{"potential_owners": {"users": ["ann"]},
                               "administrators": {"users": ["boss"]}}',
                               expires_at => now() + interval '2 hours',
                               deadlines => '[{"after": 3600, "action": "escalate", "raise_priority": 2},
                                             {"after": "2 hours", "action": "allocate_admin"}]');
SELECT id FROM workitem_create('wf-4', 'Cancelled', '{"potential_owners": {"users": ["bob"]}}');
SELECT id FROM workitem_create('wf-5', 'Failing', '{"potential_owners": {"users": ["bob"]}}');
SELECT id FROM workitem_create('wf-6', 'Suspended', '{"potential_owners": {"users": ["ann"]}}');
SELECT id FROM workitem_create('wf-7', 'Delegated', '{"potential_owners": {"users": ["ann", "carol"]}}');
SELECT count(*) FROM workitem_create_many('[{"workflow_id": "wf-8", "task_name": "Bulk"},
                                            {"workflow_id": "wf-8", "task_name": "Bulk", "step_ref": "b"}]');

SELECT state FROM workitem_claim(1, 'ann', idempotency_key => 'claim-1');
SELECT state FROM workitem_start(1, 'ann');
SELECT state FROM workitem_save_output(1, 'ann', '{"draft": true}');
SELECT state FROM workitem_complete(1, 'ann', '{"approved": true}', idempotency_key => 'complete-1');
SELECT state FROM workitem_claim(2, 'bob', lease_seconds => 600);
SELECT state FROM workitem_heartbeat(2, 'bob', lease_seconds => 900);
SELECT state FROM workitem_cancel(7, 'engine', reason => 'not needed');
SELECT state FROM workitem_claim(8, 'bob');
SELECT state FROM workitem_start(8, 'bob');
SELECT state FROM workitem_fail(8, 'bob', '{"code": "E1"}');
SELECT state FROM workitem_claim(9, 'ann');
SELECT state FROM workitem_suspend(9, 'ann');
SELECT state FROM workitem_claim(10, 'ann');
SELECT state FROM workitem_delegate(10, 'ann', 'carol');
SELECT count(*) FROM workitem_claim_next('bob');
SELECT count(*) FROM workitem_cancel_workflow('wf-8', 'engine');
SELECT count(*) FROM workitem_release_batch(ARRAY[2]::bigint[], 'bob');

-- Another tenant's items and directory.
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT user_id FROM workitem_put_user('upgrade_acme_user', '{team}');
SELECT id FROM workitem_create('acme-1', 'Acme', '{"potential_owners": {"groups": ["team"]}}');
COMMIT;

-- Consumers (below): one that finished a batch, one of all tenants with a batch still open.
SELECT workitem_finish_batch(workitem_next_batch('billing')) > 0 AS billing_finished;
SELECT workitem_next_batch('relay') IS NOT NULL AS relay_open;
SELECT workitem_event_notify(true);

-- The timers' records: a tick, and the publication for logical replication.
SELECT count(*) >= 0 FROM workitem_tick();
SELECT workitem.create_publication();
