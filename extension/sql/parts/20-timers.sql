
--------------------------------------------------------------------------------------------------
-- Timers (domain.md §5): the background worker and workitem_tick() act on due items through
-- these indexes, record failures and counts here, and purge what is past retention.
--------------------------------------------------------------------------------------------------

-- The earliest deadline not yet fired. IMMUTABLE although a text-to-timestamptz cast is only
-- STABLE: every stored "at" is written by workitem in UTC with an explicit "Z"
-- (YYYY-MM-DDTHH:MM:SS.ffffffZ), which reads the same under every TimeZone and DateStyle.
CREATE FUNCTION workitem.next_deadline_at(deadlines jsonb) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT min((e->>'at')::timestamptz) FROM jsonb_array_elements(deadlines) AS e
     WHERE NOT e ? 'fired_at'
$$;
COMMENT ON FUNCTION workitem.next_deadline_at(jsonb) IS
    'When the next deadline of a stored deadline list is due (NULL: none left).';

-- Each timer query finds its due items through a small partial index: only rows in the states
-- the action applies to are in it, so the hot path pays for these only on those rows. Each index
-- ends with id because each query orders by (due time, id): items that fall due together (a
-- claim_batch gives all its leases one lease_until, a create_many one activate_at) are then read
-- in order, a batch at a time, instead of the whole group being read, filtered and sorted to take
-- the first batch of it.
CREATE INDEX item_activation_due ON workitem.item (activate_at, id) WHERE state = 'created';
-- Leased claims only: a claim without a lease never falls due, and indexing its NULL lease_until
-- cost every such claim and start an index insertion. The timer's "lease_until <= $1" implies
-- lease_until IS NOT NULL, so its query still matches this predicate.
CREATE INDEX item_lease_due ON workitem.item (lease_until, id)
    WHERE lease_until IS NOT NULL AND state IN ('allocated', 'started');
CREATE INDEX item_resume_due ON workitem.item (suspended_until, id) WHERE state = 'suspended';
CREATE INDEX item_expiry_due ON workitem.item (expires_at, id)
    WHERE expires_at IS NOT NULL
      AND state IN ('created', 'offered', 'allocated', 'started', 'suspended');
CREATE INDEX item_deadline_due ON workitem.item (workitem.next_deadline_at(deadlines), id)
    WHERE deadlines <> '[]'::jsonb
      AND state IN ('created', 'offered', 'allocated', 'started', 'suspended');
