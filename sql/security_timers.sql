-- The timers', custom functions' and event consumers' side of the trust boundary (issue 16):
-- what runs with whose rights, what one tenant's administrator can reach of the others'.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP SCHEMA IF EXISTS tm_app CASCADE;
DROP ROLE IF EXISTS wi_tm_owner, wi_tm_boss, wi_tm_acme_boss, wi_tm_svc;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE wi_tm_owner;
CREATE ROLE wi_tm_boss IN ROLE workitem_admin;
CREATE ROLE wi_tm_acme_boss IN ROLE workitem_admin;
CREATE ROLE wi_tm_svc IN ROLE workitem_service;
INSERT INTO workitem.role_tenant VALUES ('wi_tm_acme_boss', 'acme'), ('wi_tm_boss', 'default');

--------------------------------------------------------------------------------------------------
-- Finding 4: custom validators and strategies never run with more rights than their owner's and
-- carry their own search_path, ending with pg_temp.
--------------------------------------------------------------------------------------------------
SELECT (workitem_put_user('ann', '{crew}')).user_id;
CREATE SCHEMA tm_app;
CREATE TABLE tm_app.rules (task text, reason text);
INSERT INTO tm_app.rules VALUES ('Guarded', NULL);

-- A plain function owned by a role that is not a superuser would run as the extension owner.
CREATE FUNCTION tm_app.by_owner(item workitem.item, operation text, actor text) RETURNS text
    LANGUAGE sql SET search_path = tm_app, pg_temp AS $$ SELECT NULL::text $$;
ALTER FUNCTION tm_app.by_owner(workitem.item, text, text) OWNER TO wi_tm_owner;
SELECT workitem_register_validator('tm_app.by_owner');
\echo :LAST_ERROR_SQLSTATE
-- SECURITY DEFINER, it runs as its owner: accepted.
ALTER FUNCTION tm_app.by_owner(workitem.item, text, text) SECURITY DEFINER;
SELECT operation FROM workitem_register_validator('tm_app.by_owner', operation => 'skip');

-- A superuser's function without a search_path of its own would use the caller's (pg_temp
-- included); one whose search_path does not end with pg_temp searches pg_temp first.
SET check_function_bodies = off;
CREATE FUNCTION tm_app.from_rules(item workitem.item, operation text, actor text) RETURNS text
    LANGUAGE sql AS $$ SELECT reason FROM rules WHERE task = item.task_name $$;
RESET check_function_bodies;
SELECT workitem_register_validator('tm_app.from_rules');
\echo :LAST_ERROR_SQLSTATE
ALTER FUNCTION tm_app.from_rules(workitem.item, text, text) SET search_path = tm_app;
SELECT workitem_register_validator('tm_app.from_rules');
\echo :LAST_ERROR_SQLSTATE
ALTER FUNCTION tm_app.from_rules(workitem.item, text, text) SET search_path = tm_app, pg_temp;
SELECT task_name, operation FROM workitem_register_validator('tm_app.from_rules', task_name => 'Guarded', operation => 'claim');

-- The caller's temporary table of the same name is not read: tm_app.rules allows.
CREATE TEMP TABLE rules (task text, reason text);
INSERT INTO rules VALUES ('Guarded', 'read from the caller''s temp table');
SELECT id AS guarded_1 FROM workitem_create('wf-g', 'Guarded', '{"potential_owners": {"users": ["ann"]}}', actor => 'engine') \gset
SELECT owner FROM workitem_claim(:guarded_1, 'ann');

-- Checked again at every run: an ALTER FUNCTION after the registration makes the operations it
-- judges fail with WI422 (the validator is never skipped, nor run without its search_path).
ALTER FUNCTION tm_app.from_rules(workitem.item, text, text) RESET search_path;
SELECT id AS guarded_2 FROM workitem_create('wf-g', 'Guarded', '{"potential_owners": {"users": ["ann"]}}', actor => 'engine') \gset
SELECT owner FROM workitem_claim(:guarded_2, 'ann');
\echo :LAST_ERROR_SQLSTATE
ALTER FUNCTION tm_app.from_rules(workitem.item, text, text) SET search_path = tm_app, pg_temp;
ALTER FUNCTION tm_app.from_rules(workitem.item, text, text) OWNER TO wi_tm_owner;
SELECT owner FROM workitem_claim(:guarded_2, 'ann');
\echo :LAST_ERROR_SQLSTATE
ALTER FUNCTION tm_app.from_rules(workitem.item, text, text) SECURITY DEFINER;
GRANT USAGE ON SCHEMA tm_app TO wi_tm_owner;
GRANT SELECT ON tm_app.rules TO wi_tm_owner;
SELECT owner FROM workitem_claim(:guarded_2, 'ann');
DROP TABLE pg_temp.rules;
SELECT count(*) FROM (SELECT workitem_unregister_validator(id) FROM workitem.custom_validator) AS gone;

