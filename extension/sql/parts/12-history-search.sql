-- History search (docs/search.md, "History search"): the events a person made and the events that
-- put items into a state, in a time window, newest first, under the visibility of workitem_history.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- No index of its own. Every index on workitem.event takes an entry at every transition (the
-- event is written in the transaction of each claim, start and complete), so these reads use what
-- the table has: its monthly partitions (pruned to the window) and its primary key (seq,
-- occurred_at), walked backwards from the cursor with the window checked in the index. A page
-- costs at most the events of the window's partitions; the window is bounded so that is at most
-- two months (docs/search.md, "What a history search costs").
--------------------------------------------------------------------------------------------------

-- The bounds both searches share: WI422 for a missing or reversed window, one longer than
-- 31 days, a cursor that is not a seq, a page size out of 1..1000.
CREATE FUNCTION workitem.check_history_window(from_at timestamptz, to_at timestamptz,
                                              after_seq bigint, page_size integer)
    RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF from_at IS NULL OR to_at IS NULL OR NOT isfinite(from_at) OR NOT isfinite(to_at) THEN
        PERFORM workitem.raise_invalid('from_at and to_at are required (a finite time window)');
    END IF;
    IF to_at <= from_at THEN
        PERFORM workitem.raise_invalid('to_at must be after from_at');
    END IF;
    IF to_at > from_at + interval '31 days' THEN
        PERFORM workitem.raise_invalid('the window from_at .. to_at is longer than 31 days');
    END IF;
    IF after_seq IS NOT NULL AND after_seq < 1 THEN
        PERFORM workitem.raise_invalid('after_seq must be a positive event seq');
    END IF;
    IF page_size IS NULL OR page_size < 1 OR page_size > 1000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 1000');
    END IF;
END;
$$;
COMMENT ON FUNCTION workitem.check_history_window(timestamptz, timestamptz, bigint, integer) IS
    'Checks the window and paging of a history search: WI422 unless from_at < to_at, both finite, '
    'at most 31 days apart, after_seq NULL or positive, page_size 1..1000.';

-- The one page statement of both searches, run with EXECUTE ... USING (each call planned with its
-- values, so the window prunes the partitions; nothing is spliced into it). $1 tenant, $2 from_at,
-- $3 to_at, $4 after_seq, $5 page_size, $6 the reader (as workitem_history's actor), $7 the
-- actor searched for, $8 its operations, $9 the state entered. The item is looked up by its key
-- for each event the other conditions keep (OFFSET 0 keeps the planner from turning the EXISTS
-- into a hash of every item the reader may see, built by a scan of the whole item table).
CREATE FUNCTION workitem.history_page_statement() RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
    RETURN 'SELECT e.* FROM workitem.event e
             WHERE e.tenant_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3
               AND ($4 IS NULL OR e.seq < $4)
               AND ($7 IS NULL OR e.actor = $7)
               AND ($8 IS NULL OR e.operation = ANY ($8))
               AND ($9 IS NULL OR e.payload #>> ''{changes,state,new}'' = $9
                    OR e.type = ''workitem.created'' AND e.payload #>> ''{item,state}'' = $9)
               AND ((SELECT workitem.viewer_sees_all($6))
                    OR EXISTS (SELECT FROM workitem.item i
                                WHERE i.id = e.aggregateid
                                  AND workitem.visible(i.tenant_id, i.owner, i.created_by,
                                                       i.delegated_from, i.candidates,
                                                       i.administrators, $6)
                                OFFSET 0))
             ORDER BY e.seq DESC
             LIMIT $5';
COMMENT ON FUNCTION workitem.history_page_statement() IS
    'The statement of a history search page (parameters $1..$9: tenant, window, cursor, page '
    'size, reader, actor, operations, state): the visible events of the tenant in the window, '
    'newest first.';

INSERT INTO workitem.required_capability VALUES ('workitem_history_by_actor', 'reader');
CREATE FUNCTION @extschema@.workitem_history_by_actor(touched_by text, from_at timestamptz,
                                                      to_at timestamptz,
                                                      operations text[] DEFAULT NULL,
                                                      after_seq bigint DEFAULT NULL,
                                                      page_size integer DEFAULT 50,
                                                      actor text DEFAULT NULL)
    RETURNS SETOF workitem.event
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant CONSTANT text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_history_by_actor');
    -- Whom the read is done as, settled before any row is read (as workitem_history).
    PERFORM workitem.viewer(actor);
    IF touched_by IS NULL OR touched_by = '' OR octet_length(touched_by) > 1000 THEN
        PERFORM workitem.raise_invalid('touched_by is required (at most 1000 bytes)');
    END IF;
    IF operations IS NOT NULL AND (cardinality(operations) NOT BETWEEN 1 AND 32
                                   OR array_position(operations, NULL) IS NOT NULL
                                   OR EXISTS (SELECT FROM unnest(operations) AS o
                                               WHERE octet_length(o) > 64)) THEN
        PERFORM workitem.raise_invalid('operations must list 1 to 32 operation names');
    END IF;
    PERFORM workitem.check_history_window(from_at, to_at, after_seq, page_size);
    RETURN QUERY EXECUTE workitem.history_page_statement()
        USING tenant, from_at, to_at, after_seq, page_size, actor, touched_by, operations,
              NULL::text;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_history_by_actor(text, timestamptz, timestamptz, text[], bigint, integer, text) IS
$$The events touched_by made (of the operations listed, or any) that occurred in [from_at, to_at),
newest first: one row per event, its item in aggregateid. Keyset paging: pass the last row's seq
as after_seq for the next page (at most page_size rows, 1 to 1000, default 50). Only events of
items the reader may see, as workitem_history (actor: a service reads as this user). Errors:
WI422 no touched_by, a window missing, reversed or longer than 31 days, a bad operation list,
after_seq or page_size; WI403.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_history_by_state', 'reader');
CREATE FUNCTION @extschema@.workitem_history_by_state(state text, from_at timestamptz,
                                                      to_at timestamptz,
                                                      after_seq bigint DEFAULT NULL,
                                                      page_size integer DEFAULT 50,
                                                      actor text DEFAULT NULL)
    RETURNS SETOF workitem.event
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant CONSTANT text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_history_by_state');
    PERFORM workitem.viewer(actor);
    IF state IS NULL OR NOT state = ANY (enum_range(NULL::workitem.state)::text[]) THEN
        PERFORM workitem.raise_invalid(format('state %s is not a state of workitem.state',
                                              coalesce(left(state, 100), 'NULL')));
    END IF;
    PERFORM workitem.check_history_window(from_at, to_at, after_seq, page_size);
    RETURN QUERY EXECUTE workitem.history_page_statement()
        USING tenant, from_at, to_at, after_seq, page_size, actor, NULL::text, NULL::text[],
              state;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_history_by_state(text, timestamptz, timestamptz, bigint, integer, text) IS
$$The events that put an item into state (payload changes.state.new, or a created event whose item
landed in it) and occurred in [from_at, to_at), newest first: one row per event, its item in
aggregateid. Keyset paging by seq as workitem_history_by_actor. Only events of items the reader
may see, as workitem_history (actor: a service reads as this user). Errors: WI422 an unknown
state, a window missing, reversed or longer than 31 days, a bad after_seq or page_size; WI403.$$;
