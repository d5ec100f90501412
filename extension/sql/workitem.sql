-- workitem: workflow work items inside PostgreSQL.
-- This is the install script of the version in development; `make` writes it, with the parts under
-- parts/, to workitem--<version>.sql. Every change here adds its step to the upgrade script
-- workitem--<previous>--<version>.sql in the same commit (docs/upgrades.md).
\echo Use "CREATE EXTENSION workitem" to load this file. \quit

-- Internal objects live in the schema `workitem`; the public functions live in the schema
-- chosen at CREATE EXTENSION (@extschema@, public by default) so psql users call them unqualified.
CREATE SCHEMA workitem;
COMMENT ON SCHEMA workitem IS 'Internal tables, types and helpers of the workitem extension.';
REVOKE ALL ON SCHEMA workitem FROM PUBLIC;

-- The four roles of domain.md §6. Roles are cluster-wide: created once, kept by DROP EXTENSION.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['workitem_reader', 'workitem_user', 'workitem_service',
                                     'workitem_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
        END IF;
    END LOOP;
END;
$$;

--------------------------------------------------------------------------------------------------
-- Who may call each function and read each table or view (docs/security.md). Each object
-- declares its capability once, on the line above its definition; workitem.apply_grants(), run
-- at the end of the install and of every upgrade, derives every GRANT from these rows, and the
-- security matrix test derives what each role must be allowed and refused from them. A public
-- workitem_* function without a row fails that test; an internal object without one is granted
-- to nobody.
--   reader:    workitem_reader, workitem_user, workitem_admin, workitem_service
--   user:      workitem_user, workitem_admin, workitem_service
--   admin:     workitem_admin, workitem_service
--   service:   workitem_service
--   superuser: nobody (superusers only)
--------------------------------------------------------------------------------------------------
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

--------------------------------------------------------------------------------------------------
-- Types
--------------------------------------------------------------------------------------------------
CREATE TYPE workitem.state AS ENUM (
    'created', 'offered', 'allocated', 'started', 'suspended',
    'completed', 'failed', 'error', 'cancelled', 'skipped', 'expired');
COMMENT ON TYPE workitem.state IS
    'Lifecycle state of a work item. Active: created, offered, allocated, started, suspended. '
    'Terminal (never change again): completed, failed, error, cancelled, skipped, expired.';

CREATE TYPE workitem.delegation_state AS ENUM ('none', 'pending', 'resolved');
COMMENT ON TYPE workitem.delegation_state IS
    'pending: the owner is a delegate who must resolve the item back to delegated_from.';

CREATE FUNCTION workitem.assignment_principals(spec jsonb, part text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_assignment_principals'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION workitem.assignment_principals(jsonb, text) IS
    'Users and groups named in one part of an assignment spec, as ''u:<user>'' and ''g:<group>''.';

--------------------------------------------------------------------------------------------------
-- The work item
--------------------------------------------------------------------------------------------------
-- Column order is part of the hot path: a state transition rewrites the row, and when the new
-- version lands on the same page (fillfactor leaves room) PostgreSQL logs only the bytes between
-- the longest unchanged prefix and suffix. So the columns a claim, start or complete changes come
-- last, after everything that is fixed at create or changes rarely.
INSERT INTO workitem.required_capability VALUES ('workitem.item', 'reader');
CREATE TABLE workitem.item (
    -- fixed at create
    id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id           text NOT NULL DEFAULT 'default',
    workflow_id         text NOT NULL,
    run_id              text,
    step_ref            text,
    task_name           text NOT NULL,
    created_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- What the creating request was, so a retried create of the same step is recognised.
    create_request_hash bytea,
    skippable           boolean NOT NULL DEFAULT false,
    activate_at         timestamptz,
    input               jsonb,
    -- changed by update, forward, delegate, escalation and the timers
    queue               text,
    priority            integer NOT NULL DEFAULT 0,
    assignment          jsonb NOT NULL DEFAULT '{}',
    -- Derived from the assignment by the item_log trigger (whenever it changes), so indexes and
    -- the claim_next query can use them: 'u:<user>' and 'g:<group>'.
    candidates          text[] NOT NULL DEFAULT '{}',
    excluded            text[] NOT NULL DEFAULT '{}',
    administrators      text[] NOT NULL DEFAULT '{}',
    due_at              timestamptz,
    follow_up_at        timestamptz,
    expires_at          timestamptz,
    deadlines           jsonb NOT NULL DEFAULT '[]',
    escalation_level    integer NOT NULL DEFAULT 0,
    delegated_from      text,
    delegation_state    workitem.delegation_state NOT NULL DEFAULT 'none',
    resume_to           workitem.state,
    suspended_until     timestamptz,
    lease_seconds       integer,
    lease_expiries      integer NOT NULL DEFAULT 0,
    lease_expired_owner text,
    fault               jsonb,
    -- changed by (almost) every transition
    state               workitem.state NOT NULL,
    owner               text,
    version             bigint NOT NULL DEFAULT 1,
    lease_until         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    completed_at        timestamptz,
    output              jsonb
    -- The row's invariants (version >= 1, assignment an object, deadlines an array, lease_seconds
    -- positive, a held item has an owner, a suspended one knows what it resumes to) are checked
    -- by the item_log trigger, which runs on every insert and update anyway: CHECK constraints
    -- would be re-planned by every UPDATE statement.
) WITH (fillfactor = 80);
COMMENT ON TABLE workitem.item IS
    'Work items: one row per unit of work handed to a person or a system. Change them only '
    'through the workitem_* functions; any other change is still recorded as a ''direct'' event.';

-- The items of a workflow, and its steps: a workflow engine's retried activity never makes a
-- second item (domain.md §2). One index for both (NULL step_refs never conflict), so a
-- transition, which inserts into every index, pays for one.
CREATE UNIQUE INDEX item_workflow_step_key ON workitem.item (tenant_id, workflow_id, step_ref);
-- Offered items of a queue, best first (lists and worklists of a queue).
CREATE INDEX item_offered_by_queue ON workitem.item
    (tenant_id, queue, priority DESC, due_at ASC NULLS LAST, id) WHERE state = 'offered';
-- claim_next takes the best items of each principal of the actor (the user and each of their
-- groups), across queues or in one, and of the items offered to several principals, so a user
-- eligible for few items of a large backlog never passes over the items offered to others. Only
-- entering 'offered' (create, release, re-offer) inserts into these; claim and complete never do.
CREATE INDEX item_offered_to_one ON workitem.item
    (tenant_id, (candidates[1]), priority DESC, due_at ASC NULLS LAST, id)
    WHERE state = 'offered' AND cardinality(candidates) = 1;
CREATE INDEX item_offered_to_one_in_queue ON workitem.item
    (tenant_id, queue, (candidates[1]), priority DESC, due_at ASC NULLS LAST, id)
    WHERE state = 'offered' AND cardinality(candidates) = 1;
CREATE INDEX item_offered_to_several ON workitem.item
    (tenant_id, priority DESC, due_at ASC NULLS LAST, id)
    WHERE state = 'offered' AND cardinality(candidates) > 1;
-- What a user holds (worklists, capacity).
CREATE INDEX item_held_by_owner ON workitem.item (tenant_id, owner)
    WHERE owner IS NOT NULL AND state IN ('allocated', 'started', 'suspended');

--------------------------------------------------------------------------------------------------
-- The event log: audit trail and transactional outbox in one insert-only table (domain.md §8)
--------------------------------------------------------------------------------------------------
CREATE SEQUENCE workitem.event_seq AS bigint;

INSERT INTO workitem.required_capability VALUES ('workitem.event', 'reader');
CREATE TABLE workitem.event (
    seq               bigint NOT NULL DEFAULT nextval('workitem.event_seq'),
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id         text NOT NULL,
    aggregatetype     text NOT NULL DEFAULT 'workitem',
    aggregateid       bigint NOT NULL,
    aggregate_version bigint NOT NULL,
    type              text NOT NULL,
    operation         text NOT NULL,
    actor             text NOT NULL,
    reason            text,
    payload           jsonb NOT NULL,
    idempotency_key   text,
    trace_context     text,
    txid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
    occurred_at       timestamptz NOT NULL DEFAULT now(),
    -- last, as release 0.1.0's tables get them (ALTER TABLE ... ADD COLUMN appends)
    login             text,
    capability        text,
    PRIMARY KEY (seq, occurred_at)
) PARTITION BY RANGE (occurred_at);
ALTER SEQUENCE workitem.event_seq OWNED BY workitem.event.seq;
COMMENT ON TABLE workitem.event IS
    'Every change to every item, one row per change, insert-only: the audit trail and the '
    'transactional outbox (Debezium outbox columns: id, aggregatetype, aggregateid, type, payload). '
    'Partitioned by month on occurred_at so retention drops whole partitions.';
COMMENT ON COLUMN workitem.event.login IS
    'The session''s login role (session_user: SET ROLE does not hide it) that made the change.';
COMMENT ON COLUMN workitem.event.capability IS
    'What the call was authorized with: service, admin, user, service:user or service:admin (a '
    'service acting on behalf, workitem.on_behalf), system (the timer); NULL for a direct change.';
CREATE INDEX event_by_item ON workitem.event (aggregateid, aggregate_version);

-- The safety net: an event never fails to find a partition, even if none was created ahead.
CREATE TABLE workitem.event_default PARTITION OF workitem.event DEFAULT;

CREATE FUNCTION workitem.create_event_partitions(months_ahead integer DEFAULT 2)
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
REVOKE ALL ON FUNCTION workitem.create_event_partitions(integer) FROM PUBLIC;

CREATE FUNCTION workitem.refuse_event_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'workitem events are insert-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The event log is the audit trail; retention drops old partitions.';
END;
$$;
COMMENT ON FUNCTION workitem.refuse_event_change() IS
    'Trigger that refuses UPDATE, DELETE and TRUNCATE on workitem.event.';
CREATE TRIGGER event_insert_only BEFORE UPDATE OR DELETE ON workitem.event
    FOR EACH ROW EXECUTE FUNCTION workitem.refuse_event_change();
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON workitem.event
    FOR EACH STATEMENT EXECUTE FUNCTION workitem.refuse_event_change();

CREATE FUNCTION workitem.row_unchanged(tableoid oid, ctid tid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'workitem_row_unchanged' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION workitem.row_unchanged(oid, tid) IS
    'Internal, for workitem_claim_next: whether the row version at ctid of the table is still '
    'current - no other transaction has updated or deleted it, nor is doing so (under READ '
    'COMMITTED; always true otherwise) - so that claim_next skips an item another worker claimed '
    'after its snapshot instead of locking the claimed version in passing and making its '
    'owner''s next call wait.';
REVOKE ALL ON FUNCTION workitem.row_unchanged(oid, tid) FROM PUBLIC;

CREATE FUNCTION workitem.item_log() RETURNS trigger
    AS 'MODULE_PATHNAME', 'workitem_item_log' LANGUAGE C;
COMMENT ON FUNCTION workitem.item_log() IS
    'Trigger on workitem.item: appends one event per inserted, updated or deleted row, in the '
    'same transaction. Changes that do not come from a workitem function are recorded with '
    'operation ''direct'' and the acting role, and still bump the version.';
CREATE TRIGGER item_log BEFORE INSERT OR UPDATE OR DELETE ON workitem.item
    FOR EACH ROW EXECUTE FUNCTION workitem.item_log();

--------------------------------------------------------------------------------------------------
-- Directory: users, groups, availability, capacity (domain.md §3)
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem.directory_user', 'reader');
CREATE TABLE workitem.directory_user (
    tenant_id   text NOT NULL DEFAULT 'default',
    user_id     text NOT NULL,
    available   boolean NOT NULL DEFAULT true,
    away_until  timestamptz,
    capacity    integer CHECK (capacity >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
COMMENT ON TABLE workitem.directory_user IS
    'Users known to workitem, synced by the application (workitem_put_user). capacity: most '
    'active items held at once (NULL: no limit).';

INSERT INTO workitem.required_capability VALUES ('workitem.group_member', 'reader');
CREATE TABLE workitem.group_member (
    tenant_id text NOT NULL,
    group_id  text NOT NULL,
    user_id   text NOT NULL,
    PRIMARY KEY (tenant_id, user_id, group_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES workitem.directory_user ON DELETE CASCADE
);
CREATE INDEX group_member_by_group ON workitem.group_member (tenant_id, group_id);
COMMENT ON TABLE workitem.group_member IS 'Group membership: who counts as a member of a group.';

-- Where round_robin left off, per task and distribution set (the potential owners as named).
CREATE TABLE workitem.round_robin_cursor (
    tenant_id        text NOT NULL,
    task_name        text NOT NULL,
    distribution_set text NOT NULL,
    last_user        text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, task_name, distribution_set)
);
COMMENT ON TABLE workitem.round_robin_cursor IS
    'The last user the round_robin strategy chose for a task and set of potential owners; locked '
    'while choosing, so concurrent creates take turns.';

-- Feature flags (domain.md §9): a row per switch that is not in its default (on) position.
CREATE TABLE workitem.feature_flag (
    tenant_id  text NOT NULL,   -- '*' for the whole database; a tenant's row wins over it
    name       text NOT NULL,
    enabled    boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
COMMENT ON TABLE workitem.feature_flag IS
    'Feature switches per database (tenant_id ''*'') and per tenant; absent means on. Every '
    'backend caches them and reloads when this table changes (no restart, no reconnect).';

CREATE FUNCTION workitem.invalidate_caches() RETURNS trigger
    AS 'MODULE_PATHNAME', 'workitem_invalidate_caches' LANGUAGE C;
COMMENT ON FUNCTION workitem.invalidate_caches() IS
    'Statement trigger on the tables every backend caches (feature flags, custom validators): '
    'tells every backend to reload its copy at its next transaction.';
CREATE TRIGGER feature_flag_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON workitem.feature_flag FOR EACH STATEMENT EXECUTE FUNCTION workitem.invalidate_caches();

-- Custom validators (domain.md §4): run after the six built-in ones; a non-NULL answer denies.
CREATE TABLE workitem.custom_validator (
    id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id  text NOT NULL DEFAULT '*',
    task_name  text,        -- NULL: every task
    operation  text,        -- NULL: every operation on an item
    function   regprocedure NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE workitem.custom_validator IS
    'SQL functions f(item workitem.item, operation text, actor text) RETURNS text that may deny '
    'an operation (WI461 with the returned text) after the built-in validators allowed it.';
CREATE TRIGGER custom_validator_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON workitem.custom_validator FOR EACH STATEMENT EXECUTE FUNCTION workitem.invalidate_caches();

-- Custom validators and strategies run inside the SECURITY DEFINER workitem functions: they
-- must not run with more rights than their owner's and must pin their own search_path.
CREATE FUNCTION workitem.check_custom_function(function oid, kind text) RETURNS void
    AS 'MODULE_PATHNAME', 'workitem_check_custom_function' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION workitem.check_custom_function(oid, text) IS
    'Raises WI422 unless the function may run as a custom validator or strategy: owned by a '
    'superuser, or SECURITY DEFINER (it runs as its owner); and with its own SET search_path '
    'that names pg_temp last. Checked at registration and again at every run.';

CREATE FUNCTION workitem.known_flag(name text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'workitem_known_flag' LANGUAGE C IMMUTABLE STRICT;
COMMENT ON FUNCTION workitem.known_flag(text) IS 'Whether workitem knows a feature flag of this name.';

-- Custom distribution strategies: SQL functions choosing the owner of a new item.
CREATE TABLE workitem.custom_strategy (
    name       text PRIMARY KEY,
    function   regprocedure NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE workitem.custom_strategy IS
    'Custom distribution strategies by name: f(task_name text, workflow_id text, input jsonb, '
    'eligible text[]) RETURNS text, the chosen user (NULL: offer the item).';

-- Which tenant a role acts in (every role but workitem_service). Without a row: 'default' while
-- the table is empty; once it maps any role, WI403 (workitem.unmapped_roles = 'default' allows).
CREATE TABLE workitem.role_tenant (
    role_name text PRIMARY KEY,
    tenant_id text NOT NULL
);
COMMENT ON TABLE workitem.role_tenant IS
    'The tenant each non-service role acts in; a role cannot change it with workitem.tenant. '
    'Once any role is mapped, an unmapped non-service role is refused (WI403) unless '
    'workitem.unmapped_roles = ''default''. '
    'Maintained by a superuser (the roles are cluster-wide, the mapping is this database''s).';

--------------------------------------------------------------------------------------------------
-- Idempotency keys (domain.md §9)
--------------------------------------------------------------------------------------------------
CREATE TABLE workitem.idempotency_key (
    tenant_id     text NOT NULL,
    key           text NOT NULL,
    operation     text NOT NULL,
    request_hash  bytea NOT NULL,
    item_id       bigint,
    outcome       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    -- Whose key it is: keys of different callers never collide, and one cannot probe another's.
    role_name     text NOT NULL,
    actor         text NOT NULL,
    PRIMARY KEY (tenant_id, role_name, actor, key)
);
CREATE INDEX idempotency_key_expiry ON workitem.idempotency_key (expires_at);
COMMENT ON TABLE workitem.idempotency_key IS
    'Outcomes of mutating calls made with an idempotency key, so a retry replays instead of '
    'acting twice. A key belongs to its caller: the tenant, the calling role (role_name) and the '
    'actor it acted as (a service acts for many). Purged after they expire.';

-- The secret mixed into every advisory lock key the extension takes (idempotency keys, four-eyes
-- workflows, create steps), so no other role can compute a key and hold it to block our calls.
-- Generated at install from the strong random source; readable by the extension's owner only
-- (no grant). Not dumped: a restored database installs the extension anew with a new secret.
CREATE TABLE workitem.lock_secret (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret   bytea NOT NULL CHECK (length(secret) = 32)
);
COMMENT ON TABLE workitem.lock_secret IS
    'The per-database secret keying the extension''s advisory locks (one row; nobody may read it).';
INSERT INTO workitem.lock_secret (secret)
    SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));

-- The advisory-lock key of a name: the first 8 bytes of SHA-256(secret || name). The one place
-- of the formula (the C glue's locks and the SQL functions' use it). No SET search_path, so it is
-- inlined; its body was bound when it was created, so a caller's search_path changes nothing.
CREATE FUNCTION workitem.lock_key(name text) RETURNS bigint
    LANGUAGE sql STABLE
    RETURN (SELECT ('x' || pg_catalog.encode(pg_catalog.substr(pg_catalog.sha256(
                       s.secret || pg_catalog.convert_to(name, 'UTF8')), 1, 8), 'hex'))
                   ::pg_catalog.bit(64)::pg_catalog.int8
              FROM workitem.lock_secret s);
COMMENT ON FUNCTION workitem.lock_key(text) IS
    'The advisory-lock key of a name, keyed with the database''s secret (workitem.lock_secret): '
    'no other role can compute it.';

-- pg_dump keeps the data of these tables (extension tables are skipped otherwise).
SELECT pg_catalog.pg_extension_config_dump('workitem.item', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.item_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.event_default', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.event_seq', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.directory_user', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.group_member', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.idempotency_key', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.role_tenant', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.round_robin_cursor', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.feature_flag', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.custom_validator', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.custom_strategy', '');

-- (one call per statement: pg_extension_config_dump updates the extension's catalog row)
DO $$
DECLARE
    partition_name text;
BEGIN
    FOR partition_name IN SELECT workitem.create_event_partitions(2) LOOP
        PERFORM pg_catalog.pg_extension_config_dump(format('workitem.%I', partition_name)::regclass, '');
    END LOOP;
END;
$$;

--------------------------------------------------------------------------------------------------
-- Internal helpers
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem.current_tenant', 'reader');
CREATE FUNCTION workitem.current_tenant() RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_current_tenant'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.current_tenant() IS
    'The tenant the calling role acts in: workitem.tenant for a service (''default'' when unset), '
    'the role''s row in workitem.role_tenant for every other role (without one: ''default'' while '
    'no role is mapped, else WI403 unless workitem.unmapped_roles = ''default''). WI403 for a '
    'capability role (workitem_user, _admin, _reader, _service) reached by SET ROLE.';

-- Granted to every capability: it tells a caller its own capability (workitem.timer_status asks).
INSERT INTO workitem.required_capability VALUES ('workitem.caller_capability', 'reader');
CREATE FUNCTION workitem.caller_capability() RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_caller_capability'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.caller_capability() IS
    'What the call is authorized with: service, admin, user, reader, or service:<capability> for '
    'a service acting on behalf (workitem.on_behalf). The same refusals as current_tenant().';

-- For the SQL functions (PERFORM it, or make it their first DECLARE): WI403 unless the call's
-- capability is one the function declares (workitem.required_capability). A service acting on
-- behalf of an end user counts as that user's capability; a service that declares nothing has
-- every capability.
-- Granted to every capability: the monitoring views call it as their reader.
INSERT INTO workitem.required_capability VALUES ('workitem.authorize', 'reader');
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

INSERT INTO workitem.required_capability VALUES ('workitem.viewer', 'reader');
CREATE FUNCTION workitem.viewer(as_actor text DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_viewer'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.viewer(text) IS
    'The user a read is done as: as_actor for a service, the calling role otherwise (WI403 if a '
    'non-service names someone else).';

INSERT INTO workitem.required_capability VALUES ('workitem.viewer_sees_all', 'reader');
CREATE FUNCTION workitem.viewer_sees_all(as_actor text DEFAULT NULL) RETURNS boolean
    AS 'MODULE_PATHNAME', 'workitem_viewer_sees_all'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.viewer_sees_all(text) IS
    'Whether the reader sees every item of its tenant: a service reading as itself, an '
    'administrator, or a read-only role (a service acting on behalf: as its declared capability).';

INSERT INTO workitem.required_capability VALUES ('workitem.viewer_principals', 'reader');
CREATE FUNCTION workitem.viewer_principals(as_actor text DEFAULT NULL) RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_viewer_principals'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.viewer_principals(text) IS
    'The viewer and its directory groups, as ''u:<user>'' and ''g:<group>''.';

-- The one visibility predicate: the row-level security policies and the read functions both use it.
-- (SQL, so it is inlined; each viewer_* call is a scalar subquery, evaluated once per query.)
INSERT INTO workitem.required_capability VALUES ('workitem.visible', 'reader');
CREATE FUNCTION workitem.visible(tenant text, owner text, created_by text, delegated_from text,
                                 candidates text[], administrators text[],
                                 as_actor text DEFAULT NULL)
    RETURNS boolean LANGUAGE sql STABLE
    RETURN tenant = (SELECT workitem.current_tenant())
       AND ((SELECT workitem.viewer_sees_all(as_actor))
            OR owner = (SELECT workitem.viewer(as_actor))
            OR created_by = (SELECT workitem.viewer(as_actor))
            OR delegated_from = (SELECT workitem.viewer(as_actor))
            OR candidates && (SELECT workitem.viewer_principals(as_actor))
            OR administrators && (SELECT workitem.viewer_principals(as_actor)));
COMMENT ON FUNCTION workitem.visible(text, text, text, text, text[], text[], text) IS
    'Whether an item is visible to the reader: same tenant, and the reader sees everything or is '
    'a stakeholder (potential owner, owner, delegator, initiator or administrator).';

CREATE FUNCTION workitem.principals_of(tenant text, user_id text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY['u:' || user_id]
           || ARRAY(SELECT 'g:' || m.group_id FROM workitem.group_member m
                     WHERE m.tenant_id = tenant AND m.user_id = principals_of.user_id)
$$;
COMMENT ON FUNCTION workitem.principals_of(text, text) IS
    'A user and the groups the directory says they belong to, as ''u:<user>'' / ''g:<group>''.';

CREATE FUNCTION workitem.raise_invalid(message text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '%', message USING ERRCODE = 'WI422';
END;
$$;
COMMENT ON FUNCTION workitem.raise_invalid(text) IS 'Raises WI422 (invalid input) with a message.';

--------------------------------------------------------------------------------------------------
-- Creating and reading items
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_create', 'admin');
CREATE FUNCTION @extschema@.workitem_create(
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

INSERT INTO workitem.required_capability VALUES ('workitem_create_many', 'admin');
CREATE FUNCTION @extschema@.workitem_create_many(
    items           jsonb,
    actor           text DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (element integer, id bigint, ok boolean, sqlstate text, message text,
                   item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_create_many'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_create_many(jsonb, text, text) IS
$$Creates many items in one call: items is a JSON array of objects whose keys are
workitem_create's parameters (workflow_id and task_name required; times as ISO 8601 strings).
Returns one row per element (numbered from 1), in order: ok with the new (or, for a repeated step_ref, existing)
item, or the SQLSTATE and message that refused that element; one bad element does not stop the
others, and so does an element that cannot be read (a malformed timestamp, a priority out of
range: WI422 naming the field). At most workitem.max_batch_size elements. An idempotency key
covers the whole call.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_get', 'reader');
CREATE FUNCTION @extschema@.workitem_get(id bigint, actor text DEFAULT NULL)
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

INSERT INTO workitem.required_capability VALUES ('workitem_list', 'reader');
CREATE FUNCTION @extschema@.workitem_list(
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

INSERT INTO workitem.required_capability VALUES ('workitem_count', 'reader');
CREATE FUNCTION @extschema@.workitem_count(
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

INSERT INTO workitem.required_capability VALUES ('workitem_worklist', 'reader');
CREATE FUNCTION @extschema@.workitem_worklist(
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
    -- Like claim_next: the best page of each principal's own offers, of the offers to several
    -- principals, and of what the actor holds, merged; never a scan past offers to others.
    RETURN QUERY
        SELECT w.* FROM (
            SELECT o.* FROM unnest(principals) AS p(principal)
            CROSS JOIN LATERAL (
                SELECT i.* FROM workitem.item i
                 WHERE i.tenant_id = tenant AND i.state = 'offered'
                   AND cardinality(i.candidates) = 1 AND i.candidates[1] = p.principal
                   AND (workitem_worklist.queue IS NULL OR i.queue = workitem_worklist.queue)
                   AND NOT i.excluded && principals
                   AND (i.expires_at IS NULL OR i.expires_at > now())
                 ORDER BY i.priority DESC, i.due_at ASC NULLS LAST, i.id
                 LIMIT page_size) AS o
            UNION ALL
            (SELECT i.* FROM workitem.item i
              WHERE i.tenant_id = tenant AND i.state = 'offered'
                AND cardinality(i.candidates) > 1 AND i.candidates && principals
                AND (workitem_worklist.queue IS NULL OR i.queue = workitem_worklist.queue)
                AND NOT i.excluded && principals
                AND (i.expires_at IS NULL OR i.expires_at > now())
              ORDER BY i.priority DESC, i.due_at ASC NULLS LAST, i.id
              LIMIT page_size)
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
date, then age. At most page_size rows. Errors: WI422 no actor or bad page_size.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_history', 'reader');
CREATE FUNCTION @extschema@.workitem_history(id bigint, actor text DEFAULT NULL)
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

INSERT INTO workitem.required_capability VALUES ('workitem_allowed_operations', 'reader');
CREATE FUNCTION @extschema@.workitem_allowed_operations(id bigint, actor text)
    RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_allowed_operations'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_allowed_operations(bigint, text) IS
$$The operations actor may perform on the item now (as WS-HumanTask's getTaskOperations),
decided by the same transition table and validators that judge an attempt, so the answer never
disagrees with a call made right after (none for a reader, or a service acting on behalf of one).
Errors: WI404 no such item, or one the actor may not see (answered alike), WI422 no actor.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_claim_batch(bigint[], text, bigint[], text, integer) IS
$$workitem_claim on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_claim would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_allocate_batch(bigint[], text, text, boolean, bigint[], text) IS
$$workitem_allocate on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_allocate would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_start_batch(bigint[], text, bigint[], text) IS
$$workitem_start on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_start would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_stop_batch(bigint[], text, bigint[], text) IS
$$workitem_stop on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_stop would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_release_batch(bigint[], text, bigint[], text) IS
$$workitem_release on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_release would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_delegate_batch(bigint[], text, text, bigint[], text) IS
$$workitem_delegate on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_delegate would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_resolve_batch(bigint[], text, bigint[], text) IS
$$workitem_resolve on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_resolve would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_forward_batch(bigint[], text, jsonb, bigint[], text) IS
$$workitem_forward on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_forward would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_suspend_batch(bigint[], text, timestamptz, bigint[], text) IS
$$workitem_suspend on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_suspend would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_resume_batch(bigint[], text, bigint[], text) IS
$$workitem_resume on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_resume would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_complete_batch(bigint[], text, jsonb, bigint[], text) IS
$$workitem_complete on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_complete would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_fail_batch(bigint[], text, jsonb, bigint[], text) IS
$$workitem_fail on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_fail would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_skip_batch(bigint[], text, bigint[], text) IS
$$workitem_skip on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_skip would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_cancel_batch(bigint[], text, text, bigint[], text) IS
$$workitem_cancel on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_cancel would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_mark_error_batch(bigint[], text, jsonb, bigint[], text) IS
$$workitem_mark_error on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_mark_error would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
the claim). Changes neither the version nor the event log.
Errors: WI404, WI409 not held, WI423, WI403, WI419 the lease already ran out, WI410, WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_heartbeat_batch', 'user');
CREATE FUNCTION @extschema@.workitem_heartbeat_batch(
    ids bigint[],
    actor text,
    lease_seconds integer DEFAULT NULL)
    RETURNS TABLE (id bigint, ok boolean, sqlstate text, message text, item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_heartbeat_batch'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_heartbeat_batch(bigint[], text, integer) IS
$$workitem_heartbeat on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_heartbeat would have raised. One refused item does not stop the others. Rows are locked
in id order. No expected versions and no idempotency key: a heartbeat only extends a lease, so
sending it again is harmless.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_update_batch(bigint[], text, integer, timestamptz, timestamptz, jsonb, jsonb, timestamptz, bigint[], text, jsonb) IS
$$workitem_update on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_update would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

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
COMMENT ON FUNCTION @extschema@.workitem_save_output_batch(bigint[], text, jsonb, bigint[], text) IS
$$workitem_save_output on every item in ids (distinct, at most workitem.max_batch_size), one result row
per id in the order given: ok with the item as it now is, or the SQLSTATE and message that
workitem_save_output would have raised. One refused item does not stop the others. Rows are locked
in id order. expected_versions, when given, holds one version (or NULL) per id. An
idempotency key covers the whole batch and replays every row.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_claim_next', 'user');
CREATE FUNCTION @extschema@.workitem_claim_next(
    actor text, queue text DEFAULT NULL, task_name text DEFAULT NULL,
    lease_seconds integer DEFAULT NULL, idempotency_key text DEFAULT NULL)
    RETURNS SETOF workitem.item
    AS 'MODULE_PATHNAME', 'workitem_claim_next'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ROWS 1;
COMMENT ON FUNCTION @extschema@.workitem_claim_next(text, text, text, integer, text) IS
$$Claims the best offered item the actor may take (in queue / of task_name when given):
highest priority, then earliest due, then oldest. Returns 0 or 1 row. Items locked by other
workers are skipped, never waited for, so concurrent workers never get the same item.
Errors: WI422 bad input.$$;

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

--------------------------------------------------------------------------------------------------
-- Monitoring views
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem.items_by_state', 'reader');
CREATE VIEW workitem.items_by_state WITH (security_invoker = true) AS
    SELECT tenant_id, queue, state, count(*) AS items
      FROM workitem.item GROUP BY tenant_id, queue, state;
COMMENT ON VIEW workitem.items_by_state IS 'Number of items per tenant, queue and state.';

INSERT INTO workitem.required_capability VALUES ('workitem.oldest_offered', 'reader');
CREATE VIEW workitem.oldest_offered WITH (security_invoker = true) AS
    SELECT tenant_id, queue, count(*) AS offered_items, min(created_at) AS oldest_created_at,
           now() - min(created_at) AS oldest_age
      FROM workitem.item WHERE state = 'offered' GROUP BY tenant_id, queue;
COMMENT ON VIEW workitem.oldest_offered IS
    'Per tenant and queue: how many items wait to be claimed and how long the oldest has waited.';

INSERT INTO workitem.required_capability VALUES ('workitem.overdue_items', 'reader');
CREATE VIEW workitem.overdue_items WITH (security_invoker = true) AS
    SELECT tenant_id, id, queue, task_name, state, owner, due_at, now() - due_at AS overdue_by
      FROM workitem.item
     WHERE due_at < now() AND state IN ('created', 'offered', 'allocated', 'started', 'suspended');
COMMENT ON VIEW workitem.overdue_items IS 'Active items past their due_at, and by how much.';

--------------------------------------------------------------------------------------------------
-- Row-level security: every direct read path (tables, views, BI tools) shows a role only its
-- tenant's rows, and a workitem_user only the items it is a stakeholder of. Forced, so a
-- non-superuser owner obeys it too. The API functions (owned by a superuser, which bypasses RLS)
-- apply the same predicate, workitem.visible, themselves.
--------------------------------------------------------------------------------------------------
ALTER TABLE workitem.item ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.item FORCE ROW LEVEL SECURITY;
CREATE POLICY item_visible ON workitem.item FOR SELECT
    USING (workitem.visible(tenant_id, owner, created_by, delegated_from, candidates, administrators));

ALTER TABLE workitem.event ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.event FORCE ROW LEVEL SECURITY;
CREATE POLICY event_visible ON workitem.event FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant())
           AND ((SELECT workitem.viewer_sees_all())
                OR EXISTS (SELECT FROM workitem.item i WHERE i.id = aggregateid)));

ALTER TABLE workitem.directory_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.directory_user FORCE ROW LEVEL SECURITY;
CREATE POLICY directory_user_tenant ON workitem.directory_user FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant()));
ALTER TABLE workitem.group_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.group_member FORCE ROW LEVEL SECURITY;
CREATE POLICY group_member_tenant ON workitem.group_member FOR SELECT
    USING (tenant_id = (SELECT workitem.current_tenant()));
ALTER TABLE workitem.idempotency_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.idempotency_key FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.round_robin_cursor ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.round_robin_cursor FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_strategy ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_strategy FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_validator ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.custom_validator FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.feature_flag ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.feature_flag FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.role_tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.role_tenant FORCE ROW LEVEL SECURITY;
-- No policy: no row for anyone but a superuser (the API functions' owner), even if granted.
ALTER TABLE workitem.lock_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.lock_secret FORCE ROW LEVEL SECURITY;

--------------------------------------------------------------------------------------------------
-- Grants: derived from workitem.required_capability by workitem.apply_grants(), run once every
-- part is installed (parts/99-grants.sql).
--------------------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA workitem TO workitem_reader, workitem_user, workitem_service, workitem_admin;