-- Strategies: the same rule.
CREATE FUNCTION tm_app.pick_first(task_name text, workflow_id text, input jsonb, eligible text[])
    RETURNS text LANGUAGE sql AS $$ SELECT eligible[1] $$;
SELECT workitem_register_strategy('pick_first', 'tm_app.pick_first');
\echo :LAST_ERROR_SQLSTATE
ALTER FUNCTION tm_app.pick_first(text, text, jsonb, text[]) SET search_path = pg_catalog, pg_temp;
SELECT name FROM workitem_register_strategy('pick_first', 'tm_app.pick_first');
ALTER FUNCTION tm_app.pick_first(text, text, jsonb, text[]) OWNER TO wi_tm_owner;
SELECT id FROM workitem_create('wf-s', 'Picked', '{"strategy": "pick_first", "potential_owners": {"groups": ["crew"]}}', actor => 'engine');
\echo :LAST_ERROR_SQLSTATE

--------------------------------------------------------------------------------------------------
-- Finding 14: a consumer name is a tenant's or an all-tenants one, never both.
--------------------------------------------------------------------------------------------------
SET ROLE wi_tm_svc;
SELECT workitem_consumer_create('relay2', all_tenants => true) AS created;
RESET ROLE;
SET ROLE wi_tm_boss;
SELECT workitem_consumer_create('relay2');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_create('boss-feed') AS created;
RESET ROLE;
SET ROLE wi_tm_svc;
SELECT workitem_consumer_create('boss-feed', all_tenants => true);
\echo :LAST_ERROR_SQLSTATE
-- Another tenant may use the same name for its own consumer: tenants' names do not collide.
RESET ROLE;
SET ROLE wi_tm_acme_boss;
SELECT workitem_consumer_create('boss-feed') AS created;
RESET ROLE;
-- The service's call names its all-tenants consumer.
SELECT id AS relayed FROM workitem_create('wf-e', 'Relayed', actor => 'engine') \gset
SET ROLE wi_tm_svc;
SELECT workitem_next_batch('relay2') IS NOT NULL AS relay_batch;
RESET ROLE;
SELECT tenant_id, name, batch_id IS NOT NULL AS has_batch FROM workitem.event_consumer ORDER BY name, tenant_id;

--------------------------------------------------------------------------------------------------
-- Finding 17: one tenant's consumers hold back retention only so far, and are counted.
--------------------------------------------------------------------------------------------------
-- At most workitem.max_consumers_per_tenant per tenant.
SET workitem.max_consumers_per_tenant = 2;
SET ROLE wi_tm_acme_boss;
SELECT workitem_consumer_create('acme-2') AS created;
SELECT workitem_consumer_create('acme-3');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_create('acme-2') AS created;
RESET ROLE;
RESET workitem.max_consumers_per_tenant;

-- A rewind never reaches before the retention period, so '-infinity' holds nothing back.
SET ROLE wi_tm_acme_boss;
SELECT workitem_consumer_rewind('acme-2', to_time => '-infinity') > 0 AS rewound;
RESET ROLE;
SELECT position_at > now() - interval '366 days' AS within_retention
  FROM workitem.event_consumer WHERE name = 'acme-2';
SELECT workitem.event_consumers_horizon() > now() - interval '366 days' AS horizon_within_retention;

-- A rewind by time looks at the consumer's tenant's events only.
SELECT now() AS before_both \gset
SELECT id AS default_item FROM workitem_create('wf-r', 'Default one', actor => 'engine') \gset
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT id AS acme_item FROM workitem_create('wf-r', 'Acme one', actor => 'engine') \gset
COMMIT;
SET ROLE wi_tm_acme_boss;
SELECT workitem_consumer_rewind('acme-2', to_time => :'before_both') AS from_seq \gset
RESET ROLE;
SELECT tenant_id, aggregateid = :acme_item AS acme_item FROM workitem.event WHERE seq = :from_seq;

-- A consumer further behind than workitem.event_consumer_max_hold past the retention period
-- does not keep a partition: it is dropped, and the consumer marked.
UPDATE workitem.event_consumer SET position_at = '2019-06-01 00:00+00' WHERE name = 'acme-2';
BEGIN;
LOCK TABLE workitem.event IN ACCESS EXCLUSIVE MODE;
CREATE TABLE workitem.event_202001 PARTITION OF workitem.event
    FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00');
