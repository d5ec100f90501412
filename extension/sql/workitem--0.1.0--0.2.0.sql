-- workitem: upgrade from release 0.1.0 to 0.2.0.
-- Release 0.2.0's upgrade step, frozen with it: never edited again. Later changes add their steps
-- to the upgrade script of the version in development (docs/upgrades.md); tests/upgrade/run
-- proves that an updated 0.1.0 equals a fresh install.
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
    ('workitem_tick', 'service'),
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

-- For the SQL functions (PERFORM it, or make it their first DECLARE): WI403 unless the call's
-- capability is one the function declares (workitem.required_capability). A service acting on
-- behalf of an end user counts as that user's capability; a service that declares nothing has
-- every capability.
CREATE FUNCTION workitem.authorize(fn text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    capability CONSTANT text := workitem.caller_capability();  -- WI403 for SET ROLE and the like
    needed CONSTANT text := (SELECT c.capability FROM workitem.required_capability c WHERE c.object = fn);
BEGIN
    IF capability = 'service' OR 'workitem_' || split_part(capability, ':', -1) = ANY (workitem.roles_with(needed)) THEN
        RETURN true;
    END IF;
    RAISE EXCEPTION '% needs the % capability; the call has %', fn, needed, capability
        USING ERRCODE = 'WI403',
              HINT = 'A service acting on behalf of an end user (workitem.on_behalf) has only that user''s capability.';
END;
$$;
COMMENT ON FUNCTION workitem.authorize(text) IS
    'WI403 unless the call''s capability (workitem.caller_capability) is one the function named '
    'declares in workitem.required_capability; true otherwise (so a DECLARE can run it first).';
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
    PERFORM workitem.authorize('workitem_put_user');
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
    PERFORM workitem.authorize('workitem_put_users');
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

-- Custom validators and strategies run with no more rights than their owner's (issue 16, finding 4)
-- Registrations made before this update are not rechecked here: each is checked at every run, and
-- one that does not pass makes the operations it judges fail with WI422 until its function is
-- fixed (ALTER FUNCTION ... SET search_path = <schemas>, pg_temp; SECURITY DEFINER or a superuser
-- owner).
CREATE FUNCTION workitem.check_custom_function(function oid, kind text) RETURNS void
    AS 'MODULE_PATHNAME', 'workitem_check_custom_function' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION workitem.check_custom_function(oid, text) IS
    'Raises WI422 unless the function may run as a custom validator or strategy: owned by a '
    'superuser, or SECURITY DEFINER (it runs as its owner); and with its own SET search_path '
    'that names pg_temp last. Checked at registration and again at every run.';
REVOKE ALL ON FUNCTION workitem.check_custom_function(oid, text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION @extschema@.workitem_register_validator(
    validator regproc, task_name text DEFAULT NULL, operation text DEFAULT NULL,
    tenant text DEFAULT NULL)
    RETURNS workitem.custom_validator
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f pg_catalog.pg_proc;
    saved workitem.custom_validator;
BEGIN
    SELECT * INTO f FROM pg_catalog.pg_proc WHERE oid = validator;
    IF NOT FOUND THEN
        PERFORM workitem.raise_invalid('validator must name an existing function');
    END IF;
    IF f.pronargs <> 3 OR f.proargtypes[0] <> 'workitem.item'::regtype
       OR f.proargtypes[1] <> 'text'::regtype OR f.proargtypes[2] <> 'text'::regtype
       OR f.prorettype <> 'text'::regtype OR f.proretset OR f.prokind <> 'f' THEN
        RAISE EXCEPTION 'validator % has the wrong signature', validator USING ERRCODE = 'WI422',
            HINT = 'A validator is f(item workitem.item, operation text, actor text) RETURNS text '
                   '(NULL allows, a reason denies).';
    END IF;
    PERFORM workitem.check_custom_function(validator::oid, 'custom validator');
    IF operation IS NOT NULL AND operation NOT IN ('create', 'activate', 'claim', 'allocate',
        'start', 'stop', 'release', 'delegate', 'resolve', 'forward', 'suspend', 'resume',
        'complete', 'fail', 'skip', 'cancel', 'cancel_workflow', 'mark_error', 'update',
        'save_output') THEN
        PERFORM workitem.raise_invalid(format('operation %s cannot have validators', operation));
    ELSIF task_name = '' OR tenant = '' OR tenant = '*' THEN
        PERFORM workitem.raise_invalid('task_name and tenant, when given, must not be empty');
    END IF;
    INSERT INTO workitem.custom_validator AS v (tenant_id, task_name, operation, function)
    VALUES (coalesce(tenant, '*'), workitem_register_validator.task_name,
            workitem_register_validator.operation, validator::oid::regprocedure)
    RETURNING v.* INTO saved;
    RETURN saved;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_register_validator(regproc, text, text, text) IS
$$Registers a custom validator (by function name), run after the six built-in validators on every operation named
(NULL: every operation on an item) for the task named (NULL: every task) in the tenant named
(NULL: every tenant). The validator is f(item workitem.item, operation text, actor text) RETURNS
text: NULL allows; a text denies the call with WI461 and that text as the message (a batch
reports it in the item's row). Validators for claim also judge claim_next, which passes over an
item they deny. A validator sees the item as it is before the operation (a complete's output is
not in it yet; a saved draft is); for create, the item as it would be inserted (no id yet), and a
denied create inserts nothing (in create_many, that element's row reports WI461). Superusers only.
The function must not run with more rights than its owner's: owned by a superuser, or SECURITY
DEFINER (it then runs as its owner); and it must pin its own search_path, naming pg_temp last
(SET search_path = app, pg_temp). This is checked here and again at every run (an ALTER FUNCTION
that breaks it makes the operations it judges fail with WI422, never skip it).
Switch all of them off with workitem_set_flag('custom_validators', false).
Errors: WI422 wrong signature, unknown operation, or a function that may not run as above.$$;
CREATE OR REPLACE FUNCTION @extschema@.workitem_register_strategy(name text, strategy regproc)
    RETURNS workitem.custom_strategy
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f pg_catalog.pg_proc;
    saved workitem.custom_strategy;
BEGIN
    IF name IS NULL OR name !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        PERFORM workitem.raise_invalid('name must be a lowercase identifier (a-z, 0-9, _)');
    ELSIF name IN ('offer', 'direct', 'round_robin', 'shortest_queue', 'random',
                   'retain_familiar') THEN
        PERFORM workitem.raise_invalid(format('%s is a built-in strategy', name));
    END IF;
    SELECT * INTO f FROM pg_catalog.pg_proc WHERE oid = strategy;
    IF NOT FOUND THEN
        PERFORM workitem.raise_invalid('strategy must name an existing function');
    END IF;
    IF f.pronargs <> 4 OR f.proargtypes[0] <> 'text'::regtype OR f.proargtypes[1] <> 'text'::regtype
       OR f.proargtypes[2] <> 'jsonb'::regtype OR f.proargtypes[3] <> 'text[]'::regtype
       OR f.prorettype <> 'text'::regtype OR f.proretset OR f.prokind <> 'f' THEN
        RAISE EXCEPTION 'strategy % has the wrong signature', strategy USING ERRCODE = 'WI422',
            HINT = 'A strategy is f(task_name text, workflow_id text, input jsonb, eligible text[]) '
                   'RETURNS text (the chosen user, NULL to offer the item).';
    END IF;
    PERFORM workitem.check_custom_function(strategy::oid, 'custom strategy');
    INSERT INTO workitem.custom_strategy AS s (name, function)
    VALUES (workitem_register_strategy.name, strategy::oid::regprocedure)
    ON CONFLICT ON CONSTRAINT custom_strategy_pkey DO UPDATE SET function = excluded.function
    RETURNING s.* INTO saved;
    RETURN saved;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_register_strategy(text, regproc) IS
$$Registers (or replaces) a custom distribution strategy under a name that assignments can then
use ("strategy": "<name>"). On create, the function f(task_name text, workflow_id text, input
jsonb, eligible text[]) RETURNS text is given the eligible users (as for the push strategies:
named or in a named group, not excluded, available, not away, below capacity) and returns the
chosen one; an answer that is NULL or not eligible offers the item. Superusers only. The function
must be owned by a superuser or be SECURITY DEFINER (it then runs as its owner), and pin its own
search_path naming pg_temp last; checked here and at every run (WI422).
workitem_set_flag('custom_strategies', false) switches them off (WI501).
Errors: WI422 bad name, wrong signature, or a function that may not run as above.$$;

-- Consumer names never collide across scopes; what consumers hold back is bounded; rewinds stay
-- within retention and the consumer's tenant; lock_batch checks the tenant before it locks
-- (issue 16, findings 14 and 17)
-- A tenant's consumer that has the name of an all-tenants consumer (the takeover of finding 14)
-- is renamed '<name> (renamed <id>)' - the all-tenants one keeps the name its service uses - with
-- a warning naming it; its position is kept.
DO $$
DECLARE
    taken record;
BEGIN
    FOR taken IN
        SELECT t.id, t.tenant_id, t.name FROM workitem.event_consumer t
         WHERE t.tenant_id <> '*'
           AND EXISTS (SELECT FROM workitem.event_consumer a
                        WHERE a.tenant_id = '*' AND a.name = t.name)
    LOOP
        UPDATE workitem.event_consumer
           SET name = format('%s (renamed %s)', left(taken.name, 150), taken.id)
         WHERE id = taken.id;
        RAISE WARNING 'workitem: consumer % of tenant % renamed to "% (renamed %)": an all-tenants consumer has its name',
            taken.name, taken.tenant_id, left(taken.name, 150), taken.id;
    END LOOP;
END;
$$;
ALTER TABLE workitem.event_consumer ADD COLUMN skipped_before timestamptz,
                                    ADD COLUMN skipped_at timestamptz;
COMMENT ON TABLE workitem.event_consumer IS
    'Named event consumers and where each stands: a snapshot position, the window being '
    'delivered and the batch handed out; and the gap retention made if it fell too far behind. '
    'A name is either a tenant''s or an all-tenants consumer''s, never both. Not in pg_dump '
    '(transaction ids do not survive a logical restore): re-create consumers after one and '
    'rewind them to last_finished_seq.';
CREATE OR REPLACE FUNCTION workitem.lock_batch(batch_id bigint) RETURNS workitem.event_consumer
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
CREATE OR REPLACE FUNCTION @extschema@.workitem_consumer_create(consumer text, all_tenants boolean DEFAULT false)
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
    -- Creations of one name, and of one tenant's consumers, take turns, so that the two checks
    -- below hold under concurrency.
    PERFORM pg_advisory_xact_lock(hashtext('workitem.event_consumer name'), hashtext(consumer));
    PERFORM pg_advisory_xact_lock(hashtext('workitem.event_consumer tenant'), hashtext(scope));
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
CREATE FUNCTION workitem.event_retention_start() RETURNS timestamptz
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT now() - s.setting::bigint * interval '1 second' FROM pg_settings s
     WHERE s.name = 'workitem.event_retention' AND s.setting::bigint > 0
$$;
COMMENT ON FUNCTION workitem.event_retention_start() IS
    'now() - workitem.event_retention: the oldest event retention keeps (NULL: all are kept).';
REVOKE ALL ON FUNCTION workitem.event_retention_start() FROM PUBLIC;
CREATE OR REPLACE FUNCTION @extschema@.workitem_consumer_rewind(consumer text, to_seq bigint DEFAULT NULL,
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
CREATE OR REPLACE FUNCTION workitem.event_lag_rows()
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

-- Partition upkeep leaves workitem_tick, in UTC months; timer events carry no caller trace
-- context; the tick records who ran it; timer_status shows other tenants' error texts to services
-- only (issue 16, findings 15, 16 and 18)
-- Partitions made before this update under a TimeZone other than UTC keep their bounds; the
-- month next to one of them starts (or ends) where it ends (or starts), not at the UTC month's.
CREATE OR REPLACE FUNCTION workitem.create_event_partitions(months_ahead integer DEFAULT 2)
    RETURNS SETOF text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- UTC months whatever the session's TimeZone (and bounds written with their offset): a
    -- partition made under another zone would overlap the next UTC month's.
    month_start date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    from_at timestamptz;
    to_at timestamptz;
    partition_name text;
BEGIN
    FOR i IN 0 .. months_ahead LOOP
        partition_name := format('event_%s', to_char(month_start, 'YYYYMM'));
        IF to_regclass(format('workitem.%I', partition_name)) IS NULL THEN
            from_at := (to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00')::timestamptz;
            to_at := (to_char(month_start + interval '1 month', 'YYYY-MM-DD')
                      || ' 00:00:00+00')::timestamptz;
            -- A neighbour made under another TimeZone (before 0.2.0) may reach into the month:
            -- the partition starts where it ends, or ends where it starts.
            SELECT coalesce(max(b.upper_bound) FILTER (WHERE b.lower_bound < from_at
                                                         AND b.upper_bound > from_at), from_at),
                   coalesce(min(b.lower_bound) FILTER (WHERE b.lower_bound < to_at
                                                         AND b.upper_bound > to_at), to_at)
              INTO from_at, to_at
              FROM (SELECT r[1]::timestamptz AS lower_bound, r[2]::timestamptz AS upper_bound
                      FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid,
                           LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                                'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)') AS r
                     WHERE h.inhparent = 'workitem.event'::regclass AND r IS NOT NULL) AS b;
            -- One that cannot be made all the same (another partition lies inside the month,
            -- or workitem.event_default already holds events of it) is skipped, not fatal: its
            -- events stay in the default partition.
            BEGIN
                EXECUTE format('CREATE TABLE workitem.%I PARTITION OF workitem.event '
                               'FOR VALUES FROM (%L) TO (%L)', partition_name,
                               to_char(from_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00',
                               to_char(to_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00');
                RETURN NEXT partition_name;
            EXCEPTION WHEN invalid_object_definition OR check_violation THEN
                RAISE WARNING 'workitem: event partition % not created: %', partition_name, SQLERRM
                    USING HINT = 'Its events go to workitem.event_default.';
            END;
        END IF;
        month_start := (month_start + interval '1 month')::date;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION workitem.create_event_partitions(integer) IS
    'Creates the monthly partitions of workitem.event (UTC months) from this month to '
    'months_ahead months ahead (those missing); returns the names created. A month that a '
    'partition made under another TimeZone reaches into starts or ends where that one does; one '
    'that cannot be created is skipped with a warning. Events never fail for lack of a '
    'partition (workitem.event_default catches them), but keep partitions ahead so retention '
    'can drop whole months.';
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
REVOKE ALL ON FUNCTION workitem.maintain_event_partitions() FROM PUBLIC;
ALTER FUNCTION @extschema@.workitem_tick(integer) SET workitem.trace_context = '';
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
workitem.timer_failures and retried later). Errors: WI422 max_items below 1.$$;
ALTER TABLE workitem.timer_stats ADD COLUMN last_tick_by text;
COMMENT ON TABLE workitem.timer_stats IS
    'What the timer did since the extension was created, per kind of action: items acted on, '
    'failures, the last tick, who ran it and the last error. Read it through '
    'workitem.timer_status.';
CREATE OR REPLACE VIEW workitem.timer_status AS
    SELECT current_database() AS database, s.action, s.last_tick_at, s.done, s.failed,
           s.last_done_at,
           CASE WHEN e.every_tenant THEN s.last_error ELSE f.message END AS last_error,
           CASE WHEN e.every_tenant THEN s.last_error_at ELSE f.last_failed_at END AS last_error_at,
           s.last_tick_by
      FROM workitem.timer_stats s
     CROSS JOIN (SELECT pg_catalog.pg_has_role(workitem.viewer(), 'workitem_service', 'USAGE')
                        AS every_tenant) e
      LEFT JOIN LATERAL (SELECT t.message, t.last_failed_at FROM workitem.timer_failures t
                          WHERE NOT e.every_tenant AND t.action = split_part(s.action, '.', 1)
                          ORDER BY t.last_failed_at DESC LIMIT 1) f ON true;
COMMENT ON VIEW workitem.timer_status IS
    'The timer per database and kind of action: when it last ticked and who ran the tick (the '
    'login role of a workitem_tick call, or workitem timer), how many items it acted on and how '
    'many failed since the extension was created (every tenant), and the last error: for services '
    'the cluster''s, for anyone else the latest failure of their own tenant.';

-- Consumer functions refuse a service acting on behalf of a user or reader (issue 16, deliverable 2).
CREATE OR REPLACE FUNCTION @extschema@.workitem_consumer_drop(consumer text) RETURNS void
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

CREATE OR REPLACE FUNCTION @extschema@.workitem_next_batch(consumer text, max_events integer DEFAULT 1000)
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

CREATE OR REPLACE FUNCTION @extschema@.workitem_batch_events(batch_id bigint) RETURNS SETOF workitem.event
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

CREATE OR REPLACE FUNCTION @extschema@.workitem_finish_batch(batch_id bigint) RETURNS integer
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

-- The directory functions as both sections above left them: capability and the one rule (merge of issue 16's fixes)
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
    PERFORM workitem.authorize('workitem_put_user');
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
group names up to 1000 bytes; at most 1000 groups; away_until finite, in the years 0001 to 9999),
WI403 a service acting on behalf of a user or reader (workitem.on_behalf).$$;

CREATE OR REPLACE FUNCTION @extschema@.workitem_put_users(users jsonb, replace_all boolean DEFAULT false)
    RETURNS TABLE (users_written integer, memberships integer, users_removed integer)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    bad text;
BEGIN
    PERFORM workitem.authorize('workitem_put_users');
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
Errors: WI422 a malformed element (the message shows it), WI403 a service acting on behalf of a
user or reader (workitem.on_behalf).$$;

-- workitem_create's documentation as both sections above left it
CREATE OR REPLACE FUNCTION @extschema@.workitem_create(
    workflow_id     text,
    task_name       text,
    assignment      jsonb DEFAULT '{}',
    input           jsonb DEFAULT NULL,
    priority        integer DEFAULT 0,
    queue           text DEFAULT NULL,
    due_at          timestamptz DEFAULT NULL,
    activate_at     timestamptz DEFAULT NULL,
    expires_at      timestamptz DEFAULT NULL,
    skippable       boolean DEFAULT false,
    step_ref        text DEFAULT NULL,
    actor           text DEFAULT NULL,
    idempotency_key text DEFAULT NULL,
    run_id          text DEFAULT NULL,
    follow_up_at    timestamptz DEFAULT NULL,
    deadlines       jsonb DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_create'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
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
or a service acting on behalf of a user or reader (workitem.on_behalf),
or a deadline action the creator may not set.$$;

-- Advisory lock keys keyed with a per-database secret (issue 16, finding 6)
CREATE TABLE workitem.lock_secret (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret   bytea NOT NULL CHECK (length(secret) = 32)
);
COMMENT ON TABLE workitem.lock_secret IS
    'The per-database secret keying the extension''s advisory locks (one row; nobody may read it).';
INSERT INTO workitem.lock_secret (secret)
    SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));
ALTER TABLE workitem.lock_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.lock_secret FORCE ROW LEVEL SECURITY;

-- Idempotency keys scoped per caller (issue 16, finding 10)
-- A stored key belongs to the calling role and the actor it acted as. Release 0.1.0 did not
-- record the role: an existing key is given to the actor of the events its call wrote (the
-- latest such event), as if that actor's own role had made the call - which is the case for users
-- and administrators acting as themselves; a service's retry of such a key runs as a new request.
-- Keys whose call wrote no event (a claim_next that found nothing) are dropped.
ALTER TABLE workitem.idempotency_key ADD COLUMN role_name text, ADD COLUMN actor text;
UPDATE workitem.idempotency_key k
   SET role_name = e.actor, actor = e.actor
  FROM (SELECT DISTINCT ON (v.tenant_id, v.idempotency_key) v.tenant_id, v.idempotency_key,
               v.actor
          FROM workitem.event v
         WHERE v.idempotency_key IS NOT NULL
         ORDER BY v.tenant_id, v.idempotency_key, v.seq DESC) AS e
 WHERE e.tenant_id = k.tenant_id AND e.idempotency_key = k.key;
DELETE FROM workitem.idempotency_key WHERE role_name IS NULL;
ALTER TABLE workitem.idempotency_key
    ALTER COLUMN role_name SET NOT NULL,
    ALTER COLUMN actor SET NOT NULL,
    DROP CONSTRAINT idempotency_key_pkey,
    ADD PRIMARY KEY (tenant_id, role_name, actor, key);
COMMENT ON TABLE workitem.idempotency_key IS
    'Outcomes of mutating calls made with an idempotency key, so a retry replays instead of '
    'acting twice. A key belongs to its caller: the tenant, the calling role (role_name) and the '
    'actor it acted as (a service acts for many). Purged after they expire.';

-- Visibility before everything on every operation (issue 16, finding 8)
COMMENT ON FUNCTION @extschema@.workitem_allowed_operations(bigint, text) IS
$$The operations actor may perform on the item now (as WS-HumanTask's getTaskOperations),
decided by the same transition table and validators that judge an attempt, so the answer never
disagrees with a call made right after. Errors: WI404 no such item, or one the actor may not see
(answered alike), WI422 no actor.$$;

-- workitem_allowed_operations' documentation as both sections above left it
CREATE OR REPLACE FUNCTION @extschema@.workitem_allowed_operations(id bigint, actor text)
    RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_allowed_operations'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_allowed_operations(bigint, text) IS
$$The operations actor may perform on the item now (as WS-HumanTask's getTaskOperations),
decided by the same transition table and validators that judge an attempt, so the answer never
disagrees with a call made right after (none for a reader, or a service acting on behalf of one).
Errors: WI404 no such item, or one the actor may not see (answered alike), WI422 no actor.$$;

-- The second attack's findings (issue 16): secret keys for the consumers' locks, the service
-- capability as caller_capability says it (on_behalf counts), the monitoring views authorized.
CREATE FUNCTION workitem.lock_key(name text) RETURNS bigint
    LANGUAGE sql STABLE
    RETURN (SELECT ('x' || pg_catalog.encode(pg_catalog.substr(pg_catalog.sha256(
                       s.secret || pg_catalog.convert_to(name, 'UTF8')), 1, 8), 'hex'))
                   ::pg_catalog.bit(64)::pg_catalog.int8
              FROM workitem.lock_secret s);
COMMENT ON FUNCTION workitem.lock_key(text) IS
    'The advisory-lock key of a name, keyed with the database''s secret (workitem.lock_secret): '
    'no other role can compute it.';
CREATE OR REPLACE FUNCTION workitem.caller_is_service() RETURNS boolean
    LANGUAGE sql STABLE
    RETURN workitem.caller_capability() = 'service';
COMMENT ON FUNCTION workitem.caller_is_service() IS
    'Whether the call has the service capability: a superuser or workitem_service that does not '
    'act on behalf of an end user (workitem.on_behalf).';
CREATE OR REPLACE VIEW workitem.timer_failures AS
    SELECT i.tenant_id, f.item_id, f.action, f.attempts, f.sqlstate, f.message,
           f.first_failed_at, f.last_failed_at, f.next_attempt_at
      FROM workitem.timer_failure f JOIN workitem.item i ON i.id = f.item_id
     WHERE i.tenant_id = (SELECT workitem.current_tenant())
       AND workitem.authorize('workitem.timer_failures');
CREATE OR REPLACE VIEW workitem.timer_status AS
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
CREATE OR REPLACE VIEW workitem.event_lag AS
    SELECT * FROM workitem.event_lag_rows() WHERE workitem.authorize('workitem.event_lag');

-- Reads settle the viewer before reading a row; consumer_create's secret keys; the tick for services only (issue 16, second attack)
CREATE OR REPLACE FUNCTION @extschema@.workitem_get(id bigint, actor text DEFAULT NULL)
    RETURNS workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found_item workitem.item;
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF id IS NULL THEN
        PERFORM workitem.raise_invalid('id is required');
    END IF;
    SELECT i.* INTO found_item FROM workitem.item i
     WHERE i.id = workitem_get.id
       AND workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from, i.candidates,
                            i.administrators, actor);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'item % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant()),
            HINT = 'Check the id and the workitem.tenant setting.';
    END IF;
    RETURN found_item;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_get(bigint, text) IS
$$Returns one item of the current tenant that the reader may see (WI404 otherwise, as if it did
not exist). actor: a service reads as this user. Errors: WI404, WI422 no id, WI403 a
non-service naming another actor.$$;

CREATE OR REPLACE FUNCTION @extschema@.workitem_list(
    state           workitem.state DEFAULT NULL,
    queue           text DEFAULT NULL,
    task_name       text DEFAULT NULL,
    workflow_id     text DEFAULT NULL,
    owner           text DEFAULT NULL,
    potential_owner text DEFAULT NULL,
    due_before      timestamptz DEFAULT NULL,
    due_after       timestamptz DEFAULT NULL,
    min_priority    integer DEFAULT NULL,
    after_id        bigint DEFAULT NULL,
    page_size       integer DEFAULT 100,
    actor           text DEFAULT NULL)
    RETURNS SETOF workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    owner_principals text[];
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    IF potential_owner IS NOT NULL THEN
        owner_principals := workitem.principals_of(tenant, potential_owner);
    END IF;
    RETURN QUERY
        SELECT i.* FROM workitem.item i
         WHERE workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from,
                                i.candidates, i.administrators, workitem_list.actor)
           AND (workitem_list.state IS NULL OR i.state = workitem_list.state)
           AND (workitem_list.queue IS NULL OR i.queue = workitem_list.queue)
           AND (workitem_list.task_name IS NULL OR i.task_name = workitem_list.task_name)
           AND (workitem_list.workflow_id IS NULL OR i.workflow_id = workitem_list.workflow_id)
           AND (workitem_list.owner IS NULL OR i.owner = workitem_list.owner)
           AND (owner_principals IS NULL
                OR (i.candidates && owner_principals AND NOT i.excluded && owner_principals))
           AND (due_before IS NULL OR i.due_at < due_before)
           AND (due_after IS NULL OR i.due_at >= due_after)
           AND (min_priority IS NULL OR i.priority >= min_priority)
           AND (after_id IS NULL OR i.id > after_id)
         ORDER BY i.id
         LIMIT page_size;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_list(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, bigint, integer, text) IS
$$Lists items of the current tenant matching every filter given, in id order, at most page_size
(1..10000, default 100) rows. Keyset paging: pass the last id of a page as after_id for the next.
potential_owner: items naming that user or one of their groups as potential owner (and not
excluding them). due_before is exclusive, due_after inclusive. Errors: WI422 bad page_size.$$;

CREATE OR REPLACE FUNCTION @extschema@.workitem_count(
    state           workitem.state DEFAULT NULL,
    queue           text DEFAULT NULL,
    task_name       text DEFAULT NULL,
    workflow_id     text DEFAULT NULL,
    owner           text DEFAULT NULL,
    potential_owner text DEFAULT NULL,
    due_before      timestamptz DEFAULT NULL,
    due_after       timestamptz DEFAULT NULL,
    min_priority    integer DEFAULT NULL,
    actor           text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    owner_principals text[];
    total bigint;
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF potential_owner IS NOT NULL THEN
        owner_principals := workitem.principals_of(tenant, potential_owner);
    END IF;
    SELECT count(*) INTO total FROM workitem.item i
     WHERE workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from,
                            i.candidates, i.administrators, workitem_count.actor)
       AND (workitem_count.state IS NULL OR i.state = workitem_count.state)
       AND (workitem_count.queue IS NULL OR i.queue = workitem_count.queue)
       AND (workitem_count.task_name IS NULL OR i.task_name = workitem_count.task_name)
       AND (workitem_count.workflow_id IS NULL OR i.workflow_id = workitem_count.workflow_id)
       AND (workitem_count.owner IS NULL OR i.owner = workitem_count.owner)
       AND (owner_principals IS NULL
            OR (i.candidates && owner_principals AND NOT i.excluded && owner_principals))
       AND (due_before IS NULL OR i.due_at < due_before)
       AND (due_after IS NULL OR i.due_at >= due_after)
       AND (min_priority IS NULL OR i.priority >= min_priority);
    RETURN total;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_count(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, text) IS
$$How many items of the current tenant match every filter given (the filters of workitem_list).$$;

CREATE OR REPLACE FUNCTION @extschema@.workitem_history(id bigint, actor text DEFAULT NULL)
    RETURNS SETOF workitem.event
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF id IS NULL THEN
        PERFORM workitem.raise_invalid('id is required');
    END IF;
    -- The item must be visible to the reader (an item purged by retention: readers who see all).
    IF NOT EXISTS (SELECT FROM workitem.item i
                    WHERE i.id = workitem_history.id
                      AND workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from,
                                           i.candidates, i.administrators, actor))
       AND NOT (SELECT workitem.viewer_sees_all(actor)) THEN
        RAISE EXCEPTION 'item % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
    RETURN QUERY
        SELECT e.* FROM workitem.event e
         WHERE e.aggregateid = workitem_history.id AND e.tenant_id = workitem.current_tenant()
         ORDER BY e.aggregate_version, e.seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'item % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_history(bigint, text) IS
$$The item's events in version order: who did what (actor; login: the session's login role;
capability: what the call was authorized with, e.g. service:user for a service acting on behalf of
the actor), when, and payload->'changes' with the old and new value of every changed field. Only
for items the reader may see (actor: a service reads as this user). Errors: WI404 no such item
(or no events left), WI403.$$;

CREATE OR REPLACE FUNCTION @extschema@.workitem_consumer_create(consumer text, all_tenants boolean DEFAULT false)
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

CREATE OR REPLACE FUNCTION @extschema@.workitem_tick(max_items integer DEFAULT 1000)
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
INSERT INTO workitem.required_capability VALUES ('workitem.authorize', 'reader'),
    ('workitem.caller_capability', 'reader');

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

-- Items nobody can take are not created silently (issue 18, finding 8)
-- (the worklist's warning for an actor the directory does not know: with its offer entries below)
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
An item offered to nobody who can claim it (no potential owners, or only groups without members
and users a tenant's directory does not know) is created with a WARNING saying so.
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
or a service acting on behalf of a user or reader (workitem.on_behalf),
or a deadline action the creator may not set.$$;
COMMENT ON FUNCTION @extschema@.workitem_create_many(jsonb, text, text) IS
$$Creates many items in one call: items is a JSON array of objects whose keys are
workitem_create's parameters (workflow_id and task_name required; times as ISO 8601 strings).
Returns one row per element (numbered from 1), in order: ok with the new (or, for a repeated step_ref, existing)
item, or the SQLSTATE and message that refused that element; one bad element does not stop the
others, and so does an element that cannot be read (a malformed timestamp, a priority out of
range: WI422 naming the field). At most workitem.max_batch_size elements. An idempotency key
covers the whole call. One WARNING lists the new items some or all of their potential owners
cannot claim (workitem_create).$$;

-- The directory's reads (get, list users, list groups) and the removal of a user (issue 18)
CREATE TYPE workitem.directory_entry AS (
    tenant_id  text,
    user_id    text,
    available  boolean,
    capacity   integer,
    away_until timestamptz,
    created_at timestamptz,
    updated_at timestamptz,
    groups     text[]);
COMMENT ON TYPE workitem.directory_entry IS
    'A directory user with their groups (sorted), as workitem_get_user and workitem_list_users answer.';

INSERT INTO workitem.required_capability VALUES ('workitem_get_user', 'reader');
CREATE FUNCTION @extschema@.workitem_get_user(user_id text)
    RETURNS SETOF workitem.directory_entry
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_get_user');
    IF workitem_get_user.user_id IS NULL OR octet_length(workitem_get_user.user_id) > 1000 THEN
        PERFORM workitem.raise_invalid('user_id is required (at most 1000 bytes)');
    END IF;
    RETURN QUERY
        SELECT d.tenant_id, d.user_id, d.available, d.capacity, d.away_until, d.created_at,
               d.updated_at,
               ARRAY(SELECT m.group_id FROM workitem.group_member m
                      WHERE m.tenant_id = d.tenant_id AND m.user_id = d.user_id
                      ORDER BY m.group_id)
          FROM workitem.directory_user d
         WHERE d.tenant_id = tenant AND d.user_id = workitem_get_user.user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not in the directory', left(workitem_get_user.user_id, 100)
            USING ERRCODE = 'WI404',
                  HINT = 'workitem_put_user adds a user; workitem_list_users lists them.';
    END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_get_user(text) IS
$$Returns one directory user of the current tenant with their groups (sorted). Errors: WI404 not
in this tenant's directory, WI422 no user_id or one longer than 1000 bytes.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_list_users', 'reader');
CREATE FUNCTION @extschema@.workitem_list_users(
    group_id  text DEFAULT NULL,
    after     text DEFAULT NULL,
    page_size integer DEFAULT 100)
    RETURNS SETOF workitem.directory_entry
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_list_users');
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    IF octet_length(workitem_list_users.group_id) > 1000 OR octet_length(after) > 1000 THEN
        PERFORM workitem.raise_invalid('group_id and after are at most 1000 bytes');
    END IF;
    RETURN QUERY
        SELECT d.tenant_id, d.user_id, d.available, d.capacity, d.away_until, d.created_at,
               d.updated_at,
               ARRAY(SELECT m.group_id FROM workitem.group_member m
                      WHERE m.tenant_id = d.tenant_id AND m.user_id = d.user_id
                      ORDER BY m.group_id)
          FROM workitem.directory_user d
         WHERE d.tenant_id = tenant
           AND (after IS NULL OR d.user_id > after)
           AND (workitem_list_users.group_id IS NULL
                OR EXISTS (SELECT FROM workitem.group_member g
                            WHERE g.tenant_id = d.tenant_id AND g.user_id = d.user_id
                              AND g.group_id = workitem_list_users.group_id))
         ORDER BY d.user_id
         LIMIT page_size;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_list_users(text, text, integer) IS
$$Lists the current tenant's directory users (with their groups) in user_id order, at most
page_size (1..10000, default 100). group_id: only that group's members. Keyset paging: pass the
last user_id of a page as after for the next. Errors: WI422 bad page_size, a group_id or after
longer than 1000 bytes.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_list_groups', 'reader');
CREATE FUNCTION @extschema@.workitem_list_groups(after text DEFAULT NULL, page_size integer DEFAULT 100)
    RETURNS TABLE (group_id text, members bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    tenant text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_list_groups');
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    IF octet_length(after) > 1000 THEN
        PERFORM workitem.raise_invalid('after is at most 1000 bytes');
    END IF;
    RETURN QUERY
        SELECT m.group_id, count(*)
          FROM workitem.group_member m
         WHERE m.tenant_id = tenant AND (after IS NULL OR m.group_id > after)
         GROUP BY m.group_id
         ORDER BY m.group_id
         LIMIT page_size;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_list_groups(text, integer) IS
$$Lists the current tenant's groups (a group exists while it has a member) with their member
counts, in group_id order, at most page_size (1..10000, default 100). Keyset paging: pass the
last group_id of a page as after for the next. Errors: WI422 bad page_size, an after longer than
1000 bytes.$$;

-- Removing a user changes only the directory: items offered to them stay offered (to the others
-- named), items they hold stay theirs until an administrator reallocates or cancels them, so no
-- item changes without an event. A user put again later is the same principal.
INSERT INTO workitem.required_capability VALUES ('workitem_delete_user', 'admin');
CREATE FUNCTION @extschema@.workitem_delete_user(user_id text)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_delete_user');
    IF user_id IS NULL OR octet_length(user_id) > 1000 THEN
        PERFORM workitem.raise_invalid('user_id is required (at most 1000 bytes)');
    END IF;
    -- The memberships go with the user (ON DELETE CASCADE).
    DELETE FROM workitem.directory_user d
     WHERE d.tenant_id = tenant AND d.user_id = workitem_delete_user.user_id;
    RETURN FOUND;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_delete_user(text) IS
$$Removes a user (and their group memberships) from the current tenant's directory; returns
whether they were there. Only the directory changes: items naming them as potential owner stay
offered, items they hold stay theirs (an administrator reallocates or cancels them), their events
stay. Push strategies no longer choose them and group assignments no longer reach them. Errors:
WI422 no user_id or one longer than 1000 bytes, WI403 a service acting on behalf of a user or
reader (workitem.on_behalf).$$;

-- The offer entries: claim_next and the worklist read the offered items by principal from a
-- narrow table the item trigger keeps, instead of the item table's per-principal indexes
-- (issue 19). Existing offered items get their entries here.
CREATE TABLE workitem.offer (
    item_id    bigint NOT NULL,
    principal  text NOT NULL,
    tenant_id  text NOT NULL,
    queue      text,
    task_name  text NOT NULL,
    priority   integer NOT NULL,
    due_at     timestamptz,
    expires_at timestamptz,
    excluded   text[] NOT NULL,
    PRIMARY KEY (item_id, principal)
)
-- A queue's churn: every offer inserts rows, every claim deletes them, and each claim's index scan
-- steps over the dead entries until a vacuum removes them; at the default 20% of the table a
-- busy queue walks a growing backlog of them (docs/operations.md, vacuum).
WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);
COMMENT ON TABLE workitem.offer IS
    'The offered items by potential owner (one row per principal of each offered item), kept by the '
    'item_log trigger for claim_next and the worklist. Internal: no role reads it.';
CREATE INDEX offer_best_first ON workitem.offer
    (tenant_id, principal, priority DESC, due_at ASC NULLS LAST, item_id);
CREATE INDEX offer_best_first_in_queue ON workitem.offer
    (tenant_id, queue, principal, priority DESC, due_at ASC NULLS LAST, item_id);
ALTER TABLE workitem.offer ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.offer FORCE ROW LEVEL SECURITY;
INSERT INTO workitem.offer (item_id, principal, tenant_id, queue, task_name, priority, due_at,
                            expires_at, excluded)
SELECT i.id, p.principal, i.tenant_id, i.queue, i.task_name, i.priority, i.due_at, i.expires_at,
       i.excluded
  FROM workitem.item i, LATERAL (SELECT DISTINCT unnest(i.candidates)) AS p(principal)
 WHERE i.state = 'offered';
DROP INDEX workitem.item_offered_to_one;
DROP INDEX workitem.item_offered_to_one_in_queue;
DROP INDEX workitem.item_offered_to_several;

-- The worklist reads the offer entries (issue 19), and warns for an actor the directory does not
-- know (issue 18, finding 8)
CREATE OR REPLACE FUNCTION @extschema@.workitem_worklist(
    actor     text,
    queue     text DEFAULT NULL,
    page_size integer DEFAULT 100)
    RETURNS SETOF workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    principals text[];
BEGIN
    IF actor IS NULL OR actor = '' THEN
        PERFORM workitem.raise_invalid('actor is required');
    END IF;
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    principals := workitem.principals_of(tenant, actor);
    PERFORM workitem.viewer(actor);  -- a non-service may only ask for its own worklist
    -- An actor the directory does not know (in a tenant that keeps one) has no groups: say so
    -- rather than answer with an empty page that looks like "nothing to do".
    IF NOT EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = tenant AND d.user_id = actor)
       AND EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = tenant) THEN
        RAISE WARNING 'user % is not in the directory of tenant %: only items offered to them by name are listed',
            actor, tenant
            USING HINT = 'Sync them into the directory (workitem_put_user) to give them their groups.';
    END IF;
    -- Like claim_next: the best page of the offer entries of each principal of the actor, and
    -- what the actor holds, merged; never a walk past the items offered to others.
    RETURN QUERY
        SELECT w.* FROM (
            SELECT i.* FROM workitem.item i
             WHERE i.id IN (
                SELECT o.item_id FROM unnest(principals) AS p(principal)
                CROSS JOIN LATERAL (
                    SELECT e.item_id FROM workitem.offer e
                     WHERE e.tenant_id = tenant AND e.principal = p.principal
                       AND (workitem_worklist.queue IS NULL OR e.queue = workitem_worklist.queue)
                       AND NOT e.excluded && principals
                       AND (e.expires_at IS NULL OR e.expires_at > now())
                     ORDER BY e.priority DESC, e.due_at ASC NULLS LAST, e.item_id
                     LIMIT page_size) AS o)
               AND i.tenant_id = tenant AND i.state = 'offered'
            UNION ALL
            SELECT i.* FROM workitem.item i
             WHERE i.tenant_id = tenant AND i.owner = actor
               AND i.state IN ('allocated', 'started', 'suspended')
               AND (workitem_worklist.queue IS NULL OR i.queue = workitem_worklist.queue)) AS w
         ORDER BY w.priority DESC, w.due_at ASC NULLS LAST, w.id
         LIMIT page_size;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_worklist(text, text, integer) IS
$$The actor's worklist: items offered to them (directly or through a group, not excluded, not
expired) and items they hold (allocated, started, suspended), best first: priority, then due
date, then age. At most page_size rows. Warns when the tenant keeps a directory that does not
know the actor. Errors: WI422 no actor or bad page_size.$$;

-- claim_next takes several items in one call (max_items; issue 19, batch activation).
DROP FUNCTION @extschema@.workitem_claim_next(text, text, text, integer, text);
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
skipped, never waited for, so concurrent workers never get the same item. An idempotency key
covers the whole call: a retry returns the same items. Errors: WI422 bad input (max_items from
1 to workitem.max_batch_size).$$;

-- Acknowledge-and-claim: a worker's outcomes and its next claims in one call (issue 19).
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

-- claim_next's statement, for EXPLAIN in the tests (issue 19)
CREATE FUNCTION workitem.claim_next_statement(in_queue boolean) RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_claim_next_statement' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION workitem.claim_next_statement(boolean) IS
    'Internal, for the tests (sql/claim_next_plans.sql): the text of the statement '
    'workitem_claim_next finds and locks its item with, in a queue or in any queue, so that its '
    'plan can be checked with EXPLAIN on the statement itself. Granted to no role.';

-- wake-ups (issue 19)
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

COMMENT ON FUNCTION @extschema@.workitem_event_notify(boolean) IS
$$Release 0.1.0's wake-up, kept for its callers: prefer workitem_await_events, which costs a
commit nothing while nobody waits. Switches it on or off (off after install): when on, every
transaction that writes events sends one NOTIFY workitem_events at commit (never one per event),
so a consumer may LISTEN workitem_events and call workitem_next_batch when woken, polling still
as a fallback (a notification is lost while disconnected). Cost: a committing transaction with a
pending NOTIFY takes a cluster-wide lock, so writers' commits are serialised; leave it off under
many concurrent writers. Superusers only. Errors: WI422 enabled NULL.$$;

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

-- Default leases for workers' claims, stranded work, lease expiries counted apart (issue 20).
-- Default leases for workers' claims (docs/domain.md §5): per queue or task of a tenant, cached
-- in every backend (reloaded when this table changes), so a claim never reads the table.
CREATE TABLE workitem.lease_default (
    tenant_id     text NOT NULL,
    queue         text,
    task_name     text,
    lease_seconds integer NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lease_default_queue_or_task CHECK ((queue IS NULL) <> (task_name IS NULL)),
    CONSTRAINT lease_default_positive CHECK (lease_seconds BETWEEN 1 AND 366 * 24 * 3600)
);
CREATE UNIQUE INDEX lease_default_key
    ON workitem.lease_default (tenant_id, coalesce(queue, ''), coalesce(task_name, ''));
COMMENT ON TABLE workitem.lease_default IS
    'The lease a worker''s claim (claim_next) takes in a queue or of a task when neither the call '
    'nor the assignment names one; a task''s wins over its queue''s, both over '
    'workitem.default_lease_seconds. Set through workitem_set_lease_default.';
CREATE TRIGGER lease_default_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON workitem.lease_default FOR EACH STATEMENT EXECUTE FUNCTION workitem.invalidate_caches();
ALTER TABLE workitem.lease_default ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.lease_default FORCE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('workitem.lease_default', '');

INSERT INTO workitem.required_capability VALUES ('workitem_set_lease_default', 'admin');
CREATE FUNCTION @extschema@.workitem_set_lease_default(
    queue text DEFAULT NULL, task_name text DEFAULT NULL, lease_seconds integer DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    previous integer;
BEGIN
    PERFORM workitem.authorize('workitem_set_lease_default');
    IF (queue IS NULL) = (task_name IS NULL) THEN
        PERFORM workitem.raise_invalid('name exactly one of queue and task_name');
    ELSIF octet_length(coalesce(queue, task_name)) > 1000 THEN
        PERFORM workitem.raise_invalid(CASE WHEN queue IS NULL THEN 'task_name' ELSE 'queue' END
                                       || ' is longer than 1000 bytes');
    ELSIF lease_seconds < 1 OR lease_seconds > 366 * 24 * 3600 THEN
        PERFORM workitem.raise_invalid('lease_seconds must be between 1 and 31622400');
    END IF;
    DELETE FROM workitem.lease_default d
     WHERE d.tenant_id = tenant AND d.queue IS NOT DISTINCT FROM workitem_set_lease_default.queue
       AND d.task_name IS NOT DISTINCT FROM workitem_set_lease_default.task_name
    RETURNING d.lease_seconds INTO previous;
    IF lease_seconds IS NOT NULL THEN
        INSERT INTO workitem.lease_default (tenant_id, queue, task_name, lease_seconds)
        VALUES (tenant, workitem_set_lease_default.queue, workitem_set_lease_default.task_name,
                workitem_set_lease_default.lease_seconds);
    END IF;
    RETURN previous;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_set_lease_default(text, text, integer) IS
$$Sets (lease_seconds) or removes (lease_seconds NULL) the default lease of a worker's claim
(workitem_claim_next, workitem_acknowledge_and_claim_next) in one queue or of one task of the
current tenant: what the claim takes when neither the call's lease_seconds nor the item's
assignment names one. A task's default wins over its queue's; without either the claim takes
workitem.default_lease_seconds (300 s). Claims by id (workitem_claim, workitem_start) never take
it. Takes effect in every session at its next transaction. Returns the default it replaced (NULL:
none). Errors: WI422 neither or both of queue and task_name, a name over 1000 bytes, lease_seconds
outside 1..31622400; WI403 a service acting on behalf of a user or reader.$$;

-- Work held without a lease nobody will give back on its own: a person's claim, or a worker's
-- claim made with workitem.default_lease_seconds = 0 (or before the default lease existed).
INSERT INTO workitem.required_capability VALUES ('workitem.stranded_items', 'reader');
CREATE VIEW workitem.stranded_items WITH (security_invoker = true) AS
    SELECT tenant_id, id, queue, task_name, state, owner, updated_at AS unchanged_since,
           now() - updated_at AS unchanged_for
      FROM workitem.item
     WHERE state IN ('allocated', 'started') AND lease_until IS NULL
       AND updated_at < now() - coalesce(
               nullif(pg_catalog.current_setting('workitem.stranded_after', true), '')::interval,
               interval '24 hours');
COMMENT ON VIEW workitem.stranded_items IS
    'Items held (allocated or started) without a lease and unchanged for longer than '
    'workitem.stranded_after (24 hours): no timer will give them back. Release, reallocate or '
    'cancel them.';

INSERT INTO workitem.timer_stats (action) VALUES ('lease_expire.error');
COMMENT ON TABLE workitem.timer_stats IS
    'What the timer did since the extension was created, per kind of action (lease_expire: '
    'leases that ran out and gave the item back; lease_expire.error: those that sent it to '
    'error): items acted on, failures, the last tick, who ran it and the last error. Read it '
    'through workitem.timer_status.';
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
COMMENT ON FUNCTION @extschema@.workitem_heartbeat(bigint, text, integer) IS
$$Extends the owner's lease: lease_until := now + lease_seconds (default: the lease taken with
the claim; a worker's default lease is extended by the default of the item's task or queue, else
workitem.default_lease_seconds). Changes neither the version nor the event log.
Errors: WI404, WI409 not held, WI423, WI403, WI419 the lease already ran out, WI410, WI422.$$;

-- Keep this the last statement of the step: every object now exists, so the grants follow the
-- declarations (a later section goes above it).
SELECT workitem.apply_grants();

--------------------------------------------------------------------------------------------------
-- The relay's dead letters (issue 22): the table and the functions of
-- parts/32-relay-dead-letters.sql, then the grants again, since they follow the declarations.
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

-- Idempotency keys that remember refusals (issue 21).
--------------------------------------------------------------------------------------------------
-- A refused call rolls back, so its key stays free and a retry could do what the first call was
-- refused. The refusal is noted in the session's memory as it is raised; this function, called
-- in the next transaction of the same session, stores it as the key's outcome, and every retry
-- then raises the same error (extension/pg/policy/refusal_note.hpp).
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_remember_refusal', 'user');
CREATE FUNCTION @extschema@.workitem_remember_refusal(idempotency_key text DEFAULT NULL)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'workitem_remember_refusal'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_remember_refusal(text) IS
$$Stores the refusal of this session's last call made with an idempotency key as that key's
outcome, so that a retry with the key - from any session - raises the same error (SQLSTATE,
message, detail, hint) instead of running again; the same key with another request stays WI428.
Call it in a new transaction right after the refused one, on the same connection, as the same
role; with idempotency_key, only a refusal of a call with that key is stored. Noted are the
refusals of class WI raised after the key was looked up (not WI428, not WI501); nothing is noted
for a call without a key, for PostgreSQL's own errors (serialization failures, deadlocks,
cancellations), or once another keyed call was made. Stores nothing if the key was used
meanwhile. Returns whether it stored a refusal.$$;

-- pg_dump keeps the offers, the timer's failures and the dead letters too (docs/operations.md,
-- Backups): a restore runs with the triggers off, so nothing would rebuild the offers.
SELECT pg_catalog.pg_extension_config_dump('workitem.offer', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.timer_failure', '');

SELECT workitem.apply_grants();
