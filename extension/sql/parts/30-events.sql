
--------------------------------------------------------------------------------------------------
-- Event delivery (domain.md §8, interfaces.md §4): named consumers read the committed events of
-- workitem.event in batches, PgQ-style, and finish each batch to move on; a publication serves
-- logical-replication consumers. No event row is ever updated: progress lives in
-- workitem.event_consumer. docs/events.md explains the design and the recipes.
--
-- Why snapshots and not "seq > last seq": a seq is taken when the event is written but becomes
-- visible when its transaction commits, so a reader that remembers only the last seq it saw
-- skips every event whose transaction commits after a later-numbered one. A consumer's
-- position is instead a snapshot (pg_current_snapshot()): every event whose transaction is
-- visible in it has been delivered. The next window holds the events visible in a newer
-- snapshot and not in the position; it is delivered in batches ordered by seq and becomes the
-- new position once finished.
--------------------------------------------------------------------------------------------------

-- The events of the transactions a position listed as running are found by txid (PgQ's
-- ev_txid index), as are those a lag count looks for. The value only grows, so the hot path's
-- insert lands on the rightmost leaf of this index.
CREATE INDEX event_by_txid ON workitem.event (txid);

CREATE TABLE workitem.event_consumer (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           text NOT NULL,          -- '*': the events of every tenant
    name                text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- The position: every event whose transaction is visible in this snapshot was delivered
    -- and finished. position_seq: the event sequence's last value just before it was taken,
    -- below the seq of every event of a transaction it does not list (position_snapshot).
    position            pg_snapshot NOT NULL,
    position_seq        bigint NOT NULL,
    position_at         timestamptz NOT NULL,
    -- Set by a rewind: the next window starts at this seq (the position then sees nothing).
    rewound_to_seq      bigint,
    -- The open window (all NULL when none): the events visible in window_snapshot and not in
    -- position. They are those of window_xids (in flight at the position, any seq) and those
    -- of later transactions, whose seqs lie in [window_min_seq, window_max_seq].
    window_snapshot     pg_snapshot,
    window_xids         xid8[],
    window_min_seq      bigint,
    window_max_seq      bigint,
    window_floor_seq    bigint,                 -- position_seq once the window is the position
    window_at           timestamptz,
    window_done_seq     bigint,                 -- the window's events up to here are finished
    -- The open batch (NULL when none): the window's events in (window_done_seq, batch_last_seq].
    batch_id            bigint UNIQUE,
    batch_last_seq      bigint,
    batch_size          integer,                -- its events, counted when first read
    batch_ends_window   boolean,
    batch_taken_at      timestamptz,
    finished_batches    bigint NOT NULL DEFAULT 0,
    finished_events     bigint NOT NULL DEFAULT 0,
    last_finished_seq   bigint,
    last_finished_at    timestamptz,
    UNIQUE (tenant_id, name),
    -- Set when retention dropped events this consumer had not passed (it fell further behind
    -- than workitem.event_consumer_max_hold allows): events that occurred before skipped_before
    -- may be missing from what it delivers; it moved on to what was left.
    skipped_before      timestamptz,
    skipped_at          timestamptz
);
COMMENT ON TABLE workitem.event_consumer IS
    'Named event consumers and where each stands: a snapshot position, the window being '
    'delivered and the batch handed out; and the gap retention made if it fell too far behind. '
    'A name is either a tenant''s or an all-tenants consumer''s, never both. Not in pg_dump '
    '(transaction ids do not survive a logical restore): re-create consumers after one and '
    'rewind them to last_finished_seq.';
ALTER TABLE workitem.event_consumer ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.event_consumer FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE workitem.event_batch_id AS bigint;

--------------------------------------------------------------------------------------------------
-- Internal helpers
--------------------------------------------------------------------------------------------------
-- Services (and superusers) pick their tenant per transaction and may read every tenant.
-- This one and may_use_consumer have no SET search_path, so that they are inlined into the
-- statements that call them (with it each call was planned afresh: 50 µs, three per batch).
-- Their bodies are parsed when they are created, under the install's search_path, so the
-- caller's search_path cannot change what they call.
CREATE FUNCTION workitem.caller_is_service() RETURNS boolean
    LANGUAGE sql STABLE
    RETURN workitem.caller_capability() = 'service';
COMMENT ON FUNCTION workitem.caller_is_service() IS
    'Whether the call has the service capability: a superuser or workitem_service that does not '
    'act on behalf of an end user (workitem.on_behalf).';

-- The next transaction id the server will assign (SQL can only read it by taking it).
CREATE FUNCTION workitem.next_xid() RETURNS xid8
    AS 'MODULE_PATHNAME', 'workitem_next_xid' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workitem.next_xid() IS 'The transaction id the server will assign next.';

