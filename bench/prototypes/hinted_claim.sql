-- A prototype, not the extension: claim_next with per-backend fronts, in PL/pgSQL, to measure
-- whether scans that start past the entries already taken keep a drain under a held xmin horizon
-- near its speed without one (bench/README.md, "Under bloat: where the time goes and what would
-- meet the target"). Loaded by bench/prototypes/run_hinted into a benchmark database only.
--
-- Each backend remembers, per (queue, principal), a front: the key (priority, due date, item id,
-- best first) of the first offer entry its last scan found visible, and a mark: the xmin of the
-- snapshot that scan ran under. The next scan of that principal reads
--   1. the entries from the front on, in key order (three index ranges that start at the front),
--   2. the entries offered by transactions from the mark on (an index on offered_xid), of which
--      those before the front are candidates too,
-- and moves the front to the first visible entry of the two and the mark to its snapshot's xmin.
-- Why nothing the actor may take is missed: every entry before the front the last scan did not
-- see was either deleted by a transaction committed before its snapshot (it never comes back) or
-- inserted by one not visible to it (xid >= its snapshot's xmin >= the new mark, so the second
-- range finds it). An entry whose deleter was still running is visible, so the front stops at it
-- and a claimer that rolls back loses nothing; a released item's entries are new rows (new xid).
-- The front is the first *visible* entry regardless of the caller's filters (task, exclusions,
-- expiry, items passed over), since the next call may be another actor's.

SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS proto;

-- The inserting transaction of each entry, and the index the second range reads.
ALTER TABLE workitem.offer ADD COLUMN IF NOT EXISTS offered_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX IF NOT EXISTS offer_offered_since ON workitem.offer (tenant_id, queue, principal, offered_xid);

CREATE SEQUENCE proto.fallbacks;

CREATE TYPE proto.entry AS (item_id bigint, priority integer, due_at timestamptz);

-- Whether a comes before b, best first (priority desc, due date asc nulls last, item id).
CREATE FUNCTION proto.before(a proto.entry, b proto.entry) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN a.priority <> b.priority THEN a.priority > b.priority
        WHEN a.due_at IS NULL AND b.due_at IS NULL THEN a.item_id < b.item_id
        WHEN a.due_at IS NULL THEN false
        WHEN b.due_at IS NULL THEN true
        WHEN a.due_at <> b.due_at THEN a.due_at < b.due_at
        ELSE a.item_id < b.item_id END
$$;

-- Up to k entries of a principal in a queue from the front f on (all of them when f is NULL), best
-- first: the ranges (f.priority, f.due_at, id >= f.item_id), (f.priority, later due dates),
-- (f.priority, no due date; from f.item_id on when f has none), (lower priorities), each an index
-- range of offer_best_first_in_queue, concatenated in order (the first two are empty when f has
-- no due date).
CREATE FUNCTION proto.entries_from(q text, p text, f proto.entry, k integer)
    RETURNS SETOF workitem.offer LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF f.item_id IS NULL THEN
        RETURN QUERY SELECT o.* FROM workitem.offer o
            WHERE o.tenant_id = 'default' AND o.queue = q AND o.principal = p
            ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT k;
        RETURN;
    END IF;
    RETURN QUERY
        (SELECT o.* FROM workitem.offer o
          WHERE o.tenant_id = 'default' AND o.queue = q AND o.principal = p
            AND o.priority = f.priority AND o.due_at = f.due_at AND o.item_id >= f.item_id
          ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT k)
        UNION ALL
        (SELECT o.* FROM workitem.offer o
          WHERE o.tenant_id = 'default' AND o.queue = q AND o.principal = p
            AND o.priority = f.priority AND o.due_at > f.due_at
          ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT k)
        UNION ALL
        (SELECT o.* FROM workitem.offer o
          WHERE o.tenant_id = 'default' AND o.queue = q AND o.principal = p
            AND o.priority = f.priority AND o.due_at IS NULL
            AND o.item_id >= CASE WHEN f.due_at IS NULL THEN f.item_id ELSE 0 END
          ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT k)
        UNION ALL
        (SELECT o.* FROM workitem.offer o
          WHERE o.tenant_id = 'default' AND o.queue = q AND o.principal = p
            AND o.priority < f.priority
          ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT k)
        LIMIT k;
