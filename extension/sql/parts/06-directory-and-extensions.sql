-- The directory functions, custom validators and strategies, feature flags.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- Directory
--------------------------------------------------------------------------------------------------
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

INSERT INTO workitem.required_capability VALUES ('workitem_put_user', 'admin');
CREATE FUNCTION @extschema@.workitem_put_user(
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

INSERT INTO workitem.required_capability VALUES ('workitem_put_users', 'admin');
CREATE FUNCTION @extschema@.workitem_put_users(users jsonb, replace_all boolean DEFAULT false)
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

-- The directory's reads and the removal of one user (issue 18). The reads are keyset-paged and
-- bounded like workitem_list; they show only the current tenant's directory.
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

INSERT INTO workitem.required_capability VALUES ('workitem_register_validator', 'superuser');
CREATE FUNCTION @extschema@.workitem_register_validator(
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

INSERT INTO workitem.required_capability VALUES ('workitem_unregister_validator', 'superuser');
CREATE FUNCTION @extschema@.workitem_unregister_validator(id bigint)
    RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (DELETE FROM workitem.custom_validator v WHERE v.id = $1 RETURNING 1)
    SELECT EXISTS (SELECT FROM gone)
$$;
COMMENT ON FUNCTION @extschema@.workitem_unregister_validator(bigint) IS
$$Removes a custom validator by its id; returns whether it existed.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_register_strategy', 'superuser');
CREATE FUNCTION @extschema@.workitem_register_strategy(name text, strategy regproc)
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

INSERT INTO workitem.required_capability VALUES ('workitem_set_flag', 'admin');
CREATE FUNCTION @extschema@.workitem_set_flag(name text, enabled boolean, tenant text DEFAULT NULL)
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

