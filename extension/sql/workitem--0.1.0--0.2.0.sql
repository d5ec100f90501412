-- workitem: upgrade from release 0.1.0 to 0.2.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; scripts/test-upgrade proves that an updated 0.1.0 equals a fresh install
-- (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit

-- Capabilities declared per object, grants derived from them (issue 16, deliverable 2).
CREATE TABLE workitem.required_capability (
    object     text PRIMARY KEY,
    capability text NOT NULL CHECK (capability IN ('reader', 'user', 'admin', 'service', 'superuser'))
);
COMMENT ON TABLE workitem.required_capability IS
    'The capability each function (by name: workitem_claim, workitem.viewer) and each table or view '
    '(workitem.item) requires; every grant of the extension derives from it.';
INSERT INTO workitem.required_capability VALUES ('workitem.required_capability', 'reader');

CREATE FUNCTION workitem.roles_with(capability text) RETURNS text[]
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
    RETURN CASE capability
        WHEN 'reader' THEN ARRAY['workitem_reader', 'workitem_user', 'workitem_admin', 'workitem_service']
        WHEN 'user' THEN ARRAY['workitem_user', 'workitem_admin', 'workitem_service']
        WHEN 'admin' THEN ARRAY['workitem_admin', 'workitem_service']
        WHEN 'service' THEN ARRAY['workitem_service']
        ELSE ARRAY[]::text[] END;
COMMENT ON FUNCTION workitem.roles_with(text) IS
    'The roles a capability (workitem.required_capability) is granted to.';

CREATE FUNCTION workitem.apply_grants() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    member record;
    all_roles CONSTANT text := 'PUBLIC, workitem_reader, workitem_user, workitem_admin, workitem_service';
BEGIN
    FOR member IN
        SELECT d.classid = 'pg_catalog.pg_proc'::regclass AS is_function,
               CASE WHEN d.classid = 'pg_catalog.pg_proc'::regclass THEN d.objid::regprocedure::text
                    ELSE d.objid::regclass::text END AS signature,
               (SELECT array_to_string(workitem.roles_with(c.capability), ', ')
                  FROM workitem.required_capability c
                 WHERE c.object = CASE WHEN n.nspname = 'workitem' THEN 'workitem.' ELSE '' END
                                  || coalesce(p.proname, r.relname)) AS grantees
          FROM pg_catalog.pg_depend d
          LEFT JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objid
          LEFT JOIN pg_catalog.pg_class r ON d.classid = 'pg_catalog.pg_class'::regclass AND r.oid = d.objid
          JOIN pg_catalog.pg_namespace n ON n.oid = coalesce(p.pronamespace, r.relnamespace)
         WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
           AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'workitem')
           AND (p.oid IS NOT NULL OR r.relkind IN ('r', 'p', 'v', 'S'))
         ORDER BY 2
    LOOP
        IF member.is_function THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM %s', member.signature, all_roles);
            IF member.grantees <> '' THEN
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', member.signature, member.grantees);
            END IF;
        ELSE
            EXECUTE format('REVOKE ALL ON %s FROM %s', member.signature, all_roles);
            IF member.grantees <> '' THEN
                EXECUTE format('GRANT SELECT ON %s TO %s', member.signature, member.grantees);
            END IF;
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION workitem.apply_grants() IS
    'Grants every function and table of the extension to the roles of its declared capability '
    '(workitem.required_capability) and revokes everything else, PUBLIC included.';
