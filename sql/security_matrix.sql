-- The security matrix (docs/security.md): every function and every table or view of the extension,
-- tried by each role in its own tenant and against another tenant's item, after SET ROLE to the
-- capability role it can reach, after trying to switch tenant, and by a service on behalf of each
-- capability. What must happen is derived from each object's declared capability
-- (workitem.required_capability); the test prints only the disagreements, then how many checks ran.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS mx_reader, mx_user, mx_admin, mx_service;
DROP FUNCTION IF EXISTS mx_try(text, bigint, text);
RESET client_min_messages;
\set SHOW_CONTEXT never

-- Every public function declares its capability, and every declaration names an object.
SELECT p.proname AS undeclared_function FROM pg_proc p
 WHERE p.proname LIKE 'workitem\_%' AND p.pronamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT FROM workitem.required_capability c WHERE c.object = p.proname);
SELECT c.object AS declared_but_missing FROM workitem.required_capability c
 WHERE NOT EXISTS (SELECT FROM pg_proc p WHERE p.proname = c.object AND p.pronamespace = 'public'::regnamespace)
   AND NOT EXISTS (SELECT FROM pg_proc p WHERE 'workitem.' || p.proname = c.object AND p.pronamespace = 'workitem'::regnamespace)
   AND to_regclass(c.object) IS NULL;

-- The grants are exactly what the declarations say: for every function, table, view and sequence
-- of the extension and every role (PUBLIC included), the privilege is held iff the role is one of
-- its capability's.
CREATE TEMP VIEW mx_objects AS
SELECT d.classid = 'pg_proc'::regclass AS is_function, d.objid,
       CASE WHEN d.classid = 'pg_proc'::regclass THEN d.objid::regprocedure::text ELSE d.objid::regclass::text END AS name,
       (SELECT c.capability FROM workitem.required_capability c
         WHERE c.object = CASE WHEN n.nspname = 'workitem' THEN 'workitem.' ELSE '' END || coalesce(p.proname, r.relname)) AS capability
  FROM pg_depend d
  LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
  LEFT JOIN pg_class r ON d.classid = 'pg_class'::regclass AND r.oid = d.objid
  JOIN pg_namespace n ON n.oid = coalesce(p.pronamespace, r.relnamespace)
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'workitem')
   AND (p.oid IS NOT NULL OR r.relkind IN ('r', 'p', 'v', 'S'));
SELECT o.name, g.role, o.capability,
       CASE WHEN o.is_function THEN has_function_privilege(g.role, o.objid, 'EXECUTE')
            ELSE has_table_privilege(g.role, o.objid, 'SELECT') END AS holds
  FROM mx_objects o,
       unnest(ARRAY['public', 'workitem_reader', 'workitem_user', 'workitem_admin', 'workitem_service']) AS g(role)
 WHERE (CASE WHEN o.is_function THEN has_function_privilege(g.role, o.objid, 'EXECUTE')
             ELSE has_table_privilege(g.role, o.objid, 'SELECT') END)
       <> (g.role = ANY (workitem.roles_with(o.capability)))
 ORDER BY 1, 2;
-- No role may write a table of the extension.
SELECT o.name, g.role FROM mx_objects o,
       unnest(ARRAY['public', 'workitem_reader', 'workitem_user', 'workitem_admin', 'workitem_service']) AS g(role)
 WHERE NOT o.is_function AND o.name NOT LIKE '%seq%'
   AND has_table_privilege(g.role, o.objid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER');
SELECT count(*) > 100 AS objects_checked FROM mx_objects;

-- People: a login per capability, all in tenant acme (the service picks it per transaction).
CREATE ROLE mx_reader IN ROLE workitem_reader;
CREATE ROLE mx_user IN ROLE workitem_user;
CREATE ROLE mx_admin IN ROLE workitem_admin;
CREATE ROLE mx_service IN ROLE workitem_service;
INSERT INTO workitem.role_tenant VALUES ('mx_reader', 'acme'), ('mx_user', 'acme'), ('mx_admin', 'acme');
-- One item in acme and one in another tenant, each naming the people of acme in every item role,
-- so that what a capability allows is never refused by the item's own rules.
CREATE TEMP TABLE mx_item (tenant text, id bigint);
GRANT SELECT ON mx_item TO PUBLIC;
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['mx_reader', 'mx_user', 'mx_admin']) AS u) AS users;
INSERT INTO mx_item SELECT 'acme', id FROM workitem_create('wf-acme', 'Matrix',
    '{"potential_owners": {"users": ["mx_user", "mx_admin"]}, "administrators": {"users": ["mx_user", "mx_admin"]}}',
    actor => 'mx_user');