-- A snapshot to take a position at (or end a window at), and the seq that bounds from below
-- the events of every transaction it does not cover, so that a window finds its events by seq
-- range without reading them by txid:
--   floor_seq, the sequence's last value, is read first; then the next xid; then the snapshot.
--   Every xid from the snapshot's xmax up to that next xid was assigned before the snapshot and
--   had not finished when it was taken (xmax is the latest finished xid + 1), so they are all
--   listed as running, and xmax is raised to the next xid. A transaction beyond it was given
--   its id after floor_seq was read, and it draws its events' seqs after it has an id (the
--   item trigger makes sure), so they are all above floor_seq. The calling transaction counts
--   as running too: its own events come in a later window, after its commit.
CREATE FUNCTION workitem.position_snapshot(OUT snap pg_snapshot, OUT floor_seq bigint)
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    next xid8;
    taken pg_snapshot;
    own xid8;
    running text;
BEGIN
    floor_seq := workitem.event_seq_high();
    next := workitem.next_xid();
    taken := pg_current_snapshot();
    own := pg_current_xact_id_if_assigned();
    SELECT string_agg(x::text, ',' ORDER BY x) INTO running
      FROM (SELECT pg_snapshot_xip(taken)
            UNION
            SELECT own WHERE own IS NOT NULL
            UNION
            SELECT g::text::xid8
              FROM generate_series(pg_snapshot_xmax(taken)::text::bigint,
                                   next::text::bigint - 1) AS g) AS listed(x);
    snap := format('%s:%s:%s', least(pg_snapshot_xmin(taken), own),
                   greatest(pg_snapshot_xmax(taken), next), running)::pg_snapshot;
END;
$$;
COMMENT ON FUNCTION workitem.position_snapshot() IS
    'A snapshot for a consumer''s position, and the seq below the events it does not cover.';

-- The highest seq handed out so far (0 before the first). Read after a snapshot was taken, it
-- bounds the seq of every event visible in that snapshot (nextval comes before the commit).
CREATE FUNCTION workitem.event_seq_high() RETURNS bigint
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
    RETURN (SELECT CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END
              FROM workitem.event_seq s);
COMMENT ON FUNCTION workitem.event_seq_high() IS
    'The last value workitem.event_seq handed out (0 before the first).';