COMMIT;
SELECT dropped FROM workitem.maintain_event_partitions();
SELECT to_regclass('workitem.event_202001') AS old_partition;
SELECT name, skipped_before = '2020-02-01 00:00+00' AS gap_recorded, position_at >= skipped_before AS moved_on
  FROM workitem.event_consumer WHERE skipped_at IS NOT NULL;
SET ROLE wi_tm_acme_boss;
SELECT name, status LIKE 'skipped events before %' AS skipped FROM workitem.event_lag ORDER BY name;
RESET ROLE;

--------------------------------------------------------------------------------------------------
-- Finding 15: partition upkeep is not workitem_tick's, and is computed in UTC.
--------------------------------------------------------------------------------------------------
SELECT format('workitem.event_%s', to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month', 'YYYYMM')) AS next_month,
       format('workitem.event_%s', to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 month', 'YYYYMM')) AS month_after \gset
SELECT workitem.drop_event_partition(:'next_month'::regclass), workitem.drop_event_partition(:'month_after'::regclass);
-- A tick creates none.
SET ROLE wi_tm_svc;
SELECT count(*) AS rows FROM workitem_tick();
RESET ROLE;
-- A tenant's administrator may not tick at all: a tick acts on, and locks until its transaction
-- ends, every tenant's due items (services only).
SET ROLE wi_tm_boss;
SELECT count(*) FROM workitem_tick();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT to_regclass(:'next_month') IS NULL AS still_missing;
-- Made under a TimeZone far from UTC, the bounds are UTC months all the same, and the next
-- upkeep (in UTC) makes the month after without overlapping them.
SET TimeZone = 'Etc/GMT+12';
SELECT count(*) AS created FROM workitem.create_event_partitions(1);
RESET TimeZone;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';
-- (Its lower bound is a UTC month's start too unless this month's partition was made by a release
-- before 0.2.0 under another TimeZone: it then starts where that one ends.)
SELECT pg_get_expr(c.relpartbound, c.oid) ~ ' TO \(''\d{4}-\d{2}-01 00:00:00\+00''\)$' AS utc_month
  FROM pg_class c WHERE c.oid = :'next_month'::regclass;
RESET TimeZone;
RESET DateStyle;
SELECT created FROM workitem.maintain_event_partitions();
SELECT to_regclass(:'month_after') IS NOT NULL AS made;

--------------------------------------------------------------------------------------------------
-- Finding 16: an administrator reads the cluster's counters, not other tenants' error texts.
--------------------------------------------------------------------------------------------------
UPDATE workitem.timer_stats SET failed = failed + 1, last_error = 'item 7 of tenant default: secret reason', last_error_at = now()
 WHERE action = 'activate';
SELECT id AS acme_failing FROM workitem.item WHERE tenant_id = 'acme' LIMIT 1 \gset
INSERT INTO workitem.timer_failure VALUES (:acme_failing, 'activate', 1, 'WI461', 'acme''s own reason', now(), now(), now() + interval '1 minute');
SET ROLE wi_tm_acme_boss;
SELECT action, failed > 0 AS counted, last_error FROM workitem.timer_status WHERE action IN ('activate', 'expire') ORDER BY 1;
RESET ROLE;
SET ROLE wi_tm_boss;
SELECT action, failed > 0 AS counted, last_error FROM workitem.timer_status WHERE action IN ('activate', 'expire') ORDER BY 1;
RESET ROLE;
SET ROLE wi_tm_svc;
SELECT action, last_error FROM workitem.timer_status WHERE action = 'activate';
RESET ROLE;

--------------------------------------------------------------------------------------------------
-- Finding 18: a tick's events carry no caller trace context; the tick records who ran it.
--------------------------------------------------------------------------------------------------
SELECT id AS later_id FROM workitem_create('wf-t', 'Later', activate_at => now() + interval '1 hour', actor => 'engine') \gset
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT id AS acme_later_id FROM workitem_create('wf-t', 'Acme later', activate_at => now() + interval '1 hour', actor => 'engine') \gset
COMMIT;
SET workitem.test_clock_offset = '2h';
SET ROLE wi_tm_svc;
SET workitem.trace_context = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
SELECT action, done FROM workitem_tick() WHERE action = 'activate';
SELECT current_setting('workitem.trace_context') <> '' AS session_keeps_its_context;
RESET workitem.trace_context;
RESET ROLE;
RESET workitem.test_clock_offset;
SELECT tenant_id, operation, trace_context FROM workitem.event
 WHERE aggregateid IN (:later_id, :acme_later_id) AND operation = 'activate' ORDER BY tenant_id;
SELECT DISTINCT last_tick_by FROM workitem.timer_status;
