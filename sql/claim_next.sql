-- claim_next across queues: one index scan per principal of the actor (the user and each group)
-- over the offer entries (workitem.offer), merged best first. Every kind of offer is found, in
-- priority / due date / age order, and nothing offered to others is taken.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT user_id FROM workitem_put_user('ann', '{red,blue}');
SELECT user_id FROM workitem_put_user('bob', '{red}');

-- Offers to one group, to ann herself, to several principals, to others, with ann excluded.
CREATE TEMP TABLE offer (label text, id bigint);
INSERT INTO offer SELECT 'red p1', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["red"]}}', priority => 1);
INSERT INTO offer SELECT 'blue p5', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["blue"]}}', priority => 5);
INSERT INTO offer SELECT 'ann p3', id FROM workitem_create('wf', 'T', '{"potential_owners": {"users": ["ann"]}}', priority => 3);
INSERT INTO offer SELECT 'green+blue p4', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["green", "blue"]}}', priority => 4);
INSERT INTO offer SELECT 'green p9', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["green"]}}', priority => 9);
INSERT INTO offer SELECT 'bob+carl p8', id FROM workitem_create('wf', 'T', '{"potential_owners": {"users": ["bob", "carl"]}}', priority => 8);
INSERT INTO offer SELECT 'red, ann excluded, p7', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["red"]}, "excluded_owners": {"users": ["ann"]}}', priority => 7);
INSERT INTO offer SELECT 'blue p5, due', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["blue"]}}', priority => 5, due_at => '2030-01-01');
INSERT INTO offer SELECT 'red p1, other task', id FROM workitem_create('wf', 'Other', '{"potential_owners": {"groups": ["red"]}}', priority => 1);

-- Ann takes hers best first, from every arm of the merge; then nothing is left for her.
CREATE TEMP TABLE taken (turn serial, label text);
DO $$
BEGIN
    FOR turn IN 1 .. 6 LOOP
        INSERT INTO taken (label)
        SELECT coalesce((SELECT o.label FROM workitem_claim_next('ann', task_name => 'T') AS c
                           JOIN offer o ON o.id = c.id), '(nothing)');
    END LOOP;
END;
$$;
SELECT turn, label FROM taken ORDER BY turn;
-- What was offered to others is still offered.
SELECT o.label, i.state FROM offer o JOIN workitem.item i ON i.id = o.id
 WHERE i.state = 'offered' ORDER BY o.label;

-- A user in more groups than one merge covers is served by a scan in priority order.
SELECT count(*) AS users FROM workitem_put_user('many', ARRAY(SELECT 'g' || n FROM generate_series(1, 80) AS n));
SELECT id AS g80_item FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["g80"]}}', priority => 2) \gset
SELECT id AS g3_item FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["g3"]}}', priority => 6) \gset
SELECT id = :g3_item AS best_first FROM workitem_claim_next('many');
SELECT id = :g80_item AS then_the_other FROM workitem_claim_next('many');

-- A queue is scanned through its own index, whatever the principals.
SELECT id AS queued FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["red"]}}', queue => 'q1') \gset
SELECT count(*) AS bob_elsewhere FROM workitem_claim_next('bob', queue => 'q2');
SELECT id = :queued AS bob_in_q1 FROM workitem_claim_next('bob', queue => 'q1');

-- claim_next leaves out, before it locks them, candidates another transaction has updated since
-- its snapshot or is updating (workitem.row_unchanged; the race: the isolation spec
-- claim_next_passes_claimed). A row version is unchanged while it is the current one.
CREATE TABLE version_probe (id int, note text);
INSERT INTO version_probe VALUES (1, 'first');
SELECT ctid AS first_version FROM version_probe \gset
SELECT workitem.row_unchanged('version_probe'::regclass, :'first_version') AS current_version;
SELECT note FROM version_probe FOR UPDATE;
SELECT workitem.row_unchanged('version_probe'::regclass, :'first_version') AS after_a_lock;
BEGIN;
UPDATE version_probe SET note = 'rolled back';
ROLLBACK;
SELECT workitem.row_unchanged('version_probe'::regclass, :'first_version') AS after_an_aborted_update;
UPDATE version_probe SET note = 'second';
SELECT workitem.row_unchanged('version_probe'::regclass, :'first_version') AS after_an_update;
SELECT ctid AS second_version FROM version_probe \gset
SELECT workitem.row_unchanged('version_probe'::regclass, :'second_version') AS the_new_version;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT workitem.row_unchanged('version_probe'::regclass, :'first_version') AS not_judged_under_repeatable_read;
COMMIT;
DELETE FROM version_probe;
SELECT workitem.row_unchanged('version_probe'::regclass, :'second_version') AS after_a_delete;
SELECT workitem.row_unchanged('workitem.event'::regclass, '(0,1)') AS not_judged_on_a_partitioned_table;
DROP TABLE version_probe;

-- Several at once (max_items): the best items, best first, each claimed as if by its own call -
-- one event and one version each, capacity counting the ones taken before it - and an
-- idempotency key covering the whole call.
SELECT user_id FROM workitem_put_user('dee', '{many}', capacity => 3);
CREATE TEMP TABLE batch_offer AS
SELECT n, (SELECT id FROM workitem_create('wf-many', 'T', '{"potential_owners": {"groups": ["many"]}}', priority => n, queue => 'many')) AS id
  FROM generate_series(1, 5) AS n;
SELECT b.n AS priority, c.state, c.owner, c.version, c.lease_until IS NOT NULL AS leased
  FROM workitem_claim_next('dee', 'many', lease_seconds => 60, max_items => 4, idempotency_key => 'dee-1') AS c
  JOIN batch_offer b ON b.id = c.id ORDER BY b.n DESC;
-- One event per item claimed.
SELECT count(*) AS claimed_events FROM workitem.event e JOIN batch_offer b ON b.id = e.aggregateid
 WHERE e.operation = 'claim_next';
-- The retry returns the same items, claims nothing more.
SELECT array_agg(b.n ORDER BY b.n DESC) AS replayed
  FROM workitem_claim_next('dee', 'many', lease_seconds => 60, max_items => 4, idempotency_key => 'dee-1') AS c
  JOIN batch_offer b ON b.id = c.id;
SELECT count(*) AS still_offered FROM workitem.item i JOIN batch_offer b ON b.id = i.id WHERE i.state = 'offered';
-- Capacity is full: nothing more, however many are asked for.
SELECT count(*) AS over_capacity FROM workitem_claim_next('dee', 'many', max_items => 2);
-- max_items outside 1 .. workitem.max_batch_size.
SELECT count(*) FROM workitem_claim_next('dee', 'many', max_items => 0);
SELECT count(*) FROM workitem_claim_next('dee', 'many', max_items => 100000);
