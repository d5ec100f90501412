-- workitem: workflow work items inside PostgreSQL.
-- Release 0.2.0, frozen: never edited again. Later changes live in extension/sql/workitem.sql (the
-- install script of the version in development) and in the upgrade scripts workitem--A--B.sql.
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
-- The work item and the event log: types, the item table and its indexes, the event table
-- (audit trail and outbox), its partitions and the item trigger (docs/domain.md §1, §2, §8).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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
-- Who may take an offered item, one row per potential owner ('u:<user>' / 'g:<group>') of each
-- offered item, kept by the item_log trigger whenever an item enters or leaves 'offered' or an
-- offered item's people, queue, task, priority, due date or expiry change (docs/architecture.md,
-- the offer entries). claim_next and the worklist read the best entries of each principal of
-- the actor from these narrow rows, then lock the item: whatever the mix of offers, they never
-- walk the items offered to others. Claim and complete never insert here; a claim deletes the
-- item's entries.
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

CREATE FUNCTION workitem.claim_next_statement(in_queue boolean) RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_claim_next_statement' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION workitem.claim_next_statement(boolean) IS
    'Internal, for the tests (sql/claim_next_plans.sql): the text of the statement '
    'workitem_claim_next finds and locks its item with, in a queue or in any queue, so that its '
    'plan can be checked with EXPLAIN on the statement itself. Granted to no role.';

CREATE FUNCTION workitem.item_log() RETURNS trigger
    AS 'MODULE_PATHNAME', 'workitem_item_log' LANGUAGE C;
COMMENT ON FUNCTION workitem.item_log() IS
    'Trigger on workitem.item: appends one event per inserted, updated or deleted row, in the '
    'same transaction. Changes that do not come from a workitem function are recorded with '
    'operation ''direct'' and the acting role, and still bump the version.';
CREATE TRIGGER item_log BEFORE INSERT OR UPDATE OR DELETE ON workitem.item
    FOR EACH ROW EXECUTE FUNCTION workitem.item_log();

-- The tables of people and settings: the directory, round-robin cursors, feature flags, custom
-- validators and strategies, the tenant mapping, idempotency keys and the lock secret.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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
-- The offers are kept by the item trigger, which a restore turns off (docs/operations.md, Backups).
SELECT pg_catalog.pg_extension_config_dump('workitem.offer', '');
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

-- Who is calling and what it may see: the caller's tenant, capability and viewer, workitem.authorize
-- and the one visibility predicate (docs/security.md).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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

-- Creating items and reading them: create, create_many, get, list, count, worklist, history,
-- allowed_operations.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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
covers the whole call. One WARNING lists the new items some or all of their potential owners
cannot claim (workitem_create).$$;

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

-- The monitoring views (security_invoker: a reader sees only what it may).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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

-- Row-level security on every table (docs/security.md).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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
ALTER TABLE workitem.offer ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.offer FORCE ROW LEVEL SECURITY;

-- Leases for workers' claims: their defaults, and the work held without one (docs/domain.md §5).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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
-- Idempotency keys that remember refusals (docs/domain.md §9).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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

--------------------------------------------------------------------------------------------------
-- Timers (domain.md §5): the background worker and workitem_tick() act on due items through
-- these indexes, record failures and counts here, and purge what is past retention.
--------------------------------------------------------------------------------------------------

-- The earliest deadline not yet fired. IMMUTABLE although a text-to-timestamptz cast is only
-- STABLE: every stored "at" is written by workitem in UTC with an explicit "Z"
-- (YYYY-MM-DDTHH:MM:SS.ffffffZ), which reads the same under every TimeZone and DateStyle.
CREATE FUNCTION workitem.next_deadline_at(deadlines jsonb) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT min((e->>'at')::timestamptz) FROM jsonb_array_elements(deadlines) AS e
     WHERE NOT e ? 'fired_at'
$$;
COMMENT ON FUNCTION workitem.next_deadline_at(jsonb) IS
    'When the next deadline of a stored deadline list is due (NULL: none left).';

-- Each timer query finds its due items through a small partial index: only rows in the states
-- the action applies to are in it, so the hot path pays for these only on those rows. Each index
-- ends with id because each query orders by (due time, id): items that fall due together (a
-- claim_batch gives all its leases one lease_until, a create_many one activate_at) are then read
-- in order, a batch at a time, instead of the whole group being read, filtered and sorted to take
-- the first batch of it.
CREATE INDEX item_activation_due ON workitem.item (activate_at, id) WHERE state = 'created';
-- Leased claims only: a claim without a lease never falls due, and indexing its NULL lease_until
-- cost every such claim and start an index insertion. The timer's "lease_until <= $1" implies
-- lease_until IS NOT NULL, so its query still matches this predicate.
CREATE INDEX item_lease_due ON workitem.item (lease_until, id)
    WHERE lease_until IS NOT NULL AND state IN ('allocated', 'started');