-- And one in acme that names nobody of acme: a user may not see it.
INSERT INTO mx_item SELECT 'hidden', id FROM workitem_create('wf-hidden', 'Matrix',
    '{"potential_owners": {"users": ["someone_else"]}}', actor => 'engine');
COMMIT;
BEGIN;
SET LOCAL workitem.tenant = 'other';
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['mx_reader', 'mx_user', 'mx_admin']) AS u) AS users;
INSERT INTO mx_item SELECT 'other', id FROM workitem_create('wf-other', 'Matrix',
    '{"potential_owners": {"users": ["mx_user", "mx_admin"]}, "administrators": {"users": ["mx_user", "mx_admin"]}}',
    actor => 'mx_user');
COMMIT;

-- A call of each public function: $1 is an item id, $2 the actor. Superuser-only functions get
-- a call too: they must be refused to everyone.
CREATE TEMP TABLE mx_call (fn text PRIMARY KEY, call text NOT NULL);
GRANT SELECT ON mx_call TO PUBLIC;
INSERT INTO mx_call VALUES
  ('workitem_get', 'SELECT workitem_get($1, $2)'),
  ('workitem_list', 'SELECT count(*) FROM workitem_list(actor => $2)'),
  ('workitem_count', 'SELECT workitem_count(actor => $2)'),
  ('workitem_worklist', 'SELECT count(*) FROM workitem_worklist($2)'),
  ('workitem_index_field', 'SELECT workitem_index_field(''Matrix'', ''amount'', ''numeric'')'),
  ('workitem_drop_index_field', 'SELECT workitem_drop_index_field(''Matrix'', ''none'')'),
  ('workitem_index_fields', 'SELECT count(*) FROM workitem_index_fields()'),
  ('workitem_history', 'SELECT count(*) FROM workitem_history($1, $2)'),
  ('workitem_allowed_operations', 'SELECT workitem_allowed_operations($1, $2)'),
  ('workitem_create', 'SELECT workitem_create(''wf-m'', ''Made'', actor => $2)'),
  ('workitem_create_many', 'SELECT count(*) FROM workitem_create_many(''[{"workflow_id": "wf-m", "task_name": "Made"}]'', $2)'),
  ('workitem_cancel_workflow', 'SELECT count(*) FROM workitem_cancel_workflow(''wf-none'', $2)'),
  ('workitem_put_user', 'SELECT workitem_put_user(''mx_new'', ''{team}'')'),
  ('workitem_put_users', 'SELECT workitem_put_users(''[{"user_id": "mx_new"}]'')'),
  ('workitem_get_user', 'SELECT workitem_get_user(''mx_user'')'),
  ('workitem_list_users', 'SELECT count(*) FROM workitem_list_users()'),
  ('workitem_list_groups', 'SELECT count(*) FROM workitem_list_groups()'),
  ('workitem_delete_user', 'SELECT workitem_delete_user(''mx_new'')'),
  ('workitem_set_flag', 'SELECT workitem_set_flag(''idempotency'', true, workitem.current_tenant())'),
  ('workitem_set_lease_default', 'SELECT workitem_set_lease_default(queue => ''mx'', lease_seconds => 60)'),
  ('workitem_set_task_form', 'SELECT workitem_set_task_form(''mx'', ''{"type": "object"}'')'),
  ('workitem_task_form', 'SELECT workitem_task_form(''mx'')'),
  ('workitem_register_validator', 'SELECT workitem_register_validator(''pg_catalog.now'')'),
  ('workitem_unregister_validator', 'SELECT workitem_unregister_validator(1)'),
  ('workitem_register_strategy', 'SELECT workitem_register_strategy(''mx'', ''pg_catalog.now'')'),
  ('workitem_event_notify', 'SELECT workitem_event_notify(false)'),
  ('workitem_tick', 'SELECT workitem_tick(1)'),
  ('workitem_consumer_create', 'SELECT workitem_consumer_create(''mx_consumer'')'),
  ('workitem_consumer_drop', 'SELECT workitem_consumer_drop(''mx_none'')'),
  ('workitem_next_batch', 'SELECT workitem_next_batch(''mx_none'')'),
  ('workitem_await_events', 'SELECT workitem_await_events(''mx_none'')'),
  ('workitem_await_work', 'SELECT cardinality(workitem_await_work($2))'),
  ('workitem_batch_events', 'SELECT count(*) FROM workitem_batch_events(-1)'),
  ('workitem_finish_batch', 'SELECT workitem_finish_batch(-1)'),
  ('workitem_consumer_rewind', 'SELECT workitem_consumer_rewind(''mx_none'', to_seq => 0)'),
  ('workitem_claim', 'SELECT workitem_claim($1, $2)'),
  ('workitem_claim_next', 'SELECT count(*) FROM workitem_claim_next($2)'),
  ('workitem_acknowledge_and_claim_next', 'SELECT sqlstate FROM workitem_acknowledge_and_claim_next($2, jsonb_build_array(jsonb_build_object(''id'', $1)), max_items => 0)'),
  ('workitem_allocate', 'SELECT workitem_allocate($1, $2, $2)'),
  ('workitem_start', 'SELECT workitem_start($1, $2)'),
  ('workitem_stop', 'SELECT workitem_stop($1, $2)'),
  ('workitem_release', 'SELECT workitem_release($1, $2)'),
  ('workitem_delegate', 'SELECT workitem_delegate($1, $2, ''mx_admin'')'),
  ('workitem_resolve', 'SELECT workitem_resolve($1, $2)'),
  ('workitem_forward', 'SELECT workitem_forward($1, $2, ''{"potential_owners": {"users": ["mx_user"]}}'')'),
  ('workitem_suspend', 'SELECT workitem_suspend($1, $2)'),
  ('workitem_resume', 'SELECT workitem_resume($1, $2)'),
  ('workitem_complete', 'SELECT workitem_complete($1, $2)'),
  ('workitem_fail', 'SELECT workitem_fail($1, $2)'),
  ('workitem_skip', 'SELECT workitem_skip($1, $2)'),
  ('workitem_cancel', 'SELECT workitem_cancel($1, $2)'),
  ('workitem_mark_error', 'SELECT workitem_mark_error($1, $2)'),
  ('workitem_heartbeat', 'SELECT workitem_heartbeat($1, $2)'),
  ('workitem_update', 'SELECT workitem_update($1, $2, priority => 3)'),
  ('workitem_save_output', 'SELECT workitem_save_output($1, $2, ''{}'')'),
  ('workitem_remember_refusal', 'SELECT workitem_remember_refusal(''mx_none'')');
