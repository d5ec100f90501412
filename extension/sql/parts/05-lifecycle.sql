-- The lifecycle operations, each with its batch form, claim_next and cancel_workflow.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- Lifecycle operations (C: validated by the core, one event each). Each operation's single form
-- and batch form share one argument layout (extension/pg/entry/call_arguments.cpp).
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_claim', 'user');
CREATE FUNCTION @extschema@.workitem_claim(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL,
    lease_seconds integer DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_claim'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_claim(bigint, text, bigint, text, integer) IS
$$Claims an offered item: allocated to actor, who must be a potential owner. A concurrent claim
of the same item waits for this one to finish, then gets WI423.
lease_seconds (default: the assignment's lease_seconds, else no lease): the claim returns to
offered unless heartbeated in time.
Errors: WI404, WI412 stale expected_version, WI423 another user holds it, WI409 not offered,
WI425 not active yet, WI410 expired, WI419 lease lost, WI403 not a potential owner,
WI460 excluded owner, WI428 key reused, WI422 bad input.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_claim_batch', 'user');
CREATE FUNCTION @extschema@.workitem_claim_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL,
    lease_seconds integer DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_claim_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_allocate', 'user');
CREATE FUNCTION @extschema@.workitem_allocate(
    id bigint,
    actor text,
    to_user text,
    override boolean DEFAULT false,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_allocate'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_allocate(bigint, text, text, boolean, bigint, text) IS
$$Allocates a created or offered item to to_user (an administrator's or the system's act).
With override => true it also takes an allocated or started item from its owner.
Errors: WI404, WI412, WI423 held (without override), WI409, WI403 not an administrator,
WI460 to_user excluded or already the owner, WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_allocate_batch', 'user');
CREATE FUNCTION @extschema@.workitem_allocate_batch(
    ids bigint[],
    actor text,
    to_user text,
    override boolean DEFAULT false,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_allocate_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_start', 'user');
CREATE FUNCTION @extschema@.workitem_start(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_start'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_start(bigint, text, bigint, text) IS
$$Starts work: allocated -> started by its owner, or offered -> started by a potential owner
(claim and start in one call). Errors: WI404, WI412, WI409, WI423, WI403, WI460, WI419, WI410,
WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_start_batch', 'user');
CREATE FUNCTION @extschema@.workitem_start_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_start_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_stop', 'user');
CREATE FUNCTION @extschema@.workitem_stop(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_stop'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_stop(bigint, text, bigint, text) IS
$$Stops work: started -> allocated, by its owner. Errors: WI404, WI412, WI409, WI423, WI403,
WI419, WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_stop_batch', 'user');
CREATE FUNCTION @extschema@.workitem_stop_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_stop_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_release', 'user');
CREATE FUNCTION @extschema@.workitem_release(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_release'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_release(bigint, text, bigint, text) IS
$$Gives a held item back: allocated or started -> offered, by its owner or an administrator.
A saved output draft is kept. Errors: WI404, WI412, WI409, WI423, WI403, WI419, WI410, WI428,
WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_release_batch', 'user');
CREATE FUNCTION @extschema@.workitem_release_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_release_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_delegate', 'user');
CREATE FUNCTION @extschema@.workitem_delegate(
    id bigint,
    actor text,
    to_user text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_delegate'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_delegate(bigint, text, text, bigint, text) IS
$$Hands a held item to to_user (owner or administrator): allocated to them, delegated_from
remembers the delegator (the first one, along a chain), delegation_state pending.
Errors: WI404, WI412, WI409, WI423, WI403, WI460 to_user excluded or already the owner, WI419,
WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_delegate_batch', 'user');
CREATE FUNCTION @extschema@.workitem_delegate_batch(
    ids bigint[],
    actor text,
    to_user text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_delegate_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_resolve', 'user');
CREATE FUNCTION @extschema@.workitem_resolve(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_resolve'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_resolve(bigint, text, bigint, text) IS
$$The delegate hands a delegated item back: allocated to delegated_from, delegation_state
resolved. Errors: WI404, WI412, WI409, WI423, WI403 not the delegate, WI460 not delegated, WI419,
WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_resolve_batch', 'user');
CREATE FUNCTION @extschema@.workitem_resolve_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_resolve_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_forward', 'user');
CREATE FUNCTION @extschema@.workitem_forward(
    id bigint,
    actor text,
    assignment jsonb,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_forward'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_forward(bigint, text, jsonb, bigint, text) IS
$$Offers an item to a new set of people: the keys the assignment names (same shape as in
workitem_create) replace the stored ones, and the item is offered again (any owner is cleared).
By its owner or an administrator. Its owner may name only potential_owners: administrators,
excluded owners, constraints, strategy and lease settings change only by an administrator of
the item or workitem_admin (WI403 naming them). Errors: WI404, WI412, WI409, WI423, WI403, WI419,
WI410, WI428, WI422 bad assignment.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_forward_batch', 'user');
CREATE FUNCTION @extschema@.workitem_forward_batch(
    ids bigint[],
    actor text,
    assignment jsonb,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_forward_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_suspend', 'user');
CREATE FUNCTION @extschema@.workitem_suspend(
    id bigint,
    actor text,
    until timestamptz DEFAULT NULL,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_suspend'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_suspend(bigint, text, timestamptz, bigint, text) IS
$$Suspends an offered, allocated or started item (owner or administrator); resume returns it
to that state. until (optional, in the future): when the timer resumes it.
Errors: WI404, WI412, WI409, WI423, WI403, WI419, WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_suspend_batch', 'user');
CREATE FUNCTION @extschema@.workitem_suspend_batch(
    ids bigint[],
    actor text,
    until timestamptz DEFAULT NULL,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_suspend_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_resume', 'user');
CREATE FUNCTION @extschema@.workitem_resume(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_resume'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_resume(bigint, text, bigint, text) IS
$$Resumes a suspended item into the state it was suspended from (owner or administrator).
Errors: WI404, WI412, WI409, WI423, WI403, WI419, WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_resume_batch', 'user');
CREATE FUNCTION @extschema@.workitem_resume_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_resume_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_complete', 'user');
CREATE FUNCTION @extschema@.workitem_complete(
    id bigint,
    actor text,
    output jsonb DEFAULT NULL,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_complete'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_complete(bigint, text, jsonb, bigint, text) IS
$$Completes a started (or allocated: implicit start) item held by actor, with output (NULL keeps
a saved draft). The workitem.completed event carries the output.
Errors: WI404, WI412, WI409, WI423, WI403 not the owner, WI419 lease ran out, WI410, WI428,
WI422 output larger than workitem.max_payload_bytes.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_complete_batch', 'user');
CREATE FUNCTION @extschema@.workitem_complete_batch(
    ids bigint[],
    actor text,
    output jsonb DEFAULT NULL,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_complete_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_fail', 'user');
CREATE FUNCTION @extschema@.workitem_fail(
    id bigint,
    actor text,
    fault jsonb DEFAULT NULL,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_fail'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_fail(bigint, text, jsonb, bigint, text) IS
$$The owner reports that the work failed: allocated or started -> failed, with the fault
(carried by the workitem.failed event). Errors: WI404, WI412, WI409, WI423, WI403, WI419, WI410,
WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_fail_batch', 'user');
CREATE FUNCTION @extschema@.workitem_fail_batch(
    ids bigint[],
    actor text,
    fault jsonb DEFAULT NULL,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_fail_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_skip', 'user');
CREATE FUNCTION @extschema@.workitem_skip(
    id bigint,
    actor text,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_skip'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_skip(bigint, text, bigint, text) IS
$$Skips an active item that was created skippable (initiator or administrator).
Errors: WI404, WI412, WI409, WI403, WI460 not skippable, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_skip_batch', 'user');
CREATE FUNCTION @extschema@.workitem_skip_batch(
    ids bigint[],
    actor text,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_skip_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_cancel', 'user');
CREATE FUNCTION @extschema@.workitem_cancel(
    id bigint,
    actor text,
    reason text DEFAULT NULL,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_cancel'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_cancel(bigint, text, text, bigint, text) IS
$$Cancels an active item (initiator, administrator or a service); the reason is recorded in the
workitem.cancelled event. Errors: WI404, WI412, WI409 already terminal, WI410, WI403, WI428,
WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_cancel_batch', 'user');
CREATE FUNCTION @extschema@.workitem_cancel_batch(
    ids bigint[],
    actor text,
    reason text DEFAULT NULL,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_cancel_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_mark_error', 'user');
CREATE FUNCTION @extschema@.workitem_mark_error(
    id bigint,
    actor text,
    fault jsonb DEFAULT NULL,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_mark_error'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_mark_error(bigint, text, jsonb, bigint, text) IS
$$Marks an active item as in error: a system fault it cannot recover from (a service, an
administrator or the timer). The fault travels in the workitem.errored event.
Errors: WI404, WI412, WI409, WI403, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_mark_error_batch', 'user');
CREATE FUNCTION @extschema@.workitem_mark_error_batch(
    ids bigint[],
    actor text,
    fault jsonb DEFAULT NULL,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_mark_error_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_heartbeat', 'user');
CREATE FUNCTION @extschema@.workitem_heartbeat(
    id bigint,
    actor text,
    lease_seconds integer DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_heartbeat'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_heartbeat(bigint, text, integer) IS
$$Extends the owner's lease: lease_until := now + lease_seconds (default: the lease taken with
the claim; a worker's default lease is extended by the default of the item's task or queue, else
workitem.default_lease_seconds). Changes neither the version nor the event log.
Errors: WI404, WI409 not held, WI423, WI403, WI419 the lease already ran out, WI410, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_heartbeat_batch', 'user');
CREATE FUNCTION @extschema@.workitem_heartbeat_batch(
    ids bigint[],
    actor text,
    lease_seconds integer DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_heartbeat_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_update', 'user');
CREATE FUNCTION @extschema@.workitem_update(
    id bigint,
    actor text,
    priority integer DEFAULT NULL,
    due_at timestamptz DEFAULT NULL,
    follow_up_at timestamptz DEFAULT NULL,
    input jsonb DEFAULT NULL,
    assignment jsonb DEFAULT NULL,
    expires_at timestamptz DEFAULT NULL,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL,
    deadlines jsonb DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_update'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_update(bigint, text, integer, timestamptz, timestamptz, jsonb, jsonb, timestamptz, bigint, text, jsonb) IS
$$Changes the attributes given (NULL leaves one as it is) of an active item: priority, due_at,
follow_up_at, input, assignment (the people: same shape as in workitem_create), expires_at,
deadlines (replaces the whole list, as in workitem_create; "after" counts from now; '[]' clears it).
By an administrator or the initiator; the state does not change. An initiator who is not an
administrator of the item may name only potential_owners in assignment, and may not set the
deadline actions reoffer and allocate_admin (WI403: the timer would do them for it). Times:
finite, in the years 0001 to 9999 UTC (WI422 naming the field).
Errors: WI404, WI412, WI409, WI403, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_update_batch', 'user');
CREATE FUNCTION @extschema@.workitem_update_batch(
    ids bigint[],
    actor text,
    priority integer DEFAULT NULL,
    due_at timestamptz DEFAULT NULL,
    follow_up_at timestamptz DEFAULT NULL,
    input jsonb DEFAULT NULL,
    assignment jsonb DEFAULT NULL,
    expires_at timestamptz DEFAULT NULL,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL,
    deadlines jsonb DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_update_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_save_output', 'user');
CREATE FUNCTION @extschema@.workitem_save_output(
    id bigint,
    actor text,
    output jsonb,
    expected_version bigint DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_save_output'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_save_output(bigint, text, jsonb, bigint, text) IS
$$Saves a draft of the output of a held item (its owner); complete with NULL output keeps it.
The workitem.output_saved event carries it. Errors: WI404, WI412, WI409, WI423, WI403, WI419,
WI410, WI428, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_save_output_batch', 'user');
CREATE FUNCTION @extschema@.workitem_save_output_batch(
    ids bigint[],
    actor text,
    output jsonb,
    expected_versions bigint[] DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_save_output_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

INSERT INTO workitem.required_capability VALUES ('workitem_claim_next', 'user');
CREATE FUNCTION @extschema@.workitem_claim_next(
    actor text, queue text DEFAULT NULL, task_name text DEFAULT NULL,
    lease_seconds integer DEFAULT NULL, idempotency_key text DEFAULT NULL,
    max_items integer DEFAULT 1)
    RETURNS SETOF workitem.item
    AS 'MODULE_PATHNAME', 'workitem_claim_next'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ROWS 1;
COMMENT ON FUNCTION @extschema@.workitem_claim_next(text, text, text, integer, text, integer) IS
$$Claims the best offered item the actor may take (in queue / of task_name when given):
highest priority, then earliest due, then oldest. Returns 0 or 1 row; with max_items, up to
that many, best first, each claimed as if by its own call (eligibility and capacity judged after
the claims before it, one event and one version each). Items locked by other workers are
skipped, never waited for, so concurrent workers never get the same item. Every claim carries
a lease, so a worker that dies never strands its item (the timer gives it back): lease_seconds,
else the assignment's lease_seconds, else the default of the item's task, else of its queue
(workitem_set_lease_default), else workitem.default_lease_seconds (300 s; 0: none). An
idempotency key covers the whole call: a retry returns the same items. Errors: WI422 bad input
(max_items from 1 to workitem.max_batch_size).$$;

INSERT INTO workitem.required_capability VALUES ('workitem_acknowledge_and_claim_next', 'user');
CREATE FUNCTION @extschema@.workitem_acknowledge_and_claim_next(
    actor text, outcomes jsonb, queue text DEFAULT NULL, task_name text DEFAULT NULL,
    lease_seconds integer DEFAULT NULL, max_items integer DEFAULT 1,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (kind text, id bigint, ok boolean, sqlstate text, message text,
                   item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_acknowledge_and_claim_next'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_acknowledge_and_claim_next(text, jsonb, text, text, integer, integer, text) IS
$$A worker's round trip: settles the items it held, then claims more, in one call and one
commit. outcomes is a JSON array with one entry per held item: {"id": 7, "output": {...}}
completes it (output optional), {"id": 8, "fault": {...}} fails it; "expected_version" is
checked when given. Each outcome is that item's workitem_complete / workitem_fail, answered by
its own row as the batch forms answer (kind 'complete' or 'fail', ok, sqlstate, message, item):
a refused outcome does not stop the others. Then up to max_items (default 1; 0: none) items are
claimed as workitem_claim_next claims them (queue, task_name, lease_seconds), one row each (kind
'claim'), after the outcomes, so the capacity they free counts. An idempotency key covers the
whole call: a retry returns the same rows. Errors: WI422 bad input (outcomes not an array of such
objects, an item named twice, more than workitem.max_batch_size outcomes, max_items from 0 to
workitem.max_batch_size).$$;

INSERT INTO workitem.required_capability VALUES ('workitem_cancel_workflow', 'admin');
CREATE FUNCTION @extschema@.workitem_cancel_workflow(
    workflow_id text, actor text, reason text DEFAULT NULL, idempotency_key text DEFAULT NULL)
    RETURNS SETOF workitem.item
    AS 'MODULE_PATHNAME', 'workitem_cancel_workflow'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_cancel_workflow(text, text, text, text) IS
$$Cancels every active item of the workflow (initiator or a service) and returns them; one
workitem.cancelled event each, with the reason. All or nothing: if any item refuses, nothing is
cancelled and that item's error is raised. A retry with the same idempotency_key returns the
same items. Errors: WI422 no workflow_id or actor, WI403 (also a service acting on behalf of a
user or reader: workitem.on_behalf), WI428.$$;

-- Every batch form is documented by the same paragraph about its single form, written here once.
DO $$
DECLARE
    batch record;
BEGIN
    FOR batch IN
        SELECT p.oid::regprocedure AS signature, substr(p.proname, 1, length(p.proname) - 6) AS single,
               'expected_versions' = ANY (p.proargnames) AS takes_versions
          FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = '@extschema@'::regnamespace AND p.proname ~ '^workitem_[a-z_]+_batch$'
           AND p.proargnames[1] = 'ids'  -- the batch forms of operations, not the consumers' batches
    LOOP
        EXECUTE format('COMMENT ON FUNCTION %s IS %L', batch.signature, format(
            '%1$s on every item in ids (distinct, at most workitem.max_batch_size), one result row '
            'per id in the order given: ok with the item as it now is, or the SQLSTATE and message '
            'that %1$s would have raised. One refused item does not stop the others. Every item is '
            'read first: one the actor may not see (WI404, as a missing id) or may not act on is '
            'refused without being locked; the others are locked in id order. %2$s',
            batch.single,
            CASE WHEN batch.takes_versions
                 THEN 'expected_versions, when given, holds one version (or NULL) per id. An '
                      'idempotency key covers the whole batch and replays every row.'
                 ELSE 'No expected versions and no idempotency key: a heartbeat only extends a '
                      'lease, so sending it again is harmless.' END));
    END LOOP;
END;
$$;