CREATE INDEX item_resume_due ON workitem.item (suspended_until, id) WHERE state = 'suspended';
CREATE INDEX item_expiry_due ON workitem.item (expires_at, id)
    WHERE expires_at IS NOT NULL
      AND state IN ('created', 'offered', 'allocated', 'started', 'suspended');
CREATE INDEX item_deadline_due ON workitem.item (workitem.next_deadline_at(deadlines), id)
    WHERE deadlines <> '[]'::jsonb
      AND state IN ('created', 'offered', 'allocated', 'started', 'suspended');
-- Retention: terminal items by when they finished.
CREATE INDEX item_finished ON workitem.item (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE workitem.timer_failure (
    item_id         bigint NOT NULL,
    action          text NOT NULL,   -- expire, activate, resume, lease_expire, deadline
    attempts        integer NOT NULL,
    sqlstate        text NOT NULL,
    message         text NOT NULL,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    PRIMARY KEY (item_id, action)
);
COMMENT ON TABLE workitem.timer_failure IS
    'Timer actions that failed on an item (refused by a validator, an escalation to a group '
    'with no members, an error): retried at next_attempt_at, the wait doubling per attempt '
    '(workitem.timer_retry_interval, at most a day). Forgotten once the action succeeds or the '
    'item is no longer active.';
SELECT pg_catalog.pg_extension_config_dump('workitem.timer_failure', '');

CREATE TABLE workitem.timer_stats (
    action        text PRIMARY KEY,
    done          bigint NOT NULL DEFAULT 0,
    failed        bigint NOT NULL DEFAULT 0,
    last_tick_at  timestamptz,
    last_done_at  timestamptz,
    last_error    text,
    last_error_at timestamptz,
    last_tick_by  text      -- who called workitem_tick: role (login role); 'workitem timer': the worker
);
COMMENT ON TABLE workitem.timer_stats IS
    'What the timer did since the extension was created, per kind of action (lease_expire: '
    'leases that ran out and gave the item back; lease_expire.error: those that sent it to '
    'error): items acted on, failures, the last tick, who ran it and the last error. Read it '
    'through workitem.timer_status.';
INSERT INTO workitem.timer_stats (action)
VALUES ('activate'), ('resume'), ('lease_expire'), ('lease_expire.error'), ('expire'),
       ('deadline.escalate'),
       ('deadline.reoffer'), ('deadline.allocate_admin'), ('deadline.notify'),
       ('deadline.expire'), ('purge.items'), ('purge.idempotency_keys'),
       ('purge.event_partitions');

ALTER TABLE workitem.timer_failure ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.timer_failure FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.timer_stats ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.timer_stats FORCE ROW LEVEL SECURITY;

CREATE FUNCTION workitem.drop_event_partition(partition oid) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Partitions made by CREATE EXTENSION belong to it and must leave it before they can go.
    IF EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = partition
                  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e') THEN
        EXECUTE format('ALTER EXTENSION workitem DROP TABLE %s', partition::regclass);
    END IF;
    EXECUTE format('DROP TABLE %s', partition::regclass);
END;
$$;
COMMENT ON FUNCTION workitem.drop_event_partition(oid) IS
    'Drops one partition of workitem.event (retention; the timer calls it with the event table '
    'already locked).';

-- The timer's partition upkeep, apart from workitem_tick: it locks the whole event table, which
-- every operation of every tenant writes to, so it must never run inside a caller's longer
-- transaction. The background worker runs it in a transaction of its own after each tick;
-- without the worker a superuser schedules it (pg_cron) in a transaction of its own.
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

INSERT INTO workitem.required_capability VALUES ('workitem_tick', 'service');
CREATE FUNCTION @extschema@.workitem_tick(max_items integer DEFAULT 1000)
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

INSERT INTO workitem.required_capability VALUES ('workitem.timer_failures', 'admin');
CREATE VIEW workitem.timer_failures AS
    SELECT i.tenant_id, f.item_id, f.action, f.attempts, f.sqlstate, f.message,
           f.first_failed_at, f.last_failed_at, f.next_attempt_at
      FROM workitem.timer_failure f JOIN workitem.item i ON i.id = f.item_id
     WHERE i.tenant_id = (SELECT workitem.current_tenant())
       AND workitem.authorize('workitem.timer_failures');
COMMENT ON VIEW workitem.timer_failures IS
    'Items of the current tenant on which a timer action failed and waits to be retried.';

-- The counters are the cluster's; the last error's text names an item, its assignees or a
-- custom validator's reason, so only services (and superusers), who see every tenant, read the
-- cluster's last error: anyone else reads the latest failure of their own tenant.
INSERT INTO workitem.required_capability VALUES ('workitem.timer_status', 'admin');
CREATE VIEW workitem.timer_status AS
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
COMMENT ON VIEW workitem.timer_status IS
    'The timer per database and kind of action: when it last ticked and who ran the tick (the '
    'login role of a workitem_tick call, or workitem timer), how many items it acted on and how '
    'many failed since the extension was created (every tenant), and the last error: for services '
    'the cluster''s, for anyone else the latest failure of their own tenant.';

-- workitem.event_retention_horizon(), which the retention consults, comes with the event
-- consumers (parts/30-events.sql): nothing before the oldest event a consumer still needs goes.

--------------------------------------------------------------------------------------------------
-- Event delivery (domain.md §8, interfaces.md §4): named consumers read the committed events of
-- workitem.event in batches, PgQ-style, and finish each batch to move on; a publication serves
-- logical-replication consumers. No event row is ever updated: progress lives in
-- workitem.event_consumer. docs/events.md explains the design and the recipes.
--
-- Why snapshots and not "seq > last seq": a seq is taken when the event is written but becomes
-- visible when its transaction commits, so a reader that remembers only the last seq it saw
-- skips every event whose transaction commits after a later-numbered one. A consumer's
-- position is instead a snapshot (pg_current_snapshot()): every event whose transaction is
-- visible in it has been delivered. The next window holds the events visible in a newer
-- snapshot and not in the position; it is delivered in batches ordered by seq and becomes the
-- new position once finished.
--------------------------------------------------------------------------------------------------

-- The events of the transactions a position listed as running are found by txid (PgQ's
-- ev_txid index), as are those a lag count looks for. The value only grows, so the hot path's
-- insert lands on the rightmost leaf of this index.
CREATE INDEX event_by_txid ON workitem.event (txid);

CREATE TABLE workitem.event_consumer (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           text NOT NULL,          -- '*': the events of every tenant
    name                text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- The position: every event whose transaction is visible in this snapshot was delivered
    -- and finished. position_seq: the event sequence's last value just before it was taken,
    -- below the seq of every event of a transaction it does not list (position_snapshot).
    position            pg_snapshot NOT NULL,
    position_seq        bigint NOT NULL,
    position_at         timestamptz NOT NULL,
    -- Set by a rewind: the next window starts at this seq (the position then sees nothing).
    rewound_to_seq      bigint,
    -- The open window (all NULL when none): the events visible in window_snapshot and not in
    -- position. They are those of window_xids (in flight at the position, any seq) and those
    -- of later transactions, whose seqs lie in [window_min_seq, window_max_seq].
    window_snapshot     pg_snapshot,
    window_xids         xid8[],
    window_min_seq      bigint,
    window_max_seq      bigint,
    window_floor_seq    bigint,                 -- position_seq once the window is the position
    window_at           timestamptz,
    window_done_seq     bigint,                 -- the window's events up to here are finished
    -- The open batch (NULL when none): the window's events in (window_done_seq, batch_last_seq].
    batch_id            bigint UNIQUE,
    batch_last_seq      bigint,
    batch_size          integer,                -- its events, counted when first read
    batch_ends_window   boolean,
    batch_taken_at      timestamptz,
    finished_batches    bigint NOT NULL DEFAULT 0,
    finished_events     bigint NOT NULL DEFAULT 0,
    last_finished_seq   bigint,
    last_finished_at    timestamptz,
    UNIQUE (tenant_id, name),
    -- Set when retention dropped events this consumer had not passed (it fell further behind
    -- than workitem.event_consumer_max_hold allows): events that occurred before skipped_before
    -- may be missing from what it delivers; it moved on to what was left.
    skipped_before      timestamptz,
    skipped_at          timestamptz
);
COMMENT ON TABLE workitem.event_consumer IS
    'Named event consumers and where each stands: a snapshot position, the window being '
    'delivered and the batch handed out; and the gap retention made if it fell too far behind. '
    'A name is either a tenant''s or an all-tenants consumer''s, never both. Not in pg_dump '
    '(transaction ids do not survive a logical restore): re-create consumers after one and '
    'rewind them to last_finished_seq.';
ALTER TABLE workitem.event_consumer ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.event_consumer FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE workitem.event_batch_id AS bigint;

--------------------------------------------------------------------------------------------------
-- Internal helpers
--------------------------------------------------------------------------------------------------
-- Services (and superusers) pick their tenant per transaction and may read every tenant.
-- This one and may_use_consumer have no SET search_path, so that they are inlined into the
-- statements that call them (with it each call was planned afresh: 50 µs, three per batch).
-- Their bodies are parsed when they are created, under the install's search_path, so the
-- caller's search_path cannot change what they call.
CREATE FUNCTION workitem.caller_is_service() RETURNS boolean
    LANGUAGE sql STABLE
    RETURN workitem.caller_capability() = 'service';
COMMENT ON FUNCTION workitem.caller_is_service() IS
    'Whether the call has the service capability: a superuser or workitem_service that does not '
    'act on behalf of an end user (workitem.on_behalf).';

-- The next transaction id the server will assign (SQL can only read it by taking it).
CREATE FUNCTION workitem.next_xid() RETURNS xid8
    AS 'MODULE_PATHNAME', 'workitem_next_xid' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION workitem.next_xid() IS 'The transaction id the server will assign next.';

-- A snapshot to take a position at (or end a window at), and the seq that bounds from below
-- the events of every transaction it does not cover, so that a window finds its events by seq
-- range without reading them by txid:
--   floor_seq, the sequence's last value, is read first; then the next xid; then the snapshot.
--   Every xid from the snapshot's xmax up to that next xid was assigned before the snapshot and
--   had not finished when it was taken (xmax is the latest finished xid + 1), so they are all
--   listed as running, and xmax is raised to the next xid. A transaction beyond it was given
--   its id after floor_seq was read, and it draws its events' seqs after it has an id (the
--   item trigger makes sure), so they are all above floor_seq. The calling transaction counts
--   as running too: its own events come in a later window, after its commit.
CREATE FUNCTION workitem.position_snapshot(OUT snap pg_snapshot, OUT floor_seq bigint)
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    next xid8;
    taken pg_snapshot;
    own xid8;
    running text;