INSERT INTO workitem.required_capability VALUES
    ('workitem.item', 'reader'),
    ('workitem.event', 'reader'),
    ('workitem.directory_user', 'reader'),
    ('workitem.group_member', 'reader'),
    ('workitem.current_tenant', 'reader'),
    ('workitem.viewer', 'reader'),
    ('workitem.viewer_sees_all', 'reader'),
    ('workitem.viewer_principals', 'reader'),
    ('workitem.visible', 'reader'),
    ('workitem_create', 'admin'),
    ('workitem_create_many', 'admin'),
    ('workitem_get', 'reader'),
    ('workitem_list', 'reader'),
    ('workitem_count', 'reader'),
    ('workitem_worklist', 'reader'),
    ('workitem_history', 'reader'),
    ('workitem_allowed_operations', 'reader'),
    ('workitem_claim', 'user'),
    ('workitem_claim_batch', 'user'),
    ('workitem_allocate', 'user'),
    ('workitem_allocate_batch', 'user'),
    ('workitem_start', 'user'),
    ('workitem_start_batch', 'user'),
    ('workitem_stop', 'user'),
    ('workitem_stop_batch', 'user'),
    ('workitem_release', 'user'),
    ('workitem_release_batch', 'user'),
    ('workitem_delegate', 'user'),
    ('workitem_delegate_batch', 'user'),
    ('workitem_resolve', 'user'),
    ('workitem_resolve_batch', 'user'),
    ('workitem_forward', 'user'),
    ('workitem_forward_batch', 'user'),
    ('workitem_suspend', 'user'),
    ('workitem_suspend_batch', 'user'),
    ('workitem_resume', 'user'),
    ('workitem_resume_batch', 'user'),
    ('workitem_complete', 'user'),
    ('workitem_complete_batch', 'user'),
    ('workitem_fail', 'user'),
    ('workitem_fail_batch', 'user'),
    ('workitem_skip', 'user'),
    ('workitem_skip_batch', 'user'),
    ('workitem_cancel', 'user'),
    ('workitem_cancel_batch', 'user'),
    ('workitem_mark_error', 'user'),
    ('workitem_mark_error_batch', 'user'),
    ('workitem_heartbeat', 'user'),
    ('workitem_heartbeat_batch', 'user'),
    ('workitem_update', 'user'),
    ('workitem_update_batch', 'user'),
    ('workitem_save_output', 'user'),
    ('workitem_save_output_batch', 'user'),
    ('workitem_claim_next', 'user'),
    ('workitem_cancel_workflow', 'admin'),
    ('workitem_put_user', 'admin'),
    ('workitem_put_users', 'admin'),
    ('workitem_register_validator', 'superuser'),
    ('workitem_unregister_validator', 'superuser'),
    ('workitem_register_strategy', 'superuser'),
    ('workitem_set_flag', 'admin'),
    ('workitem.items_by_state', 'reader'),
    ('workitem.oldest_offered', 'reader'),
    ('workitem.overdue_items', 'reader'),
    ('workitem_tick', 'admin'),
    ('workitem.timer_status', 'admin'),
    ('workitem.timer_failures', 'admin'),
    ('workitem_consumer_create', 'admin'),
    ('workitem_consumer_drop', 'admin'),
    ('workitem_next_batch', 'admin'),
    ('workitem_batch_events', 'admin'),
    ('workitem_finish_batch', 'admin'),
    ('workitem_consumer_rewind', 'admin'),
    ('workitem.event_lag_rows', 'admin'),
    ('workitem.event_lag', 'admin'),
    ('workitem_event_notify', 'superuser');

-- Identity and on_behalf: capability roles are never an identity, unmapped roles are refused
-- once roles are mapped, a service may act with an end user's capability, events record the
-- login and the capability (issue 16, findings 1, 13, 3 and 9)
ALTER TABLE workitem.event ADD COLUMN login text, ADD COLUMN capability text;
COMMENT ON COLUMN workitem.event.login IS
    'The session''s login role (session_user: SET ROLE does not hide it) that made the change.';
COMMENT ON COLUMN workitem.event.capability IS
    'What the call was authorized with: service, admin, user, service:user or service:admin (a '
    'service acting on behalf, workitem.on_behalf), system (the timer); NULL for a direct change.';
COMMENT ON TABLE workitem.role_tenant IS
    'The tenant each non-service role acts in; a role cannot change it with workitem.tenant. '
    'Once any role is mapped, an unmapped non-service role is refused (WI403) unless '
    'workitem.unmapped_roles = ''default''. '
    'Maintained by a superuser (the roles are cluster-wide, the mapping is this database''s).';
COMMENT ON FUNCTION workitem.current_tenant() IS
    'The tenant the calling role acts in: workitem.tenant for a service (''default'' when unset), '
    'the role''s row in workitem.role_tenant for every other role (without one: ''default'' while '
    'no role is mapped, else WI403 unless workitem.unmapped_roles = ''default''). WI403 for a '
    'capability role (workitem_user, _admin, _reader, _service) reached by SET ROLE.';