-- Every batch form is called like its single form, with the id in an array; it answers per
-- item, and the item's sqlstate is the outcome.
INSERT INTO mx_call
SELECT c.fn || '_batch',
       replace(c.call, 'SELECT ' || c.fn || '($1', 'SELECT sqlstate FROM ' || c.fn || '_batch(ARRAY[$1]')
  FROM mx_call c WHERE to_regproc(c.fn || '_batch') IS NOT NULL;
-- Every public function has a call here.
SELECT p.proname AS function_without_call FROM pg_proc p
 WHERE p.proname LIKE 'workitem\_%' AND p.pronamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT FROM mx_call c WHERE c.fn = p.proname);

-- Runs one call and undoes it, answering what happened: refused (no privilege, or WI403),
-- not found (WI404 for the item), or reached (anything else: done, or stopped by the item's state
-- or the input; a consumer or batch that is not found has passed the gate too). A batch row's
-- sqlstate counts as raised.
CREATE FUNCTION mx_try(call text, item bigint, actor text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    answer text;
BEGIN
    EXECUTE call INTO answer USING item, actor;
    IF call LIKE '%sqlstate FROM%' AND answer IS NOT NULL THEN
        RAISE EXCEPTION 'batch row' USING ERRCODE = answer;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'MX000';
EXCEPTION WHEN OTHERS THEN
    RETURN CASE WHEN SQLSTATE IN ('42501', 'WI403') THEN 'refused'
                WHEN SQLSTATE = 'WI404' AND call LIKE '%$1%' THEN 'not found'
                ELSE 'reached' END;
END;
$$;
GRANT EXECUTE ON FUNCTION mx_try(text, bigint, text) TO PUBLIC;

-- The matrix. Each way in: the login, what it does first (a SET ROLE, a tenant switch or, for
-- the service, the capability it acts on behalf of), the item's tenant, and what must happen.
CREATE TEMP TABLE mx_result (way text, fn text, expected text, actual text);
DO $$
DECLARE
    way record;
    c record;
    outcome text;
    results text[];
BEGIN
    FOR way IN
        WITH logins(capability) AS (VALUES ('reader'), ('user'), ('admin'), ('service'))
        -- its own capability, on its tenant's item and the other tenant's; a user also on the
        -- item it may not see (WI404 like a missing one)
        SELECT 'mx_' || capability AS login, NULL::text AS set_role, NULL::text AS on_behalf,
               NULL::text AS switch_to, t.tenant, 'workitem_' || capability AS acts_as
          FROM logins, (VALUES ('acme'), ('other'), ('hidden')) AS t(tenant)
         WHERE t.tenant <> 'hidden' OR capability = 'user'
        UNION ALL  -- SET ROLE to the capability role: never an identity
        SELECT 'mx_' || capability, 'workitem_' || capability, NULL, NULL, 'acme', NULL FROM logins
        UNION ALL  -- a role that is not a service names another tenant: refused
        SELECT 'mx_' || capability, NULL, NULL, 'other', 'acme', NULL FROM logins WHERE capability <> 'service'
        UNION ALL  -- a service on behalf of an end user's capability: exactly that capability
        SELECT 'mx_service', NULL, b.capability, NULL, t.tenant, 'workitem_' || b.capability
          FROM (VALUES ('reader'), ('user'), ('admin')) AS b(capability),
               (VALUES ('acme'), ('hidden')) AS t(tenant)
         WHERE t.tenant <> 'hidden' OR b.capability = 'user'
    LOOP
        results := '{}';
        EXECUTE format('SET ROLE %I', way.login);
        RESET workitem.tenant;
        IF way.login = 'mx_service' THEN PERFORM set_config('workitem.tenant', 'acme', true); END IF;
        IF way.set_role IS NOT NULL THEN EXECUTE format('SET ROLE %I', way.set_role); END IF;
        IF way.on_behalf IS NOT NULL THEN PERFORM set_config('workitem.on_behalf', way.on_behalf, true); END IF;
        IF way.switch_to IS NOT NULL THEN PERFORM set_config('workitem.tenant', way.switch_to, true); END IF;
        FOR c IN SELECT fn, call FROM mx_call ORDER BY fn LOOP
            outcome := mx_try(c.call, (SELECT id FROM mx_item WHERE tenant = way.tenant),
                              CASE WHEN way.login = 'mx_service' THEN 'mx_user' ELSE way.login END);
            results := results || ARRAY[c.fn, outcome];
        END LOOP;
        RESET ROLE;
        IF way.on_behalf IS NOT NULL THEN PERFORM set_config('workitem.on_behalf', '', true); END IF;
        INSERT INTO mx_result
        SELECT concat_ws(' ', way.login, 'SET ROLE ' || way.set_role, 'on behalf of ' || way.on_behalf,
                         'switching to ' || way.switch_to, 'on the ' || way.tenant || ' item'),
               results[2 * i - 1],
               CASE WHEN way.acts_as IS NULL
                         OR NOT way.acts_as = ANY (workitem.roles_with(
                             (SELECT capability FROM workitem.required_capability WHERE object = results[2 * i - 1])))
                    THEN 'refused'
                    WHEN (way.tenant = 'other' OR (way.tenant = 'hidden' AND way.acts_as = 'workitem_user'))
                         AND (SELECT call LIKE '%$1%' FROM mx_call WHERE fn = results[2 * i - 1])
                    THEN 'not found'
                    ELSE 'reached' END,
               results[2 * i]
          FROM generate_series(1, array_length(results, 1) / 2) AS i;
    END LOOP;
END;
$$;
SELECT way, fn, expected, actual FROM mx_result WHERE expected <> actual ORDER BY way, fn;
SELECT count(*) AS calls_checked, count(DISTINCT way) AS ways, count(DISTINCT fn) AS functions FROM mx_result;

-- Direct reads: every table and view of the extension, by each login in each way; a readable one
-- shows only the login's tenant.
CREATE TEMP TABLE mx_read (way text, relation text, expected text, actual text);
DO $$
DECLARE
    way record;
    rel record;
    outcome text;
    results text[];
BEGIN
    FOR way IN
        SELECT 'mx_' || capability AS login, s.set_role, NULL::text AS on_behalf,
               'workitem_' || capability AS acts_as
          FROM (VALUES ('reader'), ('user'), ('admin'), ('service')) AS l(capability),
               LATERAL (VALUES (NULL::text), ('workitem_' || capability)) AS s(set_role)
        UNION ALL  -- a service on behalf of an end user's capability reads as that capability
        SELECT 'mx_service', NULL, b.capability, 'workitem_' || b.capability
          FROM (VALUES ('reader'), ('user'), ('admin')) AS b(capability)
    LOOP
        results := '{}';
        EXECUTE format('SET ROLE %I', way.login);
        RESET workitem.tenant;
        IF way.login = 'mx_service' THEN PERFORM set_config('workitem.tenant', 'acme', true); END IF;
        IF way.set_role IS NOT NULL THEN EXECUTE format('SET ROLE %I', way.set_role); END IF;
        IF way.on_behalf IS NOT NULL THEN PERFORM set_config('workitem.on_behalf', way.on_behalf, true); END IF;
        FOR rel IN SELECT c.oid::regclass::text AS name, c.oid AS relid,
                          EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id') AS has_tenant
                     FROM pg_class c
                    WHERE c.relnamespace = 'workitem'::regnamespace AND c.relkind IN ('r', 'p', 'v')
                    ORDER BY 1 LOOP
            BEGIN
                IF rel.has_tenant THEN
                    EXECUTE format('SELECT CASE WHEN bool_or(tenant_id <> %L) THEN ''leaks'' '
                                   'WHEN count(*) = 0 THEN ''nothing'' ELSE ''reached'' END FROM %s',
                                   'acme', rel.name) INTO outcome;
                ELSE
                    EXECUTE format('SELECT ''reached'' FROM %s LIMIT 1', rel.name);
                    outcome := 'reached';
                END IF;
            EXCEPTION WHEN OTHERS THEN
                outcome := CASE WHEN SQLSTATE IN ('42501', 'WI403') THEN 'refused' ELSE SQLSTATE END;
            END;
            results := results || ARRAY[rel.name || CASE WHEN rel.has_tenant THEN '' ELSE ' (no tenant)' END, outcome];
        END LOOP;
        RESET ROLE;
        IF way.on_behalf IS NOT NULL THEN PERFORM set_config('workitem.on_behalf', '', true); END IF;
        INSERT INTO mx_read
        SELECT concat_ws(' ', way.login, 'SET ROLE ' || way.set_role, 'on behalf of ' || way.on_behalf),
               results[2 * i - 1],
               -- A capability role reached by SET ROLE reads nothing of any tenant (the
               -- declarations, which hold no tenant's data, aside).
               CASE WHEN (way.set_role IS NULL OR results[2 * i - 1] LIKE 'workitem.required_capability%')
                         AND way.acts_as = ANY (workitem.roles_with(
                         (SELECT capability FROM workitem.required_capability
                           WHERE object = split_part(results[2 * i - 1], ' ', 1))))
                    THEN 'reached' ELSE 'refused' END,
               results[2 * i]
          FROM generate_series(1, array_length(results, 1) / 2) AS i;
    END LOOP;
END;
$$;
-- Seeing nothing is as good as a refusal where the read is refused, and may be all there is where
-- it is allowed (no timer failures, say).
SELECT way, relation, expected, actual FROM mx_read
 WHERE expected <> actual AND actual <> 'nothing' ORDER BY way, relation;
SELECT count(*) AS reads_checked, count(DISTINCT relation) AS relations FROM mx_read;
