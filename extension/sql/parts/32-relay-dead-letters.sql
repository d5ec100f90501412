-- The relay's dead letters (issue 22, client/relay: docs/relay.md).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).
--------------------------------------------------------------------------------------------------
-- The relay's dead letters (docs/relay.md, Dead letters): events a sink of workitem-relay gave up
-- on (a permanent refusal, or its last attempt), kept with the event row as it was delivered, under
-- the tenant of the event. A tenant's administrators see their tenant's; services see every
-- tenant's (they run the all-tenants relays). Written and resolved only through the functions
-- below, which check the caller; the table is insert-and-resolve: a dead letter is never deleted
-- by them, only marked replayed or dropped.
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem.relay_dead_letter', 'admin');
CREATE TABLE workitem.relay_dead_letter (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         text NOT NULL,
    sink              text NOT NULL CHECK (length(sink) BETWEEN 1 AND 200),
    consumer          text NOT NULL CHECK (length(consumer) BETWEEN 1 AND 200),
    event_id          uuid NOT NULL,
    event_seq         bigint NOT NULL,
    aggregateid       bigint NOT NULL,
    aggregate_version bigint NOT NULL,
    event_type        text NOT NULL,
    event             jsonb NOT NULL,
    reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    error             text CHECK (length(error) <= 2000),
    attempts          integer NOT NULL CHECK (attempts >= 1),
    dead_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    dead_by           text NOT NULL,
    state             text NOT NULL DEFAULT 'dead' CHECK (state IN ('dead', 'replayed', 'dropped')),
    resolved_at       timestamptz,
    resolved_by       text,
    UNIQUE (sink, event_id)
);
CREATE INDEX relay_dead_letter_by_state ON workitem.relay_dead_letter (state, tenant_id, id);
SELECT pg_catalog.pg_extension_config_dump('workitem.relay_dead_letter', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.relay_dead_letter_id_seq', '');
COMMENT ON TABLE workitem.relay_dead_letter IS
    'Events a workitem-relay sink gave up on, with why, how often it tried and the event row (to_jsonb) '
    'as it was delivered; state dead until an operator replays or drops it (docs/relay.md).';
ALTER TABLE workitem.relay_dead_letter ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.relay_dead_letter FORCE ROW LEVEL SECURITY;
CREATE POLICY relay_dead_letter_tenant ON workitem.relay_dead_letter FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant())
           OR (SELECT workitem.caller_capability()) = 'service');

-- Whom a dead letter is shown to: its tenant, and services.
CREATE FUNCTION workitem.may_see_dead_letter(letter_tenant text) RETURNS boolean
    LANGUAGE sql STABLE
    RETURN letter_tenant = workitem.current_tenant() OR workitem.caller_is_service();
COMMENT ON FUNCTION workitem.may_see_dead_letter(text) IS
    'Whether the caller may see a dead letter of this tenant: its own tenant''s, or any as a service.';

INSERT INTO workitem.required_capability VALUES ('workitem.relay_dead_letter_add', 'admin');
CREATE FUNCTION workitem.relay_dead_letter_add(sink text, consumer text, event_seq bigint,
                                               event_id uuid, reason text, error text,
                                               attempts integer)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem.relay_dead_letter_add');
    e workitem.event;
    stored bigint;
BEGIN
    IF sink IS NULL OR length(sink) NOT BETWEEN 1 AND 200 THEN
        PERFORM workitem.raise_invalid('sink must be a name of 1 to 200 characters');
    END IF;
    PERFORM workitem.check_consumer_name(consumer);
    IF reason IS NULL OR length(reason) NOT BETWEEN 1 AND 200 THEN
        PERFORM workitem.raise_invalid('reason must be 1 to 200 characters');
    END IF;
    IF length(error) > 2000 THEN
        PERFORM workitem.raise_invalid('error must be at most 2000 characters');
    END IF;
    IF attempts IS NULL OR attempts < 1 THEN
        PERFORM workitem.raise_invalid('attempts must be at least 1');
    END IF;
    -- The event is read here, not taken from the caller: a dead letter holds the row as it is.
    SELECT * INTO e FROM workitem.event v
     WHERE v.seq = relay_dead_letter_add.event_seq AND v.id = relay_dead_letter_add.event_id;
    IF NOT FOUND OR NOT workitem.may_see_dead_letter(e.tenant_id) THEN
        RAISE EXCEPTION 'no such event at seq %', event_seq USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
    -- The same event for the same sink again: the batch came again after a crash (it stays as
    -- stored), or it failed again after a replay (dead again, with the new reason).
    INSERT INTO workitem.relay_dead_letter AS d
           (tenant_id, sink, consumer, event_id, event_seq, aggregateid, aggregate_version,
            event_type, event, reason, error, attempts, dead_by)
    VALUES (e.tenant_id, sink, consumer, e.id, e.seq, e.aggregateid, e.aggregate_version, e.type,
            to_jsonb(e), reason, error, attempts, session_user)
    ON CONFLICT ON CONSTRAINT relay_dead_letter_sink_event_id_key DO UPDATE
       SET state = 'dead', reason = excluded.reason, error = excluded.error,
           attempts = excluded.attempts, dead_at = excluded.dead_at, dead_by = excluded.dead_by,
           resolved_at = NULL, resolved_by = NULL
     WHERE d.state <> 'dead'
    RETURNING d.id INTO stored;
    IF stored IS NULL THEN
        SELECT d.id INTO stored FROM workitem.relay_dead_letter d
         WHERE d.sink = relay_dead_letter_add.sink AND d.event_id = e.id;
    END IF;
    RETURN stored;