CREATE FUNCTION workitem.caller_capability() RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_caller_capability'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.caller_capability() IS
    'What the call is authorized with: service, admin, user, reader, or service:<capability> for '
    'a service acting on behalf (workitem.on_behalf). The same refusals as current_tenant().';
REVOKE ALL ON FUNCTION workitem.caller_capability() FROM PUBLIC;
COMMENT ON FUNCTION workitem.viewer_sees_all(text) IS
    'Whether the reader sees every item of its tenant: a service reading as itself, an '
    'administrator, or a read-only role (a service acting on behalf: as its declared capability).';
COMMENT ON FUNCTION @extschema@.workitem_create(text, text, jsonb, jsonb, integer, text, timestamptz, timestamptz, timestamptz, boolean, text, text, text, text, timestamptz, jsonb) IS
$$Creates a work item and places it by its distribution strategy; returns the new item.
One `workitem.created` event records the final state.
assignment: {"potential_owners": {"users": [...], "groups": [...]}, "excluded_owners": {...},
  "administrators": {...}, "strategy": "offer" | "direct" | "round_robin" | "shortest_queue" |
  "random" | "retain_familiar", "constraints": {"four_eyes_with": [...], "retain_familiar": "step"},
  "lease_seconds": n, "max_lease_expiries": n}. Unknown keys are refused.
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
  listed in workitem.timer_failures.
