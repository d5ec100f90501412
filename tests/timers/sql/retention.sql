-- Retention: terminal items past workitem.item_retention (90 days) are purged without an event
-- (their history stays); idempotency keys past their expiry go; event partitions whose every
-- event is older than workitem.event_retention (365 days) are dropped whole.
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;
RESET client_min_messages;

SELECT id AS done_id FROM workitem_create('wf-p', 'Old', '{"potential_owners": {"groups": ["team"]}}', actor => 'init') \gset
SELECT id AS open_id FROM workitem_create('wf-p', 'Open', '{"potential_owners": {"groups": ["team"]}}', actor => 'init') \gset
SELECT state FROM workitem_cancel(:done_id, 'init', idempotency_key => 'cancel-old');
SELECT count(*) AS events_before FROM workitem.event WHERE aggregateid = :done_id \gset

-- Within the retention period nothing goes.
SET workitem.test_clock_offset = '89d';
SELECT action, done FROM workitem_tick() WHERE action = 'purge.items';
SELECT count(*) AS items FROM workitem.item WHERE id = :done_id;

-- Past it: the cancelled item goes (not the open one), with no event; its history stays. (Its
-- idempotency key went a day after the call: workitem.idempotency_retention.)
SET workitem.test_clock_offset = '91d';
SELECT action, done > 0 AS purged FROM workitem_tick() WHERE action LIKE 'purge.%' AND done > 0 ORDER BY 1;
SELECT count(*) AS items FROM workitem.item WHERE id IN (:done_id, :open_id);
SELECT count(*) = :events_before AS history_kept FROM workitem.event WHERE aggregateid = :done_id;
SELECT count(*) AS keys_left FROM workitem.idempotency_key WHERE key = 'cancel-old';
RESET workitem.test_clock_offset;

-- An old monthly partition is dropped whole once all of it is past the event retention - by the
-- partition upkeep (the worker's, or workitem.maintain_event_partitions()), never by a
-- workitem_tick. (In one transaction holding the event table's lock, so the running background
-- worker, which would drop it too, neither sees it nor holds the lock the upkeep needs then.)
BEGIN;
LOCK TABLE workitem.event IN ACCESS EXCLUSIVE MODE;
CREATE TABLE workitem.event_202001 PARTITION OF workitem.event
    FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00');
SELECT action, done FROM workitem_tick() WHERE action = 'purge.event_partitions';
SELECT dropped FROM workitem.maintain_event_partitions();
COMMIT;
SELECT to_regclass('workitem.event_202001') AS old_partition;

-- The partitions made by CREATE EXTENSION belong to it: they leave it first, and the ones for
-- this month and the next two are made again (no longer part of the extension).
SET workitem.test_clock_offset = '800d';
BEGIN;
LOCK TABLE workitem.event IN ACCESS EXCLUSIVE MODE;
SELECT dropped >= 3 AS dropped, created = 3 AS made_again FROM workitem.maintain_event_partitions();
COMMIT;
RESET workitem.test_clock_offset;
SELECT count(*) AS partitions_ahead FROM generate_series(0, 2) AS g
 WHERE to_regclass(format('workitem.event_%s', to_char(now() + g * interval '1 month', 'YYYYMM'))) IS NOT NULL;
SELECT count(*) AS member_partitions FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relname LIKE 'event\_2%';
SELECT count(*) AS events_left FROM workitem.event WHERE aggregateid = :done_id;

-- The monitoring view counts what was purged.
SELECT action, done > 0 AS purged FROM workitem.timer_status WHERE action LIKE 'purge.%' ORDER BY 1;
