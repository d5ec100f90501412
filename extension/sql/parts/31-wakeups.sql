
--------------------------------------------------------------------------------------------------
-- Wake-ups that cost nothing when nobody waits (docs/events.md, "Wake-ups"). A waiter registers
-- what it waits for (work offered to its principals, or a consumer's events) and LISTENs; the
-- first commit that concerns a registered key sends one notification for it and clears it, so
-- the waiter registers again after it has looked. A commit that concerns no registered key sends
-- nothing, and so never takes the cluster-wide lock a pending NOTIFY takes at commit. The keys
-- live in shared memory (extension/pg/wakeups/slots.hpp).
--------------------------------------------------------------------------------------------------

-- Registers the keys (kind 'work': tenant, queue ('' for any) and each principal; 'events':
-- tenant or '*') and LISTENs on their channels. Only the two functions below call it: they check
-- the caller and compute the keys.
CREATE FUNCTION workitem.wake_listen(kind text, tenant text, queue text, principals text[])
    RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_wake_listen' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION workitem.wake_listen(text, text, text, text[]) IS
    'Registers one-shot wake-up keys and LISTENs on their channels; returns the channels.';

INSERT INTO workitem.required_capability VALUES ('workitem_await_work', 'user');
CREATE FUNCTION @extschema@.workitem_await_work(actor text, queue text DEFAULT NULL)
    RETURNS text[]
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    authorized CONSTANT boolean := workitem.authorize('workitem_await_work');
BEGIN
    IF actor IS NULL OR actor = '' THEN
        PERFORM workitem.raise_invalid('actor is required');
    END IF;
    IF queue = '' THEN
        PERFORM workitem.raise_invalid('queue must be NULL (any queue) or a name');
    END IF;
    -- The actor's principals as claim_next takes them; WI403 for a non-service naming another.
    RETURN workitem.wake_listen('work', workitem.current_tenant(), coalesce(queue, ''),
                                workitem.viewer_principals(actor));
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_await_work(text, text) IS
$$Registers the actor as waiting for work (in queue, or in any queue when NULL) and LISTENs on
the returned channels: the next commit that offers an item to the actor or one of its groups
(there) sends one notification on one of them. Call it in a transaction of its own (LISTEN takes
effect at commit), then claim (workitem_claim_next), and wait for a notification only if nothing
was claimed; call it again before each wait: a registration wakes once. Commits that offer work
nobody waits for send nothing. Needs the library in shared_preload_libraries (or the shared
memory's reserve). Errors: WI422 no actor or queue '', WI403 a non-service naming another
actor, WI501 no shared memory for the wake-ups.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_await_events', 'admin');
CREATE FUNCTION @extschema@.workitem_await_events(consumer text) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    authorized CONSTANT boolean := workitem.authorize('workitem_await_events');
    scope text;
BEGIN
    PERFORM workitem.caller_is_service();  -- WI403 for a role naming a tenant not its own
    PERFORM workitem.check_consumer_name(consumer);
    SELECT k.tenant_id INTO scope FROM workitem.event_consumer k
     WHERE k.name = consumer AND workitem.may_use_consumer(k.tenant_id)
     ORDER BY k.tenant_id = '*'
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'consumer % not found', consumer USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant()),
            HINT = 'Create it with workitem_consumer_create.';
    END IF;
    RETURN (workitem.wake_listen('events', scope, '', '{}'))[1];
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_await_events(text) IS
$$Registers the consumer as waiting for events (of its tenant, or of every tenant for an
all-tenants consumer) and LISTENs on the returned channel: the next commit that writes such an
event sends one notification there. Call it in a transaction of its own (LISTEN takes effect at
commit), then take the next batch (workitem_next_batch), and wait only if it was empty; call it
again before each wait: a registration wakes once, so a consumer that always waits costs one
notification per wait, not one per writer. Needs the library in shared_preload_libraries (or the
shared memory's reserve). Errors: WI422 bad name, WI404 no such consumer, WI501 no shared memory
for the wake-ups.$$;