END
$$;

-- The caller's filters (as claim_next's statement applies them to an entry).
CREATE FUNCTION proto.takeable(e workitem.offer, principals text[]) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT NOT (e.excluded && principals) AND (e.expires_at IS NULL OR e.expires_at > now())
$$;

-- claim_next(actor, queue, lease) through the fronts: the best candidate no other worker holds,
-- locked, then claimed by workitem_claim (eligibility, capacity, the event: the extension's own);
-- when every candidate is held, workitem_claim_next itself (counted in proto.fallbacks).
CREATE FUNCTION proto.claim_next(actor text, q text, lease integer)
    RETURNS TABLE (id bigint, version bigint) LANGUAGE plpgsql AS $$
DECLARE
    principals text[] := workitem.principals_of('default', actor);
    new_mark xid8 := pg_snapshot_xmin(pg_current_snapshot());
    k constant integer := 8;
    p text;
    setting_name text;
    parts text[];
    f proto.entry;
    nf proto.entry;
    mark xid8;
    e workitem.offer;
    x proto.entry;
    candidates proto.entry[] := '{}';
    ordered bigint[];
    got bigint;
BEGIN
    FOREACH p IN ARRAY principals LOOP
        setting_name := 'proto.front_' || md5(q || '/' || p);
        parts := string_to_array(nullif(current_setting(setting_name, true), ''), '|');
        f := NULL;
        mark := NULL;
        IF parts IS NOT NULL THEN
            f := ROW(parts[3]::bigint, parts[1]::integer, nullif(parts[2], '')::timestamptz);
            mark := parts[4]::xid8;
        END IF;
        nf := NULL;
        FOR e IN SELECT * FROM proto.entries_from(q, p, f, k) LOOP
            x := ROW(e.item_id, e.priority, e.due_at);
            IF nf.item_id IS NULL THEN nf := x; END IF;
            IF proto.takeable(e, principals) THEN candidates := candidates || x; END IF;
        END LOOP;
        IF f.item_id IS NOT NULL THEN
            FOR e IN SELECT o.* FROM workitem.offer o
                      WHERE o.tenant_id = 'default' AND o.queue = q AND o.principal = p
                        AND o.offered_xid >= mark LOOP
                x := ROW(e.item_id, e.priority, e.due_at);
                CONTINUE WHEN NOT proto.before(x, f);
                IF nf.item_id IS NULL OR proto.before(x, nf) THEN nf := x; END IF;
                IF proto.takeable(e, principals) THEN candidates := candidates || x; END IF;
            END LOOP;
        END IF;
        -- Nothing visible from the front on: it stays where it is.
        IF nf.item_id IS NULL THEN nf := f; END IF;
        IF nf.item_id IS NOT NULL THEN
            PERFORM set_config(setting_name, format('%s|%s|%s|%s', nf.priority,
                               coalesce(nf.due_at::text, ''), nf.item_id, new_mark), false);
        END IF;
    END LOOP;

    SELECT array_agg(c.item_id ORDER BY c.priority DESC, c.due_at ASC NULLS LAST, c.item_id)
      INTO ordered FROM unnest(candidates) AS c;
    SELECT i.id INTO got FROM workitem.item i
     WHERE i.id = ANY (ordered) AND i.tenant_id = 'default' AND i.state = 'offered'
       AND workitem.row_unchanged(i.tableoid, i.ctid)
     ORDER BY array_position(ordered, i.id) LIMIT 1 FOR UPDATE OF i SKIP LOCKED;
    IF got IS NULL THEN
        PERFORM nextval('proto.fallbacks');
        RETURN QUERY SELECT c.id, c.version
            FROM workitem_claim_next(actor, q, lease_seconds => lease) AS c;
        RETURN;
    END IF;
    RETURN QUERY SELECT c.id, c.version FROM workitem_claim(got, actor, lease_seconds => lease) AS c;
END
$$;
