-- Event consumers: create, take batches of committed events, finish, rewind, drop; the lag view
-- and the retention horizon. (Races are in tests/isolation/specs/consumer_*.spec.)
-- Each file starts from a fresh install, so ids and counts are its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never

-- Takes the next batch of a consumer, shows its events and finishes it.
CREATE FUNCTION pg_temp.take(consumer text, max_events integer DEFAULT 1000)
    RETURNS TABLE (batch bigint, seq bigint, item bigint, version bigint, type text, tenant text)
    LANGUAGE plpgsql AS $$
DECLARE
    taken bigint := workitem_next_batch(consumer, max_events);
BEGIN
    IF taken IS NULL THEN RETURN; END IF;
    RETURN QUERY SELECT taken, e.seq, e.aggregateid, e.aggregate_version, e.type, e.tenant_id
                   FROM workitem_batch_events(taken) e;
    PERFORM workitem_finish_batch(taken);
END $$;

-- Events written before a consumer exists are not its; it starts at its creation.
SELECT id FROM workitem_create('wf-1', 'Before');
SELECT workitem_consumer_create('relay') AS created, workitem_consumer_create('relay') AS created_again;
SELECT workitem_next_batch('relay') AS nothing_yet;

-- A batch: committed events in seq order, the same batch until it is finished.
SELECT id FROM workitem_create('wf-1', 'First');
SELECT id, state FROM workitem_cancel(2, 'engine', reason => 'obsolete');
SELECT id FROM workitem_create('wf-1', 'Second');
SELECT workitem_next_batch('relay') AS batch, workitem_next_batch('relay') AS same_batch;
SELECT seq, aggregateid, aggregate_version, type FROM workitem_batch_events(1);
SELECT seq FROM workitem_batch_events(1);
SELECT workitem_finish_batch(1) AS finished;
SELECT workitem_finish_batch(1);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_batch_events(1);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('relay') AS nothing_new;

-- Batches are bounded by max_events and cut in seq order; each item's versions in order.
SELECT count(*) FROM (SELECT workitem_create('wf-2', 'Step ' || n, actor => 'engine') FROM generate_series(1, 3) AS n) AS created;
SELECT id, version FROM workitem_update(4, 'engine', priority => 5);
SELECT * FROM pg_temp.take('relay', 2);
SELECT * FROM pg_temp.take('relay', 2);
SELECT * FROM pg_temp.take('relay', 2);

-- A rolled-back transaction's events never come; the caller's own uncommitted events come only
-- after its commit, in a later batch.
BEGIN;
SELECT id FROM workitem_create('wf-3', 'Rolled back');
ROLLBACK;
BEGIN;
SELECT id FROM workitem_create('wf-3', 'Mine');
SELECT workitem_next_batch('relay') AS not_before_commit;
COMMIT;
SELECT * FROM pg_temp.take('relay');

-- Consuming changes no event row: progress lives in workitem.event_consumer only.
SELECT count(*) AS events, bool_and(xmin = xmin) AS untouched FROM workitem.event;
SELECT name, tenant_id, finished_batches, finished_events, last_finished_seq, batch_id
  FROM workitem.event_consumer;

-- Rewind: replay from a seq, or from a time; an open batch is abandoned.
SELECT workitem_next_batch('relay') AS no_batch;
SELECT workitem_consumer_rewind('relay', to_seq => 7) AS from_seq;
SELECT workitem_next_batch('relay', 1) AS abandoned \gset
SELECT seq FROM workitem_batch_events(:abandoned);
SELECT workitem_consumer_rewind('relay', to_seq => 8) AS from_seq;
SELECT workitem_finish_batch(:abandoned);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM pg_temp.take('relay');
SELECT workitem_consumer_rewind('relay', to_time => (SELECT occurred_at FROM workitem.event WHERE aggregateid = 8)) AS from_seq;
SELECT seq, item FROM pg_temp.take('relay');
SELECT workitem_consumer_rewind('relay', to_time => now() + interval '1 day') AS from_seq_in_future;
SELECT * FROM pg_temp.take('relay');
SELECT workitem_consumer_rewind('relay', to_seq => 0) AS from_the_start;
SELECT count(*) AS replayed, min(seq), max(seq) FROM pg_temp.take('relay');

-- The lag view: committed events not yet finished, and for how long at most.
SELECT kind, name, events_behind, seconds_behind = 0 AS caught_up, open_batch FROM workitem.event_lag;
SELECT id FROM workitem_create('wf-4', 'Pending');
SELECT id FROM workitem_create('wf-4', 'Pending too');
SELECT workitem_next_batch('relay', 1) AS batch \gset
SELECT kind, name, events_behind, seconds_behind > 0 AS behind, open_batch = :batch AS open_batch
  FROM workitem.event_lag;
SELECT workitem_finish_batch(:batch);
SELECT kind, name, events_behind, open_batch FROM workitem.event_lag;
SELECT count(*) FROM pg_temp.take('relay');
SELECT kind, name, events_behind, seconds_behind = 0 AS caught_up FROM workitem.event_lag;

-- Tenants: a consumer gets its tenant's events; a service's all-tenants consumer gets all.
SELECT workitem_consumer_create('everything', all_tenants => true);
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT workitem_consumer_create('relay') AS acme_relay;
SELECT id FROM workitem_create('wf-5', 'Acme work');
COMMIT;
SELECT id FROM workitem_create('wf-5', 'Default work');
SELECT item, tenant FROM pg_temp.take('relay');
SELECT item, tenant FROM pg_temp.take('everything');
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT item, tenant FROM pg_temp.take('relay');
SELECT name, tenant_id FROM workitem.event_lag ORDER BY 1, 2;
COMMIT;

-- Retention asks how far back consumers still need events; without consumers, the period alone.
SELECT workitem.event_consumers_horizon() <= now() AS horizon_before_now,
       workitem.event_retention_horizon('2000-01-01') = '2000-01-01' AS retention_wins_when_older,
       workitem.event_retention_horizon(now() + interval '1 day') < now() + interval '1 day'
           AS consumers_hold_back;

-- Bad input.
SELECT workitem_consumer_create(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_create('');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_create('x', all_tenants => NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('nobody');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('relay', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('relay', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem_batch_events(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_finish_batch(424242);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_rewind('relay');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_rewind('relay', to_seq => 1, to_time => now());
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_rewind('relay', to_seq => -1);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_drop('nobody');
\echo :LAST_ERROR_SQLSTATE

-- Drop: the consumer and its position are gone; without consumers retention is not held back.
SELECT workitem_consumer_drop('relay'), workitem_consumer_drop('everything');
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT workitem_consumer_drop('relay');
COMMIT;
SELECT count(*) AS consumers_left FROM workitem.event_consumer;
SELECT workitem.event_consumers_horizon() IS NULL AS no_horizon;

-- The wake-up: off after install, switched by a superuser.
SELECT tgenabled FROM pg_trigger WHERE tgname = 'event_wakeup';
SELECT workitem_event_notify(true);
SELECT tgenabled FROM pg_trigger WHERE tgname = 'event_wakeup';
SELECT workitem_event_notify(false);
SELECT tgenabled FROM pg_trigger WHERE tgname = 'event_wakeup';
SELECT workitem_event_notify(NULL);
\echo :LAST_ERROR_SQLSTATE