actor: the initiator (default: the calling role). input: at most workitem.max_payload_bytes.
Errors: WI422 invalid input (which field, why), WI501 strategy not available, WI403 actor 'system'
or a service acting on behalf of a user or reader (workitem.on_behalf).$$;
COMMENT ON FUNCTION @extschema@.workitem_cancel_workflow(text, text, text, text) IS
$$Cancels every active item of the workflow (initiator or a service) and returns them; one
workitem.cancelled event each, with the reason. All or nothing: if any item refuses, nothing is
cancelled and that item's error is raised. A retry with the same idempotency_key returns the
same items. Errors: WI422 no workflow_id or actor, WI403 (also a service acting on behalf of a
user or reader: workitem.on_behalf), WI428.$$;
COMMENT ON FUNCTION @extschema@.workitem_history(bigint, text) IS
$$The item's events in version order: who did what (actor; login: the session's login role;
capability: what the call was authorized with, e.g. service:user for a service acting on behalf of
the actor), when, and payload->'changes' with the old and new value of every changed field. Only
for items the reader may see (actor: a service reads as this user). Errors: WI404 no such item
(or no events left), WI403.$$;
COMMENT ON FUNCTION @extschema@.workitem_allowed_operations(bigint, text) IS
$$The operations actor may perform on the item now (as WS-HumanTask's getTaskOperations),
decided by the same transition table and validators that judge an attempt, so the answer never
disagrees with a call made right after (none for a reader, or a service acting on behalf of one).
Errors: WI404, WI422 no actor.$$;
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
BEGIN
    IF workitem.caller_capability() NOT IN ('service', 'admin', 'service:admin') THEN
        RAISE EXCEPTION 'workitem_put_user needs the service or admin capability'
            USING ERRCODE = 'WI403',
            HINT = 'A service acting on behalf of a user or reader (workitem.on_behalf) may not call it.';
    END IF;
    IF user_id IS NULL OR user_id = '' THEN
        PERFORM workitem.raise_invalid('user_id is required');
    ELSIF length(user_id) > 1000 THEN
        PERFORM workitem.raise_invalid('user_id is longer than 1000 characters');
    ELSIF user_id = 'system' THEN
        PERFORM workitem.raise_invalid('user_id ''system'' is reserved for the timer');
    ELSIF groups IS NULL OR array_position(groups, NULL) IS NOT NULL
          OR array_position(groups, '') IS NOT NULL THEN
        PERFORM workitem.raise_invalid('groups must be an array of non-empty group names');
    ELSIF capacity < 0 THEN
        PERFORM workitem.raise_invalid('capacity must be 0 or more (NULL: no limit)');
    ELSIF available IS NULL THEN
        PERFORM workitem.raise_invalid('available must be true or false');
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
capacity is WI460. Returns the user. Errors: WI422 bad input ('system' is reserved), WI403 a
service acting on behalf of a user or reader (workitem.on_behalf).$$;
CREATE OR REPLACE FUNCTION @extschema@.workitem_put_users(users jsonb, replace_all boolean DEFAULT false)
    RETURNS TABLE (users_written integer, memberships integer, users_removed integer)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    bad text;
BEGIN
    IF workitem.caller_capability() NOT IN ('service', 'admin', 'service:admin') THEN
        RAISE EXCEPTION 'workitem_put_users needs the service or admin capability'
            USING ERRCODE = 'WI403',
            HINT = 'A service acting on behalf of a user or reader (workitem.on_behalf) may not call it.';
    END IF;
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
user is created or replaced as workitem_put_user would (groups: the full list). replace_all: also
remove the tenant's users not named (their memberships go with them). Returns how many users were
written, how many memberships they now have, and how many users were removed.
Errors: WI422 a malformed element (the message shows it), WI403 a service acting on behalf of a
user or reader (workitem.on_behalf).$$;
CREATE OR REPLACE FUNCTION @extschema@.workitem_set_flag(name text, enabled boolean, tenant text DEFAULT NULL)
    RETURNS workitem.feature_flag
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    saved workitem.feature_flag;
    capability text := workitem.caller_capability();
BEGIN
    -- A service sets any tenant's flags and the whole database's; an administrator (a
    -- workitem_admin, or a service acting on behalf of one) only its own tenant's.
    IF capability NOT IN ('service', 'admin', 'service:admin') THEN
        RAISE EXCEPTION 'workitem_set_flag needs the service or admin capability'
            USING ERRCODE = 'WI403',
            HINT = 'A service acting on behalf of a user or reader (workitem.on_behalf) may not call it.';
    ELSIF capability <> 'service' AND tenant IS DISTINCT FROM workitem.current_tenant() THEN
        RAISE EXCEPTION 'an administrator of tenant % sets only that tenant''s flags, not %',
            workitem.current_tenant(), coalesce('tenant ' || tenant, 'the whole database''s')
            USING ERRCODE = 'WI403',
            HINT = format('Pass tenant => %L; a service sets other tenants'' and the whole '
                          'database''s flags.', workitem.current_tenant());
    END IF;
    IF name IS NULL OR NOT workitem.known_flag(name) THEN
        RAISE EXCEPTION 'unknown feature flag %', coalesce(name, 'NULL') USING ERRCODE = 'WI422',
            HINT = 'Flags: strategy.<name>, idempotency, custom_validators, custom_strategies, '
                   'timer.<action>, strict_payload_limits.';
    ELSIF enabled IS NULL THEN
        PERFORM workitem.raise_invalid('enabled must be true or false');
    ELSIF tenant = '' OR tenant = '*' THEN
        PERFORM workitem.raise_invalid('tenant must be a tenant id, or NULL for the whole database');
    END IF;
    INSERT INTO workitem.feature_flag AS f (tenant_id, name, enabled)
    VALUES (coalesce(tenant, '*'), workitem_set_flag.name, workitem_set_flag.enabled)
    ON CONFLICT ON CONSTRAINT feature_flag_pkey
        DO UPDATE SET enabled = excluded.enabled, updated_at = now()
    RETURNING f.* INTO saved;
    RETURN saved;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_set_flag(text, boolean, text) IS
$$Switches a feature on or off, for the whole database (tenant NULL) or one tenant (whose
setting wins). Takes effect in every session at its next transaction, without a restart.
Flags: strategy.offer, strategy.direct, strategy.round_robin, strategy.shortest_queue,
strategy.random, strategy.retain_familiar (a create with a switched-off strategy is WI501),
idempotency (a call with a key is WI501), custom_validators, custom_strategies,
timer.<action>, strict_payload_limits. A service sets any tenant's flags and the whole
database's; an administrator (workitem_admin, or a service with workitem.on_behalf = 'admin') only
its own tenant's, named in tenant. Errors: WI422 unknown flag, WI403 another tenant (or NULL) by an
administrator, or a service acting on behalf of a user or reader.$$;

-- Keep this the last statement of the step: every object now exists, so the grants follow the
-- declarations (a later section goes above it).
SELECT workitem.apply_grants();