-- Retention: terminal items by when they finished.
CREATE INDEX item_finished ON workitem.item (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE workitem.timer_failure (
    item_id         bigint NOT NULL,
    action          text NOT NULL,   -- expire, activate, resume, lease_expire, deadline
    attempts        integer NOT NULL,
    sqlstate        text NOT NULL,
    message         text NOT NULL,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    PRIMARY KEY (item_id, action)
);
COMMENT ON TABLE workitem.timer_failure IS
    'Timer actions that failed on an item (refused by a validator, an escalation to a group '
    'with no members, an error): retried at next_attempt_at, the wait doubling per attempt '
    '(workitem.timer_retry_interval, at most a day). Forgotten once the action succeeds or the '
    'item is no longer active.';
SELECT pg_catalog.pg_extension_config_dump('workitem.timer_failure', '');

CREATE TABLE workitem.timer_stats (
    action        text PRIMARY KEY,
    done          bigint NOT NULL DEFAULT 0,
    failed        bigint NOT NULL DEFAULT 0,
    last_tick_at  timestamptz,
    last_done_at  timestamptz,
    last_error    text,
    last_error_at timestamptz,
    last_tick_by  text      -- who called workitem_tick: role (login role); 'workitem timer': the worker
);
COMMENT ON TABLE workitem.timer_stats IS
    'What the timer did since the extension was created, per kind of action (lease_expire: '
    'leases that ran out and gave the item back; lease_expire.error: those that sent it to '
    'error): items acted on, failures, the last tick, who ran it and the last error. Read it '
    'through workitem.timer_status.';
INSERT INTO workitem.timer_stats (action)
VALUES ('activate'), ('resume'), ('lease_expire'), ('lease_expire.error'), ('expire'),
       ('deadline.escalate'),
       ('deadline.reoffer'), ('deadline.allocate_admin'), ('deadline.notify'),
       ('deadline.expire'), ('purge.items'), ('purge.idempotency_keys'),
       ('purge.event_partitions');

ALTER TABLE workitem.timer_failure ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.timer_failure FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.timer_stats ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.timer_stats FORCE ROW LEVEL SECURITY;

CREATE FUNCTION workitem.drop_event_partition(partition oid) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Partitions made by CREATE EXTENSION belong to it and must leave it before they can go.
    IF EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = partition
                  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e') THEN
        EXECUTE format('ALTER EXTENSION workitem DROP TABLE %s', partition::regclass);
    END IF;
    EXECUTE format('DROP TABLE %s', partition::regclass);
END;
$$;
COMMENT ON FUNCTION workitem.drop_event_partition(oid) IS
    'Drops one partition of workitem.event (retention; the timer calls it with the event table '
    'already locked).';

-- The timer's partition upkeep, apart from workitem_tick: it locks the whole event table, which
-- every operation of every tenant writes to, so it must never run inside a caller's longer
-- transaction. The background worker runs it in a transaction of its own after each tick;
-- without the worker a superuser schedules it (pg_cron) in a transaction of its own.
CREATE FUNCTION workitem.maintain_event_partitions()
    RETURNS TABLE (dropped integer, created integer)
    AS 'MODULE_PATHNAME', 'workitem_maintain_event_partitions'
    LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.maintain_event_partitions() IS
$$The event partitions' upkeep, which the background worker does after every tick and
workitem_tick does not: drops the monthly partitions of workitem.event past
workitem.event_retention (held back by event consumers for at most
workitem.event_consumer_max_hold; consumers whose undelivered events were dropped are marked),
then creates the partitions of this month and the next two (UTC months) that are missing. Each
part takes the event table's exclusive lock only if it is free at once, and holds it until the
transaction ends: call it alone in its own transaction (pg_cron: SELECT * FROM
workitem.maintain_event_partitions()). A partition that cannot be created (it would overlap one
made otherwise) is skipped with a warning; its events go to workitem.event_default.
Superusers only. Returns how many partitions were dropped and created.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_tick', 'service');
CREATE FUNCTION @extschema@.workitem_tick(max_items integer DEFAULT 1000)
    RETURNS TABLE (action text, done bigint, failed bigint)
    AS 'MODULE_PATHNAME', 'workitem_tick'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    SET workitem.trace_context = '';
COMMENT ON FUNCTION @extschema@.workitem_tick(integer) IS
$$Does the timer's work once, in the caller's transaction: what the background worker does every
workitem.tick_interval when workitem is in shared_preload_libraries. Call it from pg_cron or an
external scheduler where the worker is not loaded. In order: expires items past expires_at;
activates items whose activate_at has come (created -> offered or allocated, as their strategy
says); resumes suspended items at suspended_until; returns items whose lease ran out to offered
(to error after max_lease_expiries expiries: the assignment's, else workitem.max_lease_expiries);
runs due deadline entries; then purges terminal items past workitem.item_retention and expired
idempotency keys. It neither drops nor creates event partitions (that locks the event table of
every tenant): workitem.maintain_event_partitions() does, in a transaction of its own. Every
action is an ordinary transition by the actor 'system': validated, versioned, one event each,
without the caller's workitem.trace_context (the tick acts on every tenant's items); the login
role that called it (and the login role, after a SET ROLE) is recorded in workitem.timer_status
(last_tick_by). Rows are taken with FOR
UPDATE SKIP LOCKED, so a tick never waits for users and two ticks never act on one item.
max_items bounds the items acted on (and the rows purged of each kind). Returns one row per kind
of action: done, and failed (refused or failing items are logged, listed in
workitem.timer_failures and retried later). Services only: it acts on, and locks until the
caller's transaction ends, every tenant's due items. Errors: WI422 max_items below 1, WI403 not a
service (a tenant's administrator, or a service acting on behalf of an end user).$$;

INSERT INTO workitem.required_capability VALUES ('workitem.timer_failures', 'admin');
CREATE VIEW workitem.timer_failures AS
    SELECT i.tenant_id, f.item_id, f.action, f.attempts, f.sqlstate, f.message,
           f.first_failed_at, f.last_failed_at, f.next_attempt_at
      FROM workitem.timer_failure f JOIN workitem.item i ON i.id = f.item_id
     WHERE i.tenant_id = (SELECT workitem.current_tenant())
       AND workitem.authorize('workitem.timer_failures');
COMMENT ON VIEW workitem.timer_failures IS
    'Items of the current tenant on which a timer action failed and waits to be retried.';

-- The counters are the cluster's; the last error's text names an item, its assignees or a
-- custom validator's reason, so only services (and superusers), who see every tenant, read the
-- cluster's last error: anyone else reads the latest failure of their own tenant.
INSERT INTO workitem.required_capability VALUES ('workitem.timer_status', 'admin');
CREATE VIEW workitem.timer_status AS
    SELECT current_database() AS database, s.action, s.last_tick_at, s.done, s.failed,
           s.last_done_at,
           CASE WHEN e.every_tenant THEN s.last_error ELSE f.message END AS last_error,
           CASE WHEN e.every_tenant THEN s.last_error_at ELSE f.last_failed_at END AS last_error_at,
           s.last_tick_by
      FROM workitem.timer_stats s
     CROSS JOIN (SELECT workitem.caller_capability() = 'service' AS every_tenant) e
      LEFT JOIN LATERAL (SELECT t.message, t.last_failed_at FROM workitem.timer_failures t
                          WHERE NOT e.every_tenant AND t.action = split_part(s.action, '.', 1)
                          ORDER BY t.last_failed_at DESC LIMIT 1) f ON true
     WHERE workitem.authorize('workitem.timer_status');
COMMENT ON VIEW workitem.timer_status IS
    'The timer per database and kind of action: when it last ticked and who ran the tick (the '
    'login role of a workitem_tick call, or workitem timer), how many items it acted on and how '
    'many failed since the extension was created (every tenant), and the last error: for services '
    'the cluster''s, for anyone else the latest failure of their own tenant.';

-- workitem.event_retention_horizon(), which the retention consults, comes with the event
-- consumers (parts/30-events.sql): nothing before the oldest event a consumer still needs goes.