BEGIN
    floor_seq := workitem.event_seq_high();
    next := workitem.next_xid();
    taken := pg_current_snapshot();
    own := pg_current_xact_id_if_assigned();
    SELECT string_agg(x::text, ',' ORDER BY x) INTO running
      FROM (SELECT pg_snapshot_xip(taken)
            UNION
            SELECT own WHERE own IS NOT NULL
            UNION
            SELECT g::text::xid8
              FROM generate_series(pg_snapshot_xmax(taken)::text::bigint,
                                   next::text::bigint - 1) AS g) AS listed(x);
    snap := format('%s:%s:%s', least(pg_snapshot_xmin(taken), own),
                   greatest(pg_snapshot_xmax(taken), next), running)::pg_snapshot;
END;
$$;
COMMENT ON FUNCTION workitem.position_snapshot() IS
    'A snapshot for a consumer''s position, and the seq below the events it does not cover.';

-- The highest seq handed out so far (0 before the first). Read after a snapshot was taken, it
-- bounds the seq of every event visible in that snapshot (nextval comes before the commit).
CREATE FUNCTION workitem.event_seq_high() RETURNS bigint
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
    RETURN (SELECT CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END
              FROM workitem.event_seq s);
COMMENT ON FUNCTION workitem.event_seq_high() IS
    'The last value workitem.event_seq handed out (0 before the first).';