-- The events of a consumer's open window with after_seq < seq <= upto_seq, in seq order: the
-- transactions in flight at the position (a short list, found by txid) merged with the later
-- ones (found by seq range, filtered by visibility). Each part is cut at max_events on its own,
-- so the seq-range part walks the index in seq order and stops early however large the window.
--
-- No SET search_path, unlike every other function here, so that the planner inlines it into
-- the calling statement: as a function of its own it was parsed and planned at every call and
-- its rows were copied into a tuplestore before the caller copied them again (more than half
-- of a 1,000-event batch's server time). Its only callers are the SECURITY DEFINER functions
-- below, whose pinned search_path it is parsed under; it names workitem.event qualified and
-- PUBLIC may not execute it.
CREATE FUNCTION workitem.window_events(consumer workitem.event_consumer, after_seq bigint,
                                       upto_seq bigint, max_events integer)
    RETURNS SETOF workitem.event
    LANGUAGE sql STABLE
AS $$
    SELECT w.* FROM (
        -- txid >= xmax(position) is written as a function call so that it is no index
        -- condition: inlined with the window's values, the planner took event_by_txid for it
        -- and sorted the whole rest of the window by seq for every batch.
        (SELECT e.* FROM workitem.event e
          WHERE e.seq > after_seq AND e.seq >= consumer.window_min_seq AND e.seq <= upto_seq
            AND xid8ge(e.txid, pg_snapshot_xmax(consumer.position))
            AND pg_visible_in_snapshot(e.txid, consumer.window_snapshot)
            AND (consumer.tenant_id = '*' OR e.tenant_id = consumer.tenant_id)
          ORDER BY e.seq
          LIMIT max_events)
        UNION ALL
        -- Found by txid alone: with the seq bounds inside the fence the planner walked the
        -- window's seq range instead (it cannot see how short window_xids is), so every batch
        -- re-read the rest of the window. OFFSET 0 keeps the outer conditions out.
        (SELECT e.* FROM (SELECT f.* FROM workitem.event f
                           WHERE f.txid = ANY (consumer.window_xids)
                          OFFSET 0) AS e
          WHERE e.seq > after_seq AND e.seq <= upto_seq
            AND (consumer.tenant_id = '*' OR e.tenant_id = consumer.tenant_id)
          ORDER BY e.seq
          LIMIT max_events)
    ) AS w
    ORDER BY w.seq
    LIMIT max_events
$$;
COMMENT ON FUNCTION workitem.window_events(workitem.event_consumer, bigint, bigint, integer) IS
    'The events of the consumer''s open window after after_seq up to upto_seq, ordered by seq.';

-- Opens the next window: from the position to a snapshot taken now. Returns false (and moves
-- the position there) when nothing committed in between.
CREATE FUNCTION workitem.open_window(consumer_id bigint) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c workitem.event_consumer;
    taken record := workitem.position_snapshot();
    max_seq bigint := workitem.event_seq_high();      -- after the snapshot, never before
    xids xid8[];
    min_seq bigint;
BEGIN
    SELECT * INTO STRICT c FROM workitem.event_consumer WHERE id = consumer_id;
    xids := ARRAY(SELECT x FROM pg_snapshot_xip(c.position) AS x
                   WHERE pg_visible_in_snapshot(x, taken.snap) ORDER BY x);
    -- After a rewind the position sees nothing: every txid is in range, from the rewound seq.
    -- Otherwise the transactions the position does not list wrote above its seq.
    min_seq := coalesce(c.rewound_to_seq, c.position_seq + 1);
    IF c.rewound_to_seq IS NULL AND max_seq < min_seq AND cardinality(xids) = 0 THEN
        -- No seq drawn since the position, no transaction it listed as running committed.
        UPDATE workitem.event_consumer
           SET position = taken.snap, position_seq = taken.floor_seq,
               position_at = clock_timestamp()
         WHERE id = consumer_id;
        RETURN false;
    END IF;
    UPDATE workitem.event_consumer
       SET window_snapshot = taken.snap, window_xids = xids, window_min_seq = min_seq,
           window_max_seq = max_seq, window_floor_seq = taken.floor_seq,
           window_at = clock_timestamp(), window_done_seq = 0, rewound_to_seq = NULL
     WHERE id = consumer_id;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION workitem.open_window(bigint) IS
    'Opens a consumer''s next window of committed events; false when there is nothing new.';

-- The window was delivered entirely: its snapshot becomes the position.
CREATE FUNCTION workitem.close_window(consumer_id bigint) RETURNS void
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE workitem.event_consumer
       SET position = window_snapshot, position_seq = window_floor_seq, position_at = window_at,
           window_snapshot = NULL, window_xids = NULL, window_min_seq = NULL,
           window_max_seq = NULL, window_floor_seq = NULL, window_at = NULL,
           window_done_seq = NULL
     WHERE id = consumer_id;
$$;
COMMENT ON FUNCTION workitem.close_window(bigint) IS
    'Makes a fully delivered window''s snapshot the consumer''s position.';

CREATE FUNCTION workitem.check_consumer_name(consumer text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF consumer IS NULL OR consumer = '' OR length(consumer) > 200 THEN
        PERFORM workitem.raise_invalid('consumer must be a name of 1 to 200 characters');
    END IF;
END;
$$;
COMMENT ON FUNCTION workitem.check_consumer_name(text) IS
    'Raises WI422 unless the consumer name is 1 to 200 characters.';

-- Who may use a consumer: callers acting in its tenant; services also the all-tenants ones.
CREATE FUNCTION workitem.may_use_consumer(consumer_tenant text) RETURNS boolean
    LANGUAGE sql STABLE
    RETURN consumer_tenant = workitem.current_tenant()
        OR (consumer_tenant = '*' AND workitem.caller_is_service());
COMMENT ON FUNCTION workitem.may_use_consumer(text) IS
    'Whether the caller may use a consumer of this tenant (''*'': every tenant, services only).';

-- A consumer by name, locked: the caller's tenant's, else (for services) the all-tenants one.
-- A name is never both (workitem_consumer_create), so a service's call names one consumer.
CREATE FUNCTION workitem.lock_consumer(consumer text) RETURNS workitem.event_consumer
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c workitem.event_consumer;
BEGIN
    PERFORM workitem.caller_is_service();  -- WI403 for a role naming a tenant not its own
    PERFORM workitem.check_consumer_name(consumer);
    SELECT * INTO c FROM workitem.event_consumer k
     WHERE k.name = consumer AND workitem.may_use_consumer(k.tenant_id)
     ORDER BY k.tenant_id = '*'
     LIMIT 1
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'consumer % not found', consumer USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant()),
            HINT = 'Create it with workitem_consumer_create.';
    END IF;
    RETURN c;
END;
$$;
COMMENT ON FUNCTION workitem.lock_consumer(text) IS
    'The named consumer the caller may use, locked FOR UPDATE; WI404 if there is none.';

-- The consumer holding an open batch, locked, if the caller may use it.
CREATE FUNCTION workitem.lock_batch(batch_id bigint) RETURNS workitem.event_consumer
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c workitem.event_consumer;
BEGIN
    PERFORM workitem.caller_is_service();  -- WI403 for a role naming a tenant not its own
    IF batch_id IS NULL THEN
        PERFORM workitem.raise_invalid('batch_id is required');
    END IF;
    -- The tenant is checked before the lock: another tenant's consumer row is neither locked
    -- nor waited for (which would tell whether its batch is in use).
    SELECT * INTO c FROM workitem.event_consumer k
     WHERE k.batch_id = lock_batch.batch_id AND workitem.may_use_consumer(k.tenant_id)
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'batch % not found', batch_id USING ERRCODE = 'WI404',
            DETAIL = 'No open batch has this id in this tenant: it was finished, or its consumer '
                     'was rewound or dropped.',
            HINT = 'Take the next batch with workitem_next_batch.';
    END IF;
    RETURN c;
END;
$$;
COMMENT ON FUNCTION workitem.lock_batch(bigint) IS
    'The consumer whose open batch this is, locked FOR UPDATE; WI404 if none the caller may use.';

-- The events of a consumer's open batch, in seq order: its window's events in
-- (window_done_seq, batch_last_seq], of which there are at most as many as the seqs it spans.
-- No SET search_path, like window_events, so that both are inlined into the caller's statement.
CREATE FUNCTION workitem.batch_events_of(consumer workitem.event_consumer)
    RETURNS SETOF workitem.event
    LANGUAGE sql STABLE
AS $$
    SELECT * FROM workitem.window_events(
        consumer, consumer.window_done_seq, consumer.batch_last_seq,
        least(consumer.batch_last_seq - consumer.window_done_seq, 100000)::integer)
$$;
COMMENT ON FUNCTION workitem.batch_events_of(workitem.event_consumer) IS
    'The events of the consumer''s open batch, ordered by seq.';

--------------------------------------------------------------------------------------------------
-- The consumer API
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_consumer_create', 'admin');
CREATE FUNCTION @extschema@.workitem_consumer_create(consumer text, all_tenants boolean DEFAULT false)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up or locked for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_consumer_create');
    tenant text := workitem.current_tenant();
    scope text;
    taken record := workitem.position_snapshot();
    created bigint;
BEGIN
    PERFORM workitem.check_consumer_name(consumer);
    IF all_tenants IS NULL THEN
        PERFORM workitem.raise_invalid('all_tenants must be true or false');
    END IF;
    IF all_tenants AND NOT workitem.caller_is_service() THEN
        RAISE EXCEPTION 'only a workitem_service may create a consumer of every tenant'
            USING ERRCODE = 'WI403', DETAIL = format('role %s', workitem.viewer()),
                  HINT = 'Create a consumer of your tenant (all_tenants => false).';
    END IF;
    scope := CASE WHEN all_tenants THEN '*' ELSE tenant END;
    -- Creations of one name in the two scopes take turns (an all-tenants creation holds the name
    -- alone; tenants creating it share it, so one tenant never waits for another), and so do
    -- creations in one scope, so that the checks below hold under concurrency. The keys are the
    -- database's secret ones (workitem.lock_key): no other role can hold them.
    IF scope = '*' THEN
        PERFORM pg_advisory_xact_lock(workitem.lock_key('consumer name/' || consumer));
    ELSE
        PERFORM pg_advisory_xact_lock_shared(workitem.lock_key('consumer name/' || consumer));
    END IF;
    PERFORM pg_advisory_xact_lock(workitem.lock_key('consumer scope/' || scope));
    IF EXISTS (SELECT FROM workitem.event_consumer k
                WHERE k.name = consumer AND k.tenant_id = scope) THEN
        RETURN false;
    END IF;
    -- A name is a tenant's consumer or an all-tenants one, never both: lock_consumer would
    -- otherwise give a service's call in that tenant the tenant's consumer, which the tenant's
    -- administrator controls.
    IF EXISTS (SELECT FROM workitem.event_consumer k
                WHERE k.name = consumer AND (k.tenant_id = '*') <> (scope = '*')) THEN
        RAISE EXCEPTION 'consumer name % is taken', consumer USING ERRCODE = 'WI409',
            DETAIL = CASE WHEN scope = '*' THEN 'A tenant has a consumer of this name.'
                          ELSE 'A consumer of every tenant has this name.' END,
            HINT = 'Choose another name: a name belongs either to consumers of single tenants '
                   'or to one consumer of every tenant.';
    END IF;
    IF (SELECT count(*) FROM workitem.event_consumer k WHERE k.tenant_id = scope)
       >= current_setting('workitem.max_consumers_per_tenant')::integer THEN
        RAISE EXCEPTION 'too many event consumers' USING ERRCODE = 'WI422',
            DETAIL = format('tenant %s has %s, the most workitem.max_consumers_per_tenant allows',
                            scope, current_setting('workitem.max_consumers_per_tenant')),
            HINT = 'Drop consumers nobody reads any more (workitem_consumer_drop).';
    END IF;
    INSERT INTO workitem.event_consumer (tenant_id, name, position, position_seq, position_at)
    VALUES (scope, consumer, taken.snap, taken.floor_seq, clock_timestamp())
    RETURNING id INTO created;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_consumer_create(text, boolean) IS
$$Creates a named event consumer in the caller's tenant (all_tenants => true: of every tenant,
workitem_service only). It receives the events committed from now on; rewind it to replay older
ones (workitem_consumer_rewind(consumer, to_seq => 0) replays all that retention kept). Returns
true if created, false if it existed already (so a relay may call it at every start). A name
belongs either to consumers of single tenants or to one consumer of every tenant, never both, so
that a service's calls always reach its all-tenants consumer. A tenant (the all-tenants consumers
counting as one) has at most workitem.max_consumers_per_tenant consumers (default 100).
Errors: WI422 bad name or too many consumers, WI403 all_tenants without workitem_service,
WI409 the name is taken by a consumer of the other scope.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_consumer_drop', 'admin');
CREATE FUNCTION @extschema@.workitem_consumer_drop(consumer text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up or locked for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_consumer_drop');
    doomed workitem.event_consumer := workitem.lock_consumer(consumer);
BEGIN
    DELETE FROM workitem.event_consumer WHERE id = doomed.id;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_consumer_drop(text) IS
$$Drops a consumer and its position; its open batch, if any, can no longer be finished. Drop
consumers nobody reads any more: retention keeps every event a consumer has not passed.
Errors: WI404 no such consumer, WI422 bad name.$$;

-- Generic plans: the plan cache kept planning the window's first-event query afresh at every
-- call (0.6 ms, most of the call), its generic plan being the same index walk.
INSERT INTO workitem.required_capability VALUES ('workitem_next_batch', 'admin');
CREATE FUNCTION @extschema@.workitem_next_batch(consumer text, max_events integer DEFAULT 1000)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    -- First: nothing is looked up or locked for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_next_batch');
    c workitem.event_consumer;
    opened_now boolean := false;
    first_seq bigint;
    last_seq bigint;
BEGIN
    IF max_events IS NULL OR max_events < 1 OR max_events > 100000 THEN
        PERFORM workitem.raise_invalid('max_events must be between 1 and 100000');
    END IF;
    c := workitem.lock_consumer(consumer);
    IF c.batch_id IS NOT NULL THEN
        RETURN c.batch_id;   -- not finished yet: the same batch again (its consumer crashed?)
    END IF;
    LOOP
        IF c.window_snapshot IS NULL THEN
            IF NOT workitem.open_window(c.id) THEN
                RETURN NULL;
            END IF;
            opened_now := true;
            SELECT * INTO STRICT c FROM workitem.event_consumer WHERE id = c.id;
        END IF;
        -- The batch is the window's events from its first undelivered one up to max_events seqs
        -- on: at most max_events events (a seq is unique), fewer where seqs were skipped (rolled
        -- back, other tenants', delivered by an earlier window). Only that first event is read
        -- here; workitem_batch_events reads the batch, once, and counts it.
        SELECT w.seq INTO first_seq
          FROM workitem.window_events(c, c.window_done_seq, c.window_max_seq, 1) AS w;
        EXIT WHEN first_seq IS NOT NULL;
        -- The rest of the window was empty (or held other tenants' events only): move on.
        PERFORM workitem.close_window(c.id);
        IF opened_now THEN
            RETURN NULL;
        END IF;
        SELECT * INTO STRICT c FROM workitem.event_consumer WHERE id = c.id;
    END LOOP;
    last_seq := least(first_seq + max_events - 1, c.window_max_seq);
    UPDATE workitem.event_consumer
       SET batch_id = nextval('workitem.event_batch_id'), batch_last_seq = last_seq,
           batch_size = NULL, batch_ends_window = last_seq >= c.window_max_seq,
           batch_taken_at = clock_timestamp()
     WHERE id = c.id
    RETURNING batch_id INTO c.batch_id;
    RETURN c.batch_id;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_next_batch(text, integer) IS
$$Takes the consumer's next batch of committed events (at most max_events; a batch spans at most
max_events seqs, so it holds fewer where seqs are missing: after rolled-back transactions, and
for a tenant's consumer where other tenants' events lie between its own) and returns its id, or
NULL when nothing new has committed. Returns at once: wait between empty polls (or register
with workitem_await_events first and wait for its notification). A batch holds only events whose transactions committed, in seq
order, and nothing is skipped when transactions commit out of seq order: an event numbered
before one already delivered comes in a later batch once its transaction commits. Every item's
events arrive in aggregate_version order. While a batch is not finished, every call returns it
again. Read it with workitem_batch_events, then workitem_finish_batch.
Errors: WI404 no such consumer, WI422 bad name or max_events outside 1..100000.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_batch_events', 'admin');
CREATE FUNCTION @extschema@.workitem_batch_events(batch_id bigint) RETURNS SETOF workitem.event
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up or locked for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_batch_events');
    c workitem.event_consumer := workitem.lock_batch(batch_id);
    delivered integer;
BEGIN
    RETURN QUERY SELECT * FROM workitem.batch_events_of(c);
    IF c.batch_size IS NULL THEN   -- the first read of this batch counts it, for finish
        GET DIAGNOSTICS delivered = ROW_COUNT;
        UPDATE workitem.event_consumer SET batch_size = delivered WHERE id = c.id;
    END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_batch_events(bigint) IS
$$The events of an open batch, ordered by seq; the same rows every time until it is finished.
Deliver them, then call workitem_finish_batch (in the same transaction as your own writes for
exactly-once; otherwise at-least-once: deduplicate on the event id).
Errors: WI404 no such open batch, WI422 batch_id NULL.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_finish_batch', 'admin');
CREATE FUNCTION @extschema@.workitem_finish_batch(batch_id bigint) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up or locked for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_finish_batch');
    c workitem.event_consumer := workitem.lock_batch(batch_id);
BEGIN
    IF c.batch_size IS NULL THEN   -- finished unread: count it here
        SELECT count(*) INTO c.batch_size FROM workitem.batch_events_of(c);
    END IF;
    UPDATE workitem.event_consumer
       SET window_done_seq = c.batch_last_seq, batch_id = NULL, batch_last_seq = NULL,
           batch_size = NULL, batch_ends_window = NULL, batch_taken_at = NULL,
           finished_batches = finished_batches + 1, finished_events = finished_events + c.batch_size,
           last_finished_seq = c.batch_last_seq, last_finished_at = clock_timestamp()
     WHERE id = c.id;
    IF c.batch_ends_window THEN
        PERFORM workitem.close_window(c.id);
    END IF;
    RETURN c.batch_size;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_finish_batch(bigint) IS
$$Marks an open batch delivered: the consumer's next batch starts after it. Returns the number of
events it held. Errors: WI404 no such open batch (already finished, rewound, dropped),
WI422 batch_id NULL.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_consumer_rewind', 'admin');
CREATE FUNCTION @extschema@.workitem_consumer_rewind(consumer text, to_seq bigint DEFAULT NULL,
                                                     to_time timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up or locked for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_consumer_rewind');
    c workitem.event_consumer := workitem.lock_consumer(consumer);
    from_seq bigint := to_seq;
    from_time timestamptz;
    kept_since timestamptz := workitem.event_retention_start();
BEGIN
    IF (to_seq IS NULL) = (to_time IS NULL) THEN
        PERFORM workitem.raise_invalid('give either to_seq or to_time');
    END IF;
    IF to_seq < 0 THEN
        PERFORM workitem.raise_invalid('to_seq must not be negative');
    END IF;
    -- Only the consumer's tenant's events are looked at (walking the primary key in seq order
    -- within the partitions that can hold them), and never before the retention period.
    IF to_time IS NOT NULL THEN
        SELECT e.seq INTO from_seq FROM workitem.event e
         WHERE e.occurred_at >= greatest(to_time, kept_since)
           AND (c.tenant_id = '*' OR e.tenant_id = c.tenant_id)
         ORDER BY e.seq LIMIT 1;
        from_seq := coalesce(from_seq, workitem.event_seq_high() + 1);
    END IF;
    SELECT e.occurred_at INTO from_time FROM workitem.event e
     WHERE e.seq >= from_seq AND (c.tenant_id = '*' OR e.tenant_id = c.tenant_id)
     ORDER BY e.seq LIMIT 1;
    -- The position sees no transaction ('3:3:', 3 being the first normal xid): the next window
    -- holds every committed event from from_seq on. Its time, which holds retention back, is
    -- never before the retention period.
    UPDATE workitem.event_consumer
       SET position = '3:3:', position_seq = from_seq - 1,
           position_at = greatest(coalesce(least(from_time, to_time), to_time, from_time,
                                           clock_timestamp()), kept_since),
           rewound_to_seq = from_seq,
           window_snapshot = NULL, window_xids = NULL, window_min_seq = NULL,
           window_max_seq = NULL, window_floor_seq = NULL, window_at = NULL,
           window_done_seq = NULL, batch_id = NULL, batch_last_seq = NULL, batch_size = NULL,
           batch_ends_window = NULL, batch_taken_at = NULL
     WHERE id = c.id;
    RETURN from_seq;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_consumer_rewind(text, bigint, timestamptz) IS
$$Moves a consumer back (or forward) so that its next batches deliver again every committed
event from seq to_seq on, or from the first event that occurred at or after to_time (give one
of the two). Events before that point still in flight are delivered once they commit. Its open
batch, if any, is abandoned. Returns the seq it now starts from; events that retention dropped
are gone (the aggregate_version gap shows it). Errors: WI404 no such consumer, WI422 neither or
both of to_seq and to_time, or a negative to_seq. A rewind never reaches before the retention
period (now() - workitem.event_retention): a to_time before it counts as its start, and the
consumer holds back retention from there at most.$$;

--------------------------------------------------------------------------------------------------
-- Lag and retention
--------------------------------------------------------------------------------------------------
-- The start of the retention period (now() - workitem.event_retention; NULL: events are kept
-- forever). pg_settings gives the setting in seconds whatever unit it was written in.
CREATE FUNCTION workitem.event_retention_start() RETURNS timestamptz
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT now() - s.setting::bigint * interval '1 second' FROM pg_settings s
     WHERE s.name = 'workitem.event_retention' AND s.setting::bigint > 0
$$;
COMMENT ON FUNCTION workitem.event_retention_start() IS
    'now() - workitem.event_retention: the oldest event retention keeps (NULL: all are kept).';

-- Committed events not visible in a snapshot, up to a limit: those of the transactions it saw
-- running and of every later one (both found by txid).
CREATE FUNCTION workitem.events_after(snap pg_snapshot, tenant text, count_limit integer)
    RETURNS bigint
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*) FROM (SELECT FROM workitem.event e
                           WHERE (e.txid >= pg_snapshot_xmax(snap)
                                  OR e.txid = ANY (ARRAY(SELECT pg_snapshot_xip(snap))))
                             AND (tenant = '*' OR e.tenant_id = tenant)
                           LIMIT count_limit) AS later
$$;
COMMENT ON FUNCTION workitem.events_after(pg_snapshot, text, integer) IS
    'Committed events of the tenant (''*'': all) not visible in the snapshot, up to count_limit.';
-- How many committed events a consumer has not finished, counted up to a limit: the rest of
-- its open window, then what committed after the window's snapshot (or its position's). Each
-- part is found by its own index, so a large backlog costs at most count_limit rows.
CREATE FUNCTION workitem.consumer_backlog(consumer workitem.event_consumer, count_limit integer)
    RETURNS bigint
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        WHEN consumer.window_snapshot IS NOT NULL THEN
            (SELECT count(*) FROM workitem.window_events(consumer, consumer.window_done_seq,
                                                         consumer.window_max_seq, count_limit))
            + workitem.events_after(consumer.window_snapshot, consumer.tenant_id, count_limit)
        WHEN consumer.rewound_to_seq IS NOT NULL THEN
            (SELECT count(*) FROM (SELECT FROM workitem.event e
                                    WHERE e.seq >= consumer.rewound_to_seq
                                      AND (consumer.tenant_id = '*' OR e.tenant_id = consumer.tenant_id)
                                    LIMIT count_limit) AS rewound)
        ELSE workitem.events_after(consumer.position, consumer.tenant_id, count_limit)
    END
$$;
COMMENT ON FUNCTION workitem.consumer_backlog(workitem.event_consumer, integer) IS
    'Committed events the consumer has not finished, counted up to count_limit.';

INSERT INTO workitem.required_capability VALUES ('workitem.event_lag_rows', 'admin');
CREATE FUNCTION workitem.event_lag_rows()
    RETURNS TABLE (kind text, name text, tenant_id text, events_behind bigint,
                   seconds_behind double precision, wal_bytes_behind numeric, open_batch bigint,
                   last_finished_at timestamptz, active boolean, status text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    service boolean := workitem.caller_is_service();
BEGIN
    RETURN QUERY
        SELECT 'consumer', c.name, c.tenant_id, b.events,
               CASE WHEN b.events > 0
                    THEN extract(epoch FROM clock_timestamp() - c.position_at)::double precision
                    ELSE 0 END,
               NULL::numeric, c.batch_id, c.last_finished_at, c.batch_id IS NOT NULL,
               CASE WHEN b.events >= 100000 THEN 'far behind'
                    WHEN c.skipped_before IS NOT NULL
                    THEN format('skipped events before %s', c.skipped_before)
                    ELSE 'ok' END
          FROM workitem.event_consumer c
               CROSS JOIN LATERAL (SELECT workitem.consumer_backlog(c, 100000) AS events) b
         WHERE workitem.may_use_consumer(c.tenant_id)
         ORDER BY c.tenant_id, c.name;
    IF NOT service THEN
        RETURN;  -- slots carry every tenant's events
    END IF;
    -- Logical replication slots of this database: how much WAL they hold back. The lag in time is
    -- known only while a walsender streams to them.
    RETURN QUERY
        SELECT 'logical_slot', s.slot_name::text, '*', NULL::bigint,
               extract(epoch FROM coalesce(r.replay_lag, r.flush_lag, r.write_lag))::double precision,
               pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn), NULL::bigint,
               NULL::timestamptz, s.active, s.wal_status
          FROM pg_replication_slots s
               LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
         WHERE s.slot_type = 'logical' AND s.database = current_database()
         ORDER BY s.slot_name;
END;
$$;
COMMENT ON FUNCTION workitem.event_lag_rows() IS 'The rows of the view workitem.event_lag.';

INSERT INTO workitem.required_capability VALUES ('workitem.event_lag', 'admin');
CREATE VIEW workitem.event_lag AS
    SELECT * FROM workitem.event_lag_rows() WHERE workitem.authorize('workitem.event_lag');
COMMENT ON VIEW workitem.event_lag IS
$$How far behind each event consumer of the caller's tenant is (kind 'consumer'): committed
events not yet finished (counted up to 100000; status 'far behind' then), at most how long the
oldest of them has waited since it committed, the open batch (active while one is). For
services also each logical replication slot of this database (kind 'logical_slot'): WAL bytes
not yet confirmed, the streaming lag in seconds while connected, active, and wal_status as
status ('lost': PostgreSQL removed WAL the slot needed; re-create the subscription and replay
from a consumer cursor). Retention keeps every event a consumer has not passed, for at most
workitem.event_consumer_max_hold past workitem.event_retention: a consumer further behind has
the events past it dropped anyway and its status says 'skipped events before <time>'. Watch for
consumers nobody reads any more.$$;

-- Retention coordination (the timer drops event partitions): the oldest event time some
-- consumer may still need. A consumer has delivered everything committed before its position was
-- taken; events committed later carry the start time of their transaction, so an open
-- transaction older than the position holds it back too.
CREATE FUNCTION workitem.event_consumers_horizon() RETURNS timestamptz
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT least(min(c.position_at),
                 (SELECT min(a.xact_start) FROM pg_stat_activity a
                   WHERE a.datname = current_database()))
      FROM workitem.event_consumer c
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION workitem.event_consumers_horizon() IS
    'The oldest occurred_at an event consumer may still need (NULL: no consumer): events '
    'older than this were delivered to every consumer. Retention drops only older partitions.';

-- The timers' retention (parts/20-timers.sql, extension/pg/timers/retention.cpp) asks this how far
-- it may drop events: the retention period, held back by the consumers.
CREATE FUNCTION workitem.event_retention_horizon(retention_horizon timestamptz)
    RETURNS timestamptz
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    RETURN least(retention_horizon, workitem.event_consumers_horizon());
COMMENT ON FUNCTION workitem.event_retention_horizon(timestamptz) IS
    'The time before which events may be dropped, given now() - workitem.event_retention: the '
    'earlier of that time and the oldest event some consumer has not passed '
    '(workitem.event_consumers_horizon()).';

--------------------------------------------------------------------------------------------------
-- Logical replication and wake-ups
--------------------------------------------------------------------------------------------------
CREATE FUNCTION workitem.create_publication(publication text DEFAULT 'workitem_events',
                                            tenant text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF publication IS NULL OR publication = '' OR length(publication) > 63 THEN
        PERFORM workitem.raise_invalid('publication must be a name of 1 to 63 characters');
    END IF;
    IF tenant = '' THEN
        PERFORM workitem.raise_invalid('tenant must be a tenant id, or NULL for every tenant');
    END IF;
    IF EXISTS (SELECT FROM pg_publication p WHERE p.pubname = publication) THEN
        RAISE EXCEPTION 'publication % already exists', publication USING ERRCODE = 'WI409',
            HINT = 'DROP PUBLICATION it first, or choose another name.';
    END IF;
    -- Inserts only (the table is insert-only; retention drops partitions, which publishes
    -- nothing), under the partitioned table's name so subscribers need no partitions.
    EXECUTE format('CREATE PUBLICATION %I FOR TABLE workitem.event %s '
                   'WITH (publish = ''insert'', publish_via_partition_root = true)',
                   publication,
                   CASE WHEN tenant IS NULL THEN '' ELSE format('WHERE (tenant_id = %L)', tenant) END);
    RETURN publication;
END;
$$;
COMMENT ON FUNCTION workitem.create_publication(text, text) IS
$$Creates the publication logical-replication consumers subscribe to (Debezium, a subscriber
PostgreSQL, pg_recvlogical): workitem.event, inserts only, published as the partitioned table
(publish_via_partition_root), every tenant's events or one tenant's (a row filter). Needs
wal_level = logical to be of use. The publication is not part of the extension: DROP EXTENSION
leaves it (empty), pg_dump keeps it. Superusers only. Returns its name.
Errors: WI409 it exists, WI422 bad name.$$;

CREATE FUNCTION workitem.notify_events_committed() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Identical notifications of one transaction are folded into one, sent at commit.
    PERFORM pg_notify('workitem_events', '');
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION workitem.notify_events_committed() IS
    'Trigger on workitem.event: NOTIFY workitem_events, at most once per transaction.';
CREATE TRIGGER event_wakeup AFTER INSERT ON workitem.event
    FOR EACH STATEMENT EXECUTE FUNCTION workitem.notify_events_committed();
ALTER TABLE workitem.event DISABLE TRIGGER event_wakeup;

INSERT INTO workitem.required_capability VALUES ('workitem_event_notify', 'superuser');
CREATE FUNCTION @extschema@.workitem_event_notify(enabled boolean) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF enabled IS NULL THEN
        PERFORM workitem.raise_invalid('enabled must be true or false');
    END IF;
    IF enabled THEN
        ALTER TABLE workitem.event ENABLE TRIGGER event_wakeup;
    ELSE
        ALTER TABLE workitem.event DISABLE TRIGGER event_wakeup;
    END IF;
    RETURN enabled;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_event_notify(boolean) IS
$$Release 0.1.0's wake-up, kept for its callers: prefer workitem_await_events, which costs a
commit nothing while nobody waits. Switches it on or off (off after install): when on, every
transaction that writes events sends one NOTIFY workitem_events at commit (never one per event),
so a consumer may LISTEN workitem_events and call workitem_next_batch when woken, polling still
as a fallback (a notification is lost while disconnected). Cost: a committing transaction with a
pending NOTIFY takes a cluster-wide lock, so writers' commits are serialised; leave it off under
many concurrent writers. Superusers only. Errors: WI422 enabled NULL.$$;
