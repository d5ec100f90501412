-- Task forms (issue 26, docs/tasklist.md): the JSON Schema of a task's output, per tenant and
-- task name, that the task inbox turns into the form a person completes the item with.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).
--------------------------------------------------------------------------------------------------
-- A form is presentation: it guides the person entering the output; what the database accepts is
-- still decided by the operations and any custom validator (docs/operations.md). Read by anyone of
-- the tenant who may read items; set and removed by its administrators and services.
--------------------------------------------------------------------------------------------------
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