-- The events of a consumer's open window with after_seq < seq <= upto_seq, in seq order: the
-- transactions in flight at the position (a short list, found by txid) merged with the later
-- ones (found by seq range, filtered by visibility). Each part is cut at max_events on its own,
-- so the seq-range part walks the index in seq order and stops early however large the window.
--
-- No SET search_path, unlike every other function here, so that the planner inlines it into
-- the calling statement: as a function of its own it was parsed and planned at every call and
-- its rows were copied into a tuplestore before the caller copied them again (more than half
-- of a 1,000-event batch's server time). Its only callers are the SECURITY DEFINER functions
-- below, whose pinned search_path it is parsed under; it names workitem.event qualified and
-- PUBLIC may not execute it.
CREATE FUNCTION workitem.window_events(consumer workitem.event_consumer, after_seq bigint,
                                       upto_seq bigint, max_events integer)
    RETURNS SETOF workitem.event
    LANGUAGE sql STABLE
AS $$
    SELECT w.* FROM (
        -- txid >= xmax(position) is written as a function call so that it is no index
        -- condition: inlined with the window's values, the planner took event_by_txid for it
        -- and sorted the whole rest of the window by seq for every batch.
        (SELECT e.* FROM workitem.event e
          WHERE e.seq > after_seq AND e.seq >= consumer.window_min_seq AND e.seq <= upto_seq
            AND xid8ge(e.txid, pg_snapshot_xmax(consumer.position))
            AND pg_visible_in_snapshot(e.txid, consumer.window_snapshot)
            AND (consumer.tenant_id = '*' OR e.tenant_id = consumer.tenant_id)
          ORDER BY e.seq
          LIMIT max_events)
        UNION ALL
        -- Found by txid alone: with the seq bounds inside the fence the planner walked the
        -- window's seq range instead (it cannot see how short window_xids is), so every batch
        -- re-read the rest of the window. OFFSET 0 keeps the outer conditions out.
        (SELECT e.* FROM (SELECT f.* FROM workitem.event f
                           WHERE f.txid = ANY (consumer.window_xids)
                          OFFSET 0) AS e
          WHERE e.seq > after_seq AND e.seq <= upto_seq
            AND (consumer.tenant_id = '*' OR e.tenant_id = consumer.tenant_id)
          ORDER BY e.seq
          LIMIT max_events)
    ) AS w
    ORDER BY w.seq
    LIMIT max_events
$$;
COMMENT ON FUNCTION workitem.window_events(workitem.event_consumer, bigint, bigint, integer) IS
    'The events of the consumer''s open window after after_seq up to upto_seq, ordered by seq.';

-- Opens the next window: from the position to a snapshot taken now. Returns false (and moves
-- the position there) when nothing committed in between.
CREATE FUNCTION workitem.open_window(consumer_id bigint) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c workitem.event_consumer;
    taken record := workitem.position_snapshot();
    max_seq bigint := workitem.event_seq_high();      -- after the snapshot, never before
    xids xid8[];
    min_seq bigint;
BEGIN
    SELECT * INTO STRICT c FROM workitem.event_consumer WHERE id = consumer_id;
    xids := ARRAY(SELECT x FROM pg_snapshot_xip(c.position) AS x
                   WHERE pg_visible_in_snapshot(x, taken.snap) ORDER BY x);
    -- After a rewind the position sees nothing: every txid is in range, from the rewound seq.
    -- Otherwise the transactions the position does not list wrote above its seq.
    min_seq := coalesce(c.rewound_to_seq, c.position_seq + 1);
    IF c.rewound_to_seq IS NULL AND max_seq < min_seq AND cardinality(xids) = 0 THEN
        -- No seq drawn since the position, no transaction it listed as running committed.
        UPDATE workitem.event_consumer
           SET position = taken.snap, position_seq = taken.floor_seq,
               position_at = clock_timestamp()
         WHERE id = consumer_id;
        RETURN false;
    END IF;
    UPDATE workitem.event_consumer
       SET window_snapshot = taken.snap, window_xids = xids, window_min_seq = min_seq,
           window_max_seq = max_seq, window_floor_seq = taken.floor_seq,
           window_at = clock_timestamp(), window_done_seq = 0, rewound_to_seq = NULL
     WHERE id = consumer_id;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION workitem.open_window(bigint) IS
    'Opens a consumer''s next window of committed events; false when there is nothing new.';

-- The window was delivered entirely: its snapshot becomes the position.
CREATE FUNCTION workitem.close_window(consumer_id bigint) RETURNS void
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE workitem.event_consumer
       SET position = window_snapshot, position_seq = window_floor_seq, position_at = window_at,
           window_snapshot = NULL, window_xids = NULL, window_min_seq = NULL,
           window_max_seq = NULL, window_floor_seq = NULL, window_at = NULL,
           window_done_seq = NULL
     WHERE id = consumer_id;
$$;
COMMENT ON FUNCTION workitem.close_window(bigint) IS
    'Makes a fully delivered window''s snapshot the consumer''s position.';

CREATE FUNCTION workitem.check_consumer_name(consumer text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF consumer IS NULL OR consumer = '' OR length(consumer) > 200 THEN
        PERFORM workitem.raise_invalid('consumer must be a name of 1 to 200 characters');
    END IF;
END;
$$;
COMMENT ON FUNCTION workitem.check_consumer_name(text) IS
    'Raises WI422 unless the consumer name is 1 to 200 characters.';

-- Who may use a consumer: callers acting in its tenant; services also the all-tenants ones.
CREATE FUNCTION workitem.may_use_consumer(consumer_tenant text) RETURNS boolean
    LANGUAGE sql STABLE
    RETURN consumer_tenant = workitem.current_tenant()
        OR (consumer_tenant = '*' AND workitem.caller_is_service());
COMMENT ON FUNCTION workitem.may_use_consumer(text) IS
    'Whether the caller may use a consumer of this tenant (''*'': every tenant, services only).';

-- A consumer by name, locked: the caller's tenant's, else (for services) the all-tenants one.
-- A name is never both (workitem_consumer_create), so a service's call names one consumer.
CREATE FUNCTION workitem.lock_consumer(consumer text) RETURNS workitem.event_consumer
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c workitem.event_consumer;
BEGIN
    PERFORM workitem.caller_is_service();  -- WI403 for a role naming a tenant not its own
    PERFORM workitem.check_consumer_name(consumer);
    SELECT * INTO c FROM workitem.event_consumer k
     WHERE k.name = consumer AND workitem.may_use_consumer(k.tenant_id)
     ORDER BY k.tenant_id = '*'
     LIMIT 1
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'consumer % not found', consumer USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant()),
            HINT = 'Create it with workitem_consumer_create.';
    END IF;
    RETURN c;
END;
$$;
COMMENT ON FUNCTION workitem.lock_consumer(text) IS
    'The named consumer the caller may use, locked FOR UPDATE; WI404 if there is none.';

-- The consumer holding an open batch, locked, if the caller may use it.
CREATE FUNCTION workitem.lock_batch(batch_id bigint) RETURNS workitem.event_consumer
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
COMMENT ON FUNCTION workitem.lock_batch(bigint) IS
    'The consumer whose open batch this is, locked FOR UPDATE; WI404 if none the caller may use.';

-- The events of a consumer's open batch, in seq order: its window's events in
-- (window_done_seq, batch_last_seq], of which there are at most as many as the seqs it spans.
-- No SET search_path, like window_events, so that both are inlined into the caller's statement.
CREATE FUNCTION workitem.batch_events_of(consumer workitem.event_consumer)
    RETURNS SETOF workitem.event
    LANGUAGE sql STABLE
AS $$
    SELECT * FROM workitem.window_events(
        consumer, consumer.window_done_seq, consumer.batch_last_seq,
        least(consumer.batch_last_seq - consumer.window_done_seq, 100000)::integer)
$$;
COMMENT ON FUNCTION workitem.batch_events_of(workitem.event_consumer) IS
    'The events of the consumer''s open batch, ordered by seq.';

--------------------------------------------------------------------------------------------------
-- The consumer API
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_consumer_create', 'admin');
CREATE FUNCTION @extschema@.workitem_consumer_create(consumer text, all_tenants boolean DEFAULT false)
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

INSERT INTO workitem.required_capability VALUES ('workitem_consumer_drop', 'admin');
CREATE FUNCTION @extschema@.workitem_consumer_drop(consumer text) RETURNS void
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
COMMENT ON FUNCTION @extschema@.workitem_consumer_drop(text) IS
$$Drops a consumer and its position; its open batch, if any, can no longer be finished. Drop
consumers nobody reads any more: retention keeps every event a consumer has not passed.
Errors: WI404 no such consumer, WI422 bad name.$$;

-- Generic plans: the plan cache kept planning the window's first-event query afresh at every
-- call (0.6 ms, most of the call), its generic plan being the same index walk.
INSERT INTO workitem.required_capability VALUES ('workitem_next_batch', 'admin');
CREATE FUNCTION @extschema@.workitem_next_batch(consumer text, max_events integer DEFAULT 1000)
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

INSERT INTO workitem.required_capability VALUES ('workitem_batch_events', 'admin');
CREATE FUNCTION @extschema@.workitem_batch_events(batch_id bigint) RETURNS SETOF workitem.event
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
COMMENT ON FUNCTION @extschema@.workitem_batch_events(bigint) IS
$$The events of an open batch, ordered by seq; the same rows every time until it is finished.
Deliver them, then call workitem_finish_batch (in the same transaction as your own writes for
exactly-once; otherwise at-least-once: deduplicate on the event id).
Errors: WI404 no such open batch, WI422 batch_id NULL.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_finish_batch', 'admin');
CREATE FUNCTION @extschema@.workitem_finish_batch(batch_id bigint) RETURNS integer
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
COMMENT ON FUNCTION @extschema@.workitem_finish_batch(bigint) IS
$$Marks an open batch delivered: the consumer's next batch starts after it. Returns the number of
events it held. Errors: WI404 no such open batch (already finished, rewound, dropped),
WI422 batch_id NULL.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_consumer_rewind', 'admin');
CREATE FUNCTION @extschema@.workitem_consumer_rewind(consumer text, to_seq bigint DEFAULT NULL,
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

--------------------------------------------------------------------------------------------------
-- Lag and retention
--------------------------------------------------------------------------------------------------
-- The start of the retention period (now() - workitem.event_retention; NULL: events are kept
-- forever). pg_settings gives the setting in seconds whatever unit it was written in.
CREATE FUNCTION workitem.event_retention_start() RETURNS timestamptz
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT now() - s.setting::bigint * interval '1 second' FROM pg_settings s
     WHERE s.name = 'workitem.event_retention' AND s.setting::bigint > 0
$$;
COMMENT ON FUNCTION workitem.event_retention_start() IS
    'now() - workitem.event_retention: the oldest event retention keeps (NULL: all are kept).';

-- Committed events not visible in a snapshot, up to a limit: those of the transactions it saw
-- running and of every later one (both found by txid).
CREATE FUNCTION workitem.events_after(snap pg_snapshot, tenant text, count_limit integer)
    RETURNS bigint
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*) FROM (SELECT FROM workitem.event e
                           WHERE (e.txid >= pg_snapshot_xmax(snap)
                                  OR e.txid = ANY (ARRAY(SELECT pg_snapshot_xip(snap))))
                             AND (tenant = '*' OR e.tenant_id = tenant)
                           LIMIT count_limit) AS later
$$;
COMMENT ON FUNCTION workitem.events_after(pg_snapshot, text, integer) IS
    'Committed events of the tenant (''*'': all) not visible in the snapshot, up to count_limit.';
-- How many committed events a consumer has not finished, counted up to a limit: the rest of
-- its open window, then what committed after the window's snapshot (or its position's). Each
-- part is found by its own index, so a large backlog costs at most count_limit rows.
CREATE FUNCTION workitem.consumer_backlog(consumer workitem.event_consumer, count_limit integer)
    RETURNS bigint
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        WHEN consumer.window_snapshot IS NOT NULL THEN
            (SELECT count(*) FROM workitem.window_events(consumer, consumer.window_done_seq,
                                                         consumer.window_max_seq, count_limit))
            + workitem.events_after(consumer.window_snapshot, consumer.tenant_id, count_limit)
        WHEN consumer.rewound_to_seq IS NOT NULL THEN
            (SELECT count(*) FROM (SELECT FROM workitem.event e
                                    WHERE e.seq >= consumer.rewound_to_seq
                                      AND (consumer.tenant_id = '*' OR e.tenant_id = consumer.tenant_id)
                                    LIMIT count_limit) AS rewound)
        ELSE workitem.events_after(consumer.position, consumer.tenant_id, count_limit)
    END
