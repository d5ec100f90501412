-- workitem: upgrade from release 0.2.0 to 0.3.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; tests/upgrade/run proves that an updated 0.2.0 (and 0.1.0, through 0.2.0)
-- equals a fresh install (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit

-- claim_next's fronts (issue 19, under bloat): each offer entry records the transaction that
-- offered it, and an index reads a principal's entries offered since a transaction id
-- (transition/claim_fronts.hpp). Existing entries take the updating transaction's id.
ALTER TABLE workitem.offer ADD COLUMN offered_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX offer_offered_since ON workitem.offer (tenant_id, queue, principal, offered_xid);
CREATE FUNCTION workitem.claim_next_fronts_statement(advance boolean) RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_claim_next_fronts_statement' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION workitem.claim_next_fronts_statement(boolean) IS
    'Internal, for the tests (sql/claim_next_plans.sql): the text of the statement '
    'workitem_claim_next finds and locks its item with in a queue when it scans from its fronts '
    '(false), or of the one that moves its fronts after the claim (true). Granted to no role.';

-- Task forms (parts/40-task-forms.sql; docs/tasklist.md).
CREATE TABLE workitem.task_form (
    tenant_id     text NOT NULL,
    task_name     text NOT NULL CHECK (octet_length(task_name) BETWEEN 1 AND 1000),
    output_schema jsonb NOT NULL CHECK (jsonb_typeof(output_schema) = 'object'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, task_name)
);
COMMENT ON TABLE workitem.task_form IS
    'The JSON Schema (draft 2020-12, an object) of each task''s output that the task inbox renders '
    'as a form; set through workitem_set_task_form, read through workitem_task_form.';
ALTER TABLE workitem.task_form ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.task_form FORCE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('workitem.task_form', '');

INSERT INTO workitem.required_capability VALUES ('workitem_set_task_form', 'admin');
CREATE FUNCTION @extschema@.workitem_set_task_form(task_name text, output_schema jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- First: nothing is looked up for a caller without the capability.
    authorized CONSTANT boolean := workitem.authorize('workitem_set_task_form');
    tenant CONSTANT text := workitem.current_tenant();
    previous jsonb;
BEGIN
    IF task_name IS NULL OR octet_length(task_name) NOT BETWEEN 1 AND 1000 THEN
        PERFORM workitem.raise_invalid('task_name must be 1 to 1000 bytes');
    ELSIF output_schema IS NOT NULL AND jsonb_typeof(output_schema) <> 'object' THEN
        PERFORM workitem.raise_invalid('output_schema must be a JSON object (a JSON Schema)');
    ELSIF octet_length(output_schema::text) > 65536 THEN
        PERFORM workitem.raise_invalid('output_schema is longer than 65536 bytes');
    END IF;
    DELETE FROM workitem.task_form f
     WHERE f.tenant_id = tenant AND f.task_name = workitem_set_task_form.task_name
    RETURNING f.output_schema INTO previous;
    IF output_schema IS NOT NULL THEN
        INSERT INTO workitem.task_form (tenant_id, task_name, output_schema)
        VALUES (tenant, workitem_set_task_form.task_name, workitem_set_task_form.output_schema);
    END IF;
    RETURN previous;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_set_task_form(text, jsonb) IS
$$Sets (output_schema) or removes (output_schema NULL) the form of a task of the current tenant:
the JSON Schema of its output that the task inbox renders (docs/tasklist.md). A presentation aid:
the operations do not check output against it. Returns the schema it replaced (NULL: none).
Errors: WI422 a task_name not of 1 to 1000 bytes, a schema that is not a JSON object or is over
65536 bytes; WI403 a service acting on behalf of a user or reader.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_task_form', 'reader');
CREATE FUNCTION @extschema@.workitem_task_form(task_name text)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    authorized CONSTANT boolean := workitem.authorize('workitem_task_form');
    found jsonb;
BEGIN
    IF task_name IS NULL OR octet_length(task_name) NOT BETWEEN 1 AND 1000 THEN
        PERFORM workitem.raise_invalid('task_name must be 1 to 1000 bytes');
    END IF;
    SELECT f.output_schema INTO found FROM workitem.task_form f
     WHERE f.tenant_id = workitem.current_tenant() AND f.task_name = workitem_task_form.task_name;
    RETURN found;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_task_form(text) IS
$$The form of a task of the current tenant: the JSON Schema of its output set by
workitem_set_task_form, or NULL when it has none. Errors: WI422 a task_name not of 1 to 1000
bytes.$$;
SELECT workitem.apply_grants();
