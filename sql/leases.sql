-- Leases of workers' claims (docs/domain.md §5): a claim_next always carries one - the call's,
-- else the assignment's, else the task's default, else the queue's, else
-- workitem.default_lease_seconds - while a claim or start by id holds as the assignment says.
-- Work held without a lease shows in workitem.stranded_items; timer_status counts the expiries.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{red}');
SELECT user_id FROM workitem_put_user('bob', '{red}');
CREATE FUNCTION pg_temp.lease(item workitem.item) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN item.lease_until IS NULL THEN 'no lease'
                ELSE round(extract(epoch FROM item.lease_until - now()))::text || ' s' END
           || ', lease_seconds ' || coalesce(item.lease_seconds::text, 'NULL') $$;
CREATE FUNCTION pg_temp.offer(queue text, task text, assignment text DEFAULT '{"potential_owners": {"groups": ["red"]}}')
    RETURNS bigint LANGUAGE sql AS $$
    SELECT id FROM workitem_create('wf', task, assignment::jsonb, queue => queue) $$;

SHOW workitem.default_lease_seconds;

-- The setting: a worker's claim without lease_seconds holds for 300 s; the item's lease_seconds
-- stays what the assignment said (NULL), so a later claim by a person is not leased.
SELECT pg_temp.offer('q1', 'T') AS plain \gset
SELECT pg_temp.lease(c) AS by_the_setting FROM workitem_claim_next('ann', queue => 'q1') c;
-- the caller's lease wins
SELECT pg_temp.offer('q1', 'T') AS called \gset
SELECT pg_temp.lease(c) AS by_the_caller FROM workitem_claim_next('ann', queue => 'q1', lease_seconds => 45) c;
-- then the assignment's
SELECT pg_temp.offer('q1', 'T', '{"potential_owners": {"groups": ["red"]}, "lease_seconds": 600}') AS assigned \gset
SELECT pg_temp.lease(c) AS by_the_assignment FROM workitem_claim_next('ann', queue => 'q1') c;

-- Queue and task defaults: the task's wins over the queue's, both over the setting.
SELECT workitem_set_lease_default(queue => 'q2', lease_seconds => 120) AS replaced;
SELECT workitem_set_lease_default(task_name => 'Slow', lease_seconds => 3600) AS replaced;
SELECT pg_temp.offer('q2', 'T') \gset
SELECT pg_temp.lease(c) AS by_the_queue FROM workitem_claim_next('ann', queue => 'q2') c;
SELECT pg_temp.offer('q2', 'Slow') \gset
SELECT pg_temp.lease(c) AS by_the_task FROM workitem_claim_next('ann', queue => 'q2') c;
SELECT pg_temp.offer(NULL, 'Slow') \gset
SELECT pg_temp.lease(c) AS by_the_task_without_queue FROM workitem_claim_next('ann', task_name => 'Slow') c;
SELECT pg_temp.offer('q2', 'Slow', '{"potential_owners": {"groups": ["red"]}, "lease_seconds": 600}') \gset
SELECT pg_temp.lease(c) AS assignment_over_task FROM workitem_claim_next('ann', queue => 'q2') c;
SELECT pg_temp.offer('q2', 'T') \gset
SELECT pg_temp.lease(c) AS caller_over_queue FROM workitem_claim_next('ann', queue => 'q2', lease_seconds => 30) c;
-- another tenant's defaults are its own
SET workitem.tenant = 'other';
SELECT user_id FROM workitem_put_user('ann', '{red}');
SELECT pg_temp.offer('q2', 'T') \gset
SELECT pg_temp.lease(c) AS other_tenant_by_the_setting FROM workitem_claim_next('ann', queue => 'q2') c;
RESET workitem.tenant;
-- changed and removed: every session sees it at its next transaction
SELECT workitem_set_lease_default(queue => 'q2', lease_seconds => 90) AS replaced;
SELECT pg_temp.offer('q2', 'T') \gset
SELECT pg_temp.lease(c) AS changed_queue_default FROM workitem_claim_next('ann', queue => 'q2') c;
SELECT workitem_set_lease_default(queue => 'q2') AS removed;
SELECT pg_temp.offer('q2', 'T') \gset
SELECT pg_temp.lease(c) AS back_to_the_setting FROM workitem_claim_next('ann', queue => 'q2') c;
SELECT tenant_id, queue, task_name, lease_seconds FROM workitem.lease_default ORDER BY 1, 2, 3;
-- bad input
SELECT workitem_set_lease_default(lease_seconds => 10);
SELECT workitem_set_lease_default(queue => 'q', task_name => 'T', lease_seconds => 10);
SELECT workitem_set_lease_default(queue => 'q', lease_seconds => 0);
SELECT workitem_set_lease_default(queue => repeat('q', 1001), lease_seconds => 10);