$$;
COMMENT ON FUNCTION workitem.consumer_backlog(workitem.event_consumer, integer) IS
    'Committed events the consumer has not finished, counted up to count_limit.';

INSERT INTO workitem.required_capability VALUES ('workitem.event_lag_rows', 'admin');
CREATE FUNCTION workitem.event_lag_rows()
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
COMMENT ON FUNCTION workitem.event_lag_rows() IS 'The rows of the view workitem.event_lag.';

INSERT INTO workitem.required_capability VALUES ('workitem.event_lag', 'admin');
CREATE VIEW workitem.event_lag AS
    SELECT * FROM workitem.event_lag_rows() WHERE workitem.authorize('workitem.event_lag');
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

-- Retention coordination (the timer drops event partitions): the oldest event time some
-- consumer may still need. A consumer has delivered everything committed before its position was
-- taken; events committed later carry the start time of their transaction, so an open
-- transaction older than the position holds it back too.
CREATE FUNCTION workitem.event_consumers_horizon() RETURNS timestamptz
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT least(min(c.position_at),
                 (SELECT min(a.xact_start) FROM pg_stat_activity a
                   WHERE a.datname = current_database()))
      FROM workitem.event_consumer c
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION workitem.event_consumers_horizon() IS
    'The oldest occurred_at an event consumer may still need (NULL: no consumer): events '
    'older than this were delivered to every consumer. Retention drops only older partitions.';

