-- workitem: upgrade from release 0.1.0 to 0.2.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; scripts/test-upgrade proves that an updated 0.1.0 equals a fresh install
-- (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit

-- Rights and bounds at the trust boundary (issue 16, findings 2, 7, 11, 12, 19, 20, 21): one
-- rule for directory users (workitem.directory_user_refusal, asked by put_user and put_users),
-- and the COMMENTs that describe the new rules.
-- The one rule for a directory user (limits in the core's limits.hpp), asked by put_user and by
-- every element of put_users.
CREATE FUNCTION workitem.directory_user_refusal(user_id text, groups text[], capacity integer,
                                                available boolean, away_until timestamptz)
    RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_directory_user_refusal'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION workitem.directory_user_refusal(text, text[], integer, boolean, timestamptz) IS
    'Why workitem_put_user or workitem_put_users may not write this directory user (NULL: it may): '
    'no user_id, one longer than 1000 bytes or ''system'', NULL, empty or overlong group names, '
    'more than 1000 groups, a negative capacity, a NULL availability, an infinite away_until or '
    'one outside the years 0001 to 9999.';

REVOKE ALL ON FUNCTION workitem.directory_user_refusal(text, text[], integer, boolean, timestamptz)
    FROM PUBLIC;

CREATE OR REPLACE FUNCTION @extschema@.workitem_put_user(
    user_id    text,
    groups     text[] DEFAULT '{}',
    capacity   integer DEFAULT NULL,
    available  boolean DEFAULT true,
    away_until timestamptz DEFAULT NULL)
    RETURNS workitem.directory_user
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    saved workitem.directory_user;
    refusal text;
BEGIN
    refusal := workitem.directory_user_refusal(user_id, groups, capacity, available, away_until);
    IF refusal IS NOT NULL THEN
        PERFORM workitem.raise_invalid(refusal);
    END IF;

    INSERT INTO workitem.directory_user AS u (tenant_id, user_id, available, capacity, away_until)
    VALUES (tenant, user_id, available, capacity, away_until)
    ON CONFLICT ON CONSTRAINT directory_user_pkey DO UPDATE
        SET available = excluded.available, capacity = excluded.capacity,
            away_until = excluded.away_until, updated_at = now()
    RETURNING u.* INTO saved;

    DELETE FROM workitem.group_member m
     WHERE m.tenant_id = tenant AND m.user_id = workitem_put_user.user_id
       AND m.group_id <> ALL (groups);
    INSERT INTO workitem.group_member (tenant_id, group_id, user_id)
    SELECT DISTINCT tenant, g, workitem_put_user.user_id FROM unnest(groups) AS g
    ON CONFLICT DO NOTHING;
    RETURN saved;
END;
$$;

COMMENT ON FUNCTION @extschema@.workitem_put_user(text, text[], integer, boolean, timestamptz) IS
$$Creates or replaces a directory user of the current tenant: their groups (the full list:
memberships not listed are removed), capacity (most active items held at once; NULL: no limit),
availability, and away_until (away until then). Push strategies (round_robin, shortest_queue,
random, retain_familiar) skip users who are unavailable, away or at capacity; a claim at
capacity is WI460. Returns the user. Errors: WI422 bad input ('system' is reserved; user and
group names up to 1000 bytes; at most 1000 groups; away_until finite, in the years 0001 to 9999).$$;

CREATE OR REPLACE FUNCTION @extschema@.workitem_put_users(users jsonb, replace_all boolean DEFAULT false)
    RETURNS TABLE (users_written integer, memberships integer, users_removed integer)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    bad text;
BEGIN
    IF users IS NULL OR jsonb_typeof(users) <> 'array' THEN
        PERFORM workitem.raise_invalid('users must be a JSON array of objects');
    END IF;
    IF jsonb_array_length(users) > 100000 THEN
        PERFORM workitem.raise_invalid('users names more than 100000 users; split the sync');
    END IF;
    SELECT coalesce(e::text, 'element') INTO bad FROM jsonb_array_elements(users) AS e
     WHERE jsonb_typeof(e) <> 'object'
        OR e - ARRAY['user_id', 'groups', 'capacity', 'available', 'away_until'] <> '{}'
        OR jsonb_typeof(e->'user_id') IS DISTINCT FROM 'string' OR e->>'user_id' IN ('', 'system')
        OR (e ? 'groups' AND jsonb_typeof(e->'groups') <> 'array')
        OR (e ? 'capacity' AND jsonb_typeof(e->'capacity') NOT IN ('number', 'null'))
        OR (e ? 'available' AND jsonb_typeof(e->'available') <> 'boolean')
     LIMIT 1;
    IF bad IS NOT NULL THEN
        PERFORM workitem.raise_invalid(format(
            'users: each element is {"user_id": "...", "groups": [...], "capacity": n, '
            '"available": true, "away_until": "..."} with a user_id other than ''system''; '
            'not: %s', left(bad, 200)));
    END IF;

    -- No temporary table: a caller's own pg_temp.workitem_sync (with a trigger, say) must never
    -- be written by this SECURITY DEFINER function. The document is read where it is needed.
    IF EXISTS (SELECT FROM jsonb_to_recordset(users) AS u(capacity integer, groups jsonb)
                WHERE u.capacity < 0
                   OR EXISTS (SELECT FROM jsonb_array_elements(u.groups) AS g
                               WHERE jsonb_typeof(g) <> 'string' OR g #>> '{}' = '')) THEN
        PERFORM workitem.raise_invalid('users: capacity must be 0 or more and groups non-empty names');
    END IF;
    -- Then exactly workitem_put_user's rule for each user (lengths, limits, times).
    SELECT format('users: user %s: %s', left(u.user_id, 100), r.refusal) INTO bad
      FROM jsonb_to_recordset(users) AS u(user_id text, groups jsonb, capacity integer,
                                          available boolean, away_until timestamptz)
     CROSS JOIN LATERAL (SELECT workitem.directory_user_refusal(
                u.user_id,
                ARRAY(SELECT jsonb_array_elements_text(coalesce(u.groups, '[]'))),
                u.capacity, coalesce(u.available, true), u.away_until) AS refusal) AS r
     WHERE r.refusal IS NOT NULL
     LIMIT 1;
    IF bad IS NOT NULL THEN
        PERFORM workitem.raise_invalid(bad);
    END IF;

    INSERT INTO workitem.directory_user AS d (tenant_id, user_id, available, capacity, away_until)
    SELECT DISTINCT ON (u.user_id) tenant, u.user_id, coalesce(u.available, true), u.capacity,
           u.away_until
      FROM jsonb_to_recordset(users) AS u(user_id text, capacity integer, available boolean,
                                          away_until timestamptz)
     ORDER BY u.user_id
    ON CONFLICT ON CONSTRAINT directory_user_pkey DO UPDATE
        SET available = excluded.available, capacity = excluded.capacity,
            away_until = excluded.away_until, updated_at = now();
    GET DIAGNOSTICS users_written = ROW_COUNT;

    DELETE FROM workitem.group_member m
     WHERE m.tenant_id = tenant
       AND EXISTS (SELECT FROM jsonb_to_recordset(users) AS u(user_id text, groups jsonb)
                    WHERE u.user_id = m.user_id
                      AND NOT coalesce(u.groups, '[]') ? m.group_id);
    INSERT INTO workitem.group_member (tenant_id, group_id, user_id)
    SELECT DISTINCT tenant, g, u.user_id
      FROM jsonb_to_recordset(users) AS u(user_id text, groups jsonb),
           jsonb_array_elements_text(coalesce(u.groups, '[]')) AS g
    ON CONFLICT DO NOTHING;
    SELECT count(*) INTO memberships FROM workitem.group_member m
     WHERE m.tenant_id = tenant
       AND m.user_id IN (SELECT e->>'user_id' FROM jsonb_array_elements(users) AS e);

    users_removed := 0;
    IF replace_all THEN
        DELETE FROM workitem.directory_user d
         WHERE d.tenant_id = tenant
           AND d.user_id NOT IN (SELECT e->>'user_id' FROM jsonb_array_elements(users) AS e);
        GET DIAGNOSTICS users_removed = ROW_COUNT;
    END IF;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION @extschema@.workitem_put_users(jsonb, boolean) IS
$$Syncs many directory users of the current tenant in one call, set-based (thousands at once):
users is a JSON array of {"user_id", "groups", "capacity", "available", "away_until"}; each named
user is created or replaced as workitem_put_user would (groups: the full list), under the same
checks (workitem.directory_user_refusal: lengths, at most 1000 groups per user, a finite
away_until). replace_all: also
remove the tenant's users not named (their memberships go with them). Returns how many users were
written, how many memberships they now have, and how many users were removed.
Errors: WI422 a malformed element (the message shows it).$$;

COMMENT ON FUNCTION @extschema@.workitem_create(text, text, jsonb, jsonb, integer, text, timestamptz, timestamptz, timestamptz, boolean, text, text, text, text, timestamptz, jsonb) IS
$$Creates a work item and places it by its distribution strategy; returns the new item.
One `workitem.created` event records the final state.
assignment: {"potential_owners": {"users": [...], "groups": [...]}, "excluded_owners": {...},
  "administrators": {...}, "strategy": "offer" | "direct" | "round_robin" | "shortest_queue" |
  "random" | "retain_familiar", "constraints": {"four_eyes_with": [...], "retain_familiar": "step"},
  "lease_seconds": n, "max_lease_expiries": n}. Unknown keys are refused, and so is the user
  'system' (reserved for the timer). At most 1000 users and groups per part, 64 KiB in all.
  offer (default): offered to all potential owners, who claim it. direct: allocated to the single
  user in potential_owners.users. round_robin: allocated to the next eligible potential owner
  after the last one chosen for this task and set of people. shortest_queue: to the eligible one
  holding the fewest active items. random: to a random eligible one. retain_familiar: to whoever
  completed the step named by constraints.retain_familiar (step_ref or task name) in the same
  workflow, if eligible. Eligible: a directory user named or in a named group, not excluded,
  available, not away, below capacity; with nobody eligible the item is offered.
activate_at in the future: the item waits in state created until then (the timer activates it).
deadlines: what the timer does when, a JSON array of {"at": timestamp | "after": interval or
  seconds (from now), "action": ..., "message": text (optional, recorded in the event)}:
  "escalate" raises the priority by "raise_priority" (default 1); "reoffer" offers the item to
  "to": {"users": [...], "groups": [...]} instead (whoever held it loses it); "allocate_admin"
  allocates it to "to_user" or else its first available administrator; "notify" only records the
  workitem.escalated event; "expire" expires it. Each entry fires once, in time order, as an
  ordinary transition by 'system' that raises escalation_level by one (workitem.escalated, or
  workitem.expired); the stored list has every time as "at" (UTC) and "fired_at" once fired. An
  action that cannot be done (nobody in the new group, no administrator) is retried later and
  listed in workitem.timer_failures. The timer acts for whoever set the list, so reoffer and
  allocate_admin (an administrator's operations) may be set only by an administrator of the item
  (on create: one the assignment names), a service or workitem_admin; escalate, notify and
  expire by whoever may create or update the item (WI403 naming the entry). "after": at most
  10000 years.
Times (due_at, activate_at, expires_at, follow_up_at, deadlines): finite, in the years 0001 to
  9999 UTC; infinity is WI422 naming the field.
actor: the initiator (default: the calling role). input: at most workitem.max_payload_bytes.
Errors: WI422 invalid input (which field, why), WI501 strategy not available, WI403 actor 'system'
or a deadline action the creator may not set.$$;

COMMENT ON FUNCTION @extschema@.workitem_create_many(jsonb, text, text) IS
$$Creates many items in one call: items is a JSON array of objects whose keys are
workitem_create's parameters (workflow_id and task_name required; times as ISO 8601 strings).
Returns one row per element (numbered from 1), in order: ok with the new (or, for a repeated step_ref, existing)
item, or the SQLSTATE and message that refused that element; one bad element does not stop the
others, and so does an element that cannot be read (a malformed timestamp, a priority out of
range: WI422 naming the field). At most workitem.max_batch_size elements. An idempotency key
covers the whole call.$$;

COMMENT ON FUNCTION @extschema@.workitem_forward(bigint, text, jsonb, bigint, text) IS
$$Offers an item to a new set of people: the keys the assignment names (same shape as in
workitem_create) replace the stored ones, and the item is offered again (any owner is cleared).
By its owner or an administrator. Its owner may name only potential_owners: administrators,
excluded owners, constraints, strategy and lease settings change only by an administrator of
the item or workitem_admin (WI403 naming them). Errors: WI404, WI412, WI409, WI423, WI403, WI419,
WI410, WI428, WI422 bad assignment.$$;

COMMENT ON FUNCTION @extschema@.workitem_update(bigint, text, integer, timestamptz, timestamptz, jsonb, jsonb, timestamptz, bigint, text, jsonb) IS
$$Changes the attributes given (NULL leaves one as it is) of an active item: priority, due_at,
follow_up_at, input, assignment (the people: same shape as in workitem_create), expires_at,
deadlines (replaces the whole list, as in workitem_create; "after" counts from now; '[]' clears it).
By an administrator or the initiator; the state does not change. An initiator who is not an
administrator of the item may name only potential_owners in assignment, and may not set the
deadline actions reoffer and allocate_admin (WI403: the timer would do them for it). Times:
finite, in the years 0001 to 9999 UTC (WI422 naming the field).
Errors: WI404, WI412, WI409, WI403, WI428, WI422.$$;