-- max_items and acknowledge-and-claim take the default too.
SELECT pg_temp.offer('q3', 'T'), pg_temp.offer('q3', 'T'), pg_temp.offer('q3', 'T');
SELECT pg_temp.lease(c) AS batch FROM workitem_claim_next('bob', queue => 'q3', max_items => 2) c;
SELECT kind, pg_temp.lease(item) AS acknowledged_and_claimed
  FROM workitem_acknowledge_and_claim_next('bob', '[]', queue => 'q3');

-- A heartbeat extends a default lease by the default (the item's lease_seconds stays NULL).
SET workitem.default_lease_seconds = 200;
SELECT pg_temp.lease(h) AS heartbeat FROM workitem_heartbeat(:plain, 'ann') h;
RESET workitem.default_lease_seconds;

-- 0: no default lease (discouraged): the claim holds until someone gives it back.
SET workitem.default_lease_seconds = 0;
SELECT pg_temp.offer('q4', 'T') AS unleased \gset
SELECT pg_temp.lease(c) AS no_default FROM workitem_claim_next('ann', queue => 'q4') c;
RESET workitem.default_lease_seconds;

-- A person's claim or start by id holds as before: the assignment's lease, else none.
SELECT pg_temp.offer('q5', 'T') AS human1 \gset
SELECT pg_temp.offer('q5', 'T') AS human2 \gset
SELECT pg_temp.offer('q5', 'T', '{"potential_owners": {"groups": ["red"]}, "lease_seconds": 600}') AS human3 \gset
SELECT pg_temp.lease(c) AS claim_by_id FROM workitem_claim(:human1, 'bob') c;
SELECT pg_temp.lease(s) AS start_by_id FROM workitem_start(:human2, 'bob') s;
SELECT pg_temp.lease(c) AS claim_by_id_assigned FROM workitem_claim(:human3, 'bob') c;
SELECT workitem_set_lease_default(queue => 'q5', lease_seconds => 100) AS replaced;
SELECT pg_temp.lease(h) AS heartbeat_of_a_person FROM workitem_heartbeat(:human1, 'bob') h;

-- Stranded: held without a lease for longer than workitem.stranded_after.
SELECT id = :unleased OR id IN (:human1, :human2) AS listed
  FROM workitem.stranded_items ORDER BY id;  -- nothing yet: held for less than a day
SET workitem.stranded_after = '1s';
SELECT pg_sleep(1.2);
SELECT id = :unleased AS the_worker, id = :human1 AS the_person, queue, task_name, state, owner,
       unchanged_for >= interval '1 second' AS over_a_second
  FROM workitem.stranded_items ORDER BY id;
RESET workitem.stranded_after;

-- The timer gives back what ran out, and timer_status counts it apart from what went to error.
SELECT workitem_set_lease_default(queue => 'q6', lease_seconds => 5) AS replaced;
SELECT pg_temp.offer('q6', 'T') AS returned \gset
SELECT pg_temp.offer('q6', 'T', '{"potential_owners": {"groups": ["red"]}, "max_lease_expiries": 1}') AS poison \gset
SELECT count(*) AS claimed FROM workitem_claim_next('ann', queue => 'q6', max_items => 2);
SET workitem.test_clock_offset = '10s';
SELECT action, done, failed FROM workitem_tick() WHERE action LIKE 'lease_expire%' ORDER BY action;
RESET workitem.test_clock_offset;
SELECT id = :returned AS returned, state, owner, lease_until FROM workitem.item
 WHERE id IN (:returned, :poison) ORDER BY id;
SELECT action, done FROM workitem.timer_status WHERE action LIKE 'lease_expire%' ORDER BY action;
-- offered again: the next worker takes it
SELECT id = :returned AS taken_again FROM workitem_claim_next('bob', queue => 'q6');