-- The timers' retention (parts/20-timers.sql, extension/pg/timers/retention.cpp) asks this how far
-- it may drop events: the retention period, held back by the consumers.
CREATE FUNCTION workitem.event_retention_horizon(retention_horizon timestamptz)
    RETURNS timestamptz
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    RETURN least(retention_horizon, workitem.event_consumers_horizon());
COMMENT ON FUNCTION workitem.event_retention_horizon(timestamptz) IS
    'The time before which events may be dropped, given now() - workitem.event_retention: the '
    'earlier of that time and the oldest event some consumer has not passed '
    '(workitem.event_consumers_horizon()).';

--------------------------------------------------------------------------------------------------
-- Logical replication and wake-ups
--------------------------------------------------------------------------------------------------
CREATE FUNCTION workitem.create_publication(publication text DEFAULT 'workitem_events',
                                            tenant text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF publication IS NULL OR publication = '' OR length(publication) > 63 THEN
        PERFORM workitem.raise_invalid('publication must be a name of 1 to 63 characters');
    END IF;
    IF tenant = '' THEN
        PERFORM workitem.raise_invalid('tenant must be a tenant id, or NULL for every tenant');
    END IF;
    IF EXISTS (SELECT FROM pg_publication p WHERE p.pubname = publication) THEN
        RAISE EXCEPTION 'publication % already exists', publication USING ERRCODE = 'WI409',
            HINT = 'DROP PUBLICATION it first, or choose another name.';
    END IF;
    -- Inserts only (the table is insert-only; retention drops partitions, which publishes
    -- nothing), under the partitioned table's name so subscribers need no partitions.
    EXECUTE format('CREATE PUBLICATION %I FOR TABLE workitem.event %s '
                   'WITH (publish = ''insert'', publish_via_partition_root = true)',
                   publication,
                   CASE WHEN tenant IS NULL THEN '' ELSE format('WHERE (tenant_id = %L)', tenant) END);
    RETURN publication;
END;
$$;
COMMENT ON FUNCTION workitem.create_publication(text, text) IS
$$Creates the publication logical-replication consumers subscribe to (Debezium, a subscriber
PostgreSQL, pg_recvlogical): workitem.event, inserts only, published as the partitioned table
(publish_via_partition_root), every tenant's events or one tenant's (a row filter). Needs
wal_level = logical to be of use. The publication is not part of the extension: DROP EXTENSION
leaves it (empty), pg_dump keeps it. Superusers only. Returns its name.
Errors: WI409 it exists, WI422 bad name.$$;

CREATE FUNCTION workitem.notify_events_committed() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Identical notifications of one transaction are folded into one, sent at commit.
    PERFORM pg_notify('workitem_events', '');
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION workitem.notify_events_committed() IS
    'Trigger on workitem.event: NOTIFY workitem_events, at most once per transaction.';
CREATE TRIGGER event_wakeup AFTER INSERT ON workitem.event
    FOR EACH STATEMENT EXECUTE FUNCTION workitem.notify_events_committed();
ALTER TABLE workitem.event DISABLE TRIGGER event_wakeup;

INSERT INTO workitem.required_capability VALUES ('workitem_event_notify', 'superuser');
CREATE FUNCTION @extschema@.workitem_event_notify(enabled boolean) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF enabled IS NULL THEN
        PERFORM workitem.raise_invalid('enabled must be true or false');
    END IF;
    IF enabled THEN
        ALTER TABLE workitem.event ENABLE TRIGGER event_wakeup;
    ELSE
        ALTER TABLE workitem.event DISABLE TRIGGER event_wakeup;
    END IF;
    RETURN enabled;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_event_notify(boolean) IS
$$Release 0.1.0's wake-up, kept for its callers: prefer workitem_await_events, which costs a
commit nothing while nobody waits. Switches it on or off (off after install): when on, every
transaction that writes events sends one NOTIFY workitem_events at commit (never one per event),
so a consumer may LISTEN workitem_events and call workitem_next_batch when woken, polling still
as a fallback (a notification is lost while disconnected). Cost: a committing transaction with a
pending NOTIFY takes a cluster-wide lock, so writers' commits are serialised; leave it off under
many concurrent writers. Superusers only. Errors: WI422 enabled NULL.$$;

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
-- Last, once every object exists: the privileges. The schema is usable by the four capability
-- roles; every function, table and view is granted by workitem.apply_grants() from its declared
-- capability (workitem.required_capability, docs/security.md) - no list kept by hand.
GRANT USAGE ON SCHEMA workitem TO workitem_reader, workitem_user, workitem_service, workitem_admin;
SELECT workitem.apply_grants();