END;
$$;
COMMENT ON FUNCTION workitem.relay_dead_letter_add(text, text, bigint, uuid, text, text, integer) IS
$$Records that a workitem-relay sink gave up on an event (read from workitem.event by seq and id,
under its tenant); returns the dead letter's id. The same event for the same sink again returns
the one stored, dead again if it had been replayed or dropped. Errors: WI404 no such event the
caller may see, WI422 bad input.$$;

INSERT INTO workitem.required_capability VALUES ('workitem.relay_dead_letters', 'admin');
CREATE FUNCTION workitem.relay_dead_letters(sink text DEFAULT NULL, state text DEFAULT 'dead',
                                            max_rows integer DEFAULT 100)
    RETURNS SETOF workitem.relay_dead_letter
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    authorized CONSTANT boolean := workitem.authorize('workitem.relay_dead_letters');
BEGIN
    IF state IS NULL OR state NOT IN ('dead', 'replayed', 'dropped') THEN
        PERFORM workitem.raise_invalid('state must be dead, replayed or dropped');
    END IF;
    IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 1000 THEN
        PERFORM workitem.raise_invalid('max_rows must be 1 to 1000');
    END IF;
    RETURN QUERY
        SELECT * FROM workitem.relay_dead_letter d
         WHERE d.state = relay_dead_letters.state
           AND (relay_dead_letters.sink IS NULL OR d.sink = relay_dead_letters.sink)
           AND workitem.may_see_dead_letter(d.tenant_id)
         ORDER BY d.id DESC
         LIMIT max_rows;
END;
$$;
COMMENT ON FUNCTION workitem.relay_dead_letters(text, text, integer) IS
$$The dead letters the caller may see (its tenant's; a service's: every tenant's) in a state
(dead, replayed, dropped), of one sink or all, newest first, at most max_rows (1 to 1000).
Errors: WI422 bad input.$$;

INSERT INTO workitem.required_capability VALUES ('workitem.relay_dead_letter_get', 'admin');
CREATE FUNCTION workitem.relay_dead_letter_get(id bigint)
    RETURNS workitem.relay_dead_letter
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    authorized CONSTANT boolean := workitem.authorize('workitem.relay_dead_letter_get');
    letter workitem.relay_dead_letter;
BEGIN
    SELECT * INTO letter FROM workitem.relay_dead_letter d
     WHERE d.id = relay_dead_letter_get.id AND workitem.may_see_dead_letter(d.tenant_id);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dead letter % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
    RETURN letter;
END;
$$;
COMMENT ON FUNCTION workitem.relay_dead_letter_get(bigint) IS
$$One dead letter with its event. Errors: WI404 none the caller may see.$$;

INSERT INTO workitem.required_capability VALUES ('workitem.relay_dead_letter_resolve', 'admin');
CREATE FUNCTION workitem.relay_dead_letter_resolve(id bigint, outcome text)
    RETURNS workitem.relay_dead_letter
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    authorized CONSTANT boolean := workitem.authorize('workitem.relay_dead_letter_resolve');
    letter workitem.relay_dead_letter;
BEGIN
    IF outcome IS NULL OR outcome NOT IN ('replayed', 'dropped') THEN
        PERFORM workitem.raise_invalid('outcome must be replayed or dropped');
    END IF;
    SELECT * INTO letter FROM workitem.relay_dead_letter d
     WHERE d.id = relay_dead_letter_resolve.id AND workitem.may_see_dead_letter(d.tenant_id)
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dead letter % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
    IF letter.state <> 'dead' THEN
        RAISE EXCEPTION 'dead letter % is % already', id, letter.state USING ERRCODE = 'WI409';
    END IF;
    UPDATE workitem.relay_dead_letter d
       SET state = outcome, resolved_at = clock_timestamp(), resolved_by = session_user
     WHERE d.id = letter.id
    RETURNING * INTO letter;
    RETURN letter;
END;
$$;
COMMENT ON FUNCTION workitem.relay_dead_letter_resolve(bigint, text) IS
$$Marks a dead letter replayed (its event was delivered again: workitem-relay dlq replay) or
dropped (given up for good). Errors: WI404 none the caller may see, WI409 not dead any more,
WI422 bad outcome.$$;
