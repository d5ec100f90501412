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

-- Search by business data (issue 25, docs/search.md): the search tables, their triggers and the
-- declared fields (parts/11-search.sql), and the new parameters of workitem_list, workitem_count
-- and workitem_worklist (parts/04-create-and-read.sql), which replace the old signatures.
--------------------------------------------------------------------------------------------------
-- Where the searchable data lives. An index on workitem.item takes an entry at every transition
-- (a state change is never a HOT update), so a GIN index on item.input would be rewritten by every
-- claim and complete. The searchable copy lives beside the item instead, in rows written when the
-- item is created and when its input changes (workitem_update) - never by the hot path - and
-- joined to the item for its state and visibility (docs/search.md, "Where the data lives").
--------------------------------------------------------------------------------------------------
CREATE TABLE workitem.item_search (
    item_id   bigint PRIMARY KEY,
    tenant_id text NOT NULL,
    input     jsonb
);
COMMENT ON TABLE workitem.item_search IS
    'The searchable copy of each item''s input, kept by the item triggers (written at create and '
    'when the input changes, never by a claim or complete) and indexed for containment and path '
    'predicates. Internal: no role reads it.';
-- jsonb_path_ops: smaller than the default operator class, and it serves @>, @? and @@.
CREATE INDEX item_search_input ON workitem.item_search USING gin (input jsonb_path_ops);

-- The fields worth indexing, per tenant and task name (NULL: every task of the tenant).
CREATE TABLE workitem.search_field (
    tenant_id   text NOT NULL,
    task_name   text,
    field       text NOT NULL,
    type        text NOT NULL CHECK (type IN ('numeric', 'text', 'timestamptz')),
    declared_by text NOT NULL,
    declared_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (tenant_id, task_name, field)
);
COMMENT ON TABLE workitem.search_field IS
    'Declared fields (workitem_index_field): a key path of the input whose typed value is kept in '
    'workitem.item_field_value for equality, range and sort. A field name has one type per tenant. '
    'Internal: read it with workitem_index_fields.';

-- One row per item and declared field it has a value of: a generic table with b-tree indexes per
-- type, so that declaring a field is an INSERT and a backfill, never DDL (no CREATE INDEX, which
-- cannot run concurrently inside a function).
CREATE TABLE workitem.item_field_value (
    item_id   bigint NOT NULL,
    tenant_id text NOT NULL,
    field     text NOT NULL,
    num       numeric,
    txt       text,
    ts        timestamptz,
    PRIMARY KEY (item_id, field)
);
COMMENT ON TABLE workitem.item_field_value IS
    'The typed value of each declared field (workitem.search_field) of each item that has one, '
    'kept by the item triggers. Internal: no role reads it.';
CREATE INDEX item_field_value_num ON workitem.item_field_value (tenant_id, field, num, item_id)
    WHERE num IS NOT NULL;
CREATE INDEX item_field_value_txt ON workitem.item_field_value (tenant_id, field, txt, item_id)
    WHERE txt IS NOT NULL;
CREATE INDEX item_field_value_ts ON workitem.item_field_value (tenant_id, field, ts, item_id)
    WHERE ts IS NOT NULL;

ALTER TABLE workitem.item_search ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.item_search FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.search_field ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.search_field FORCE ROW LEVEL SECURITY;
ALTER TABLE workitem.item_field_value ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.item_field_value FORCE ROW LEVEL SECURITY;
-- pg_dump keeps them; like the offers, the copies are kept by triggers a restore turns off.
SELECT pg_catalog.pg_extension_config_dump('workitem.item_search', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.search_field', '');
SELECT pg_catalog.pg_extension_config_dump('workitem.item_field_value', '');

--------------------------------------------------------------------------------------------------
-- Typed values
--------------------------------------------------------------------------------------------------
CREATE FUNCTION workitem.field_path_valid(field text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN field ~ '^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,7}$' AND length(field) <= 128;
COMMENT ON FUNCTION workitem.field_path_valid(text) IS
    'Whether a declared field name is a key path: up to 8 identifiers joined by dots, 128 characters.';

-- A value that does not have the declared type is no value (the item is simply not found by that
-- field), never a refused create: the input's shape is the workflow's business.
CREATE FUNCTION workitem.to_timestamptz(value text) RETURNS timestamptz
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION workitem.to_timestamptz(text) IS
    'The text as a timestamptz, or NULL when it is not one.';

CREATE FUNCTION workitem.field_values(input jsonb, field text, type text,
                                      OUT num numeric, OUT txt text, OUT ts timestamptz)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN type = 'numeric' AND jsonb_typeof(v) = 'number' THEN (v #>> '{}')::numeric END,
           CASE WHEN type = 'text' AND jsonb_typeof(v) = 'string' THEN v #>> '{}' END,
           CASE WHEN type = 'timestamptz' AND jsonb_typeof(v) = 'string'
                THEN workitem.to_timestamptz(v #>> '{}') END
      FROM (SELECT input #> string_to_array(field, '.') AS v) AS f
$$;
COMMENT ON FUNCTION workitem.field_values(jsonb, text, text) IS
    'The value of a key path of an input as its declared type (numeric: a JSON number, text: a '
    'JSON string, timestamptz: a JSON string that reads as one), NULL otherwise.';

--------------------------------------------------------------------------------------------------
-- The triggers that keep the copies: on insert, on a change of input, on delete. Claims and
-- completes never set input, so none of them fires on the hot path (an UPDATE OF trigger fires
-- only for statements that set the column). Per row, not per statement: the create statement
-- runs with a row limit (one row back), which never lets an AFTER STATEMENT trigger fire.
--------------------------------------------------------------------------------------------------
CREATE FUNCTION workitem.item_search_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM workitem.item_search WHERE item_id = NEW.id;
        DELETE FROM workitem.item_field_value WHERE item_id = NEW.id;
    END IF;
    IF NEW.input IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO workitem.item_search (item_id, tenant_id, input) VALUES (NEW.id, NEW.tenant_id, NEW.input);
    INSERT INTO workitem.item_field_value (item_id, tenant_id, field, num, txt, ts)
    SELECT DISTINCT ON (f.field) NEW.id, NEW.tenant_id, f.field, v.num, v.txt, v.ts
      FROM workitem.search_field f
     CROSS JOIN LATERAL workitem.field_values(NEW.input, f.field, f.type) AS v
     WHERE f.tenant_id = NEW.tenant_id AND (f.task_name IS NULL OR f.task_name = NEW.task_name)
       AND (v.num IS NOT NULL OR v.txt IS NOT NULL OR v.ts IS NOT NULL)
     ORDER BY f.field;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION workitem.item_search_write() IS
    'Trigger on workitem.item: writes the searchable copy and the declared field values of a new '
    'item, or renews them when its input changed.';
CREATE TRIGGER item_search_insert AFTER INSERT ON workitem.item
    FOR EACH ROW EXECUTE FUNCTION workitem.item_search_write();
CREATE TRIGGER item_search_input AFTER UPDATE OF input ON workitem.item
    FOR EACH ROW WHEN (OLD.input IS DISTINCT FROM NEW.input)
    EXECUTE FUNCTION workitem.item_search_write();

CREATE FUNCTION workitem.item_search_delete() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM workitem.item_search WHERE item_id = OLD.id;
    DELETE FROM workitem.item_field_value WHERE item_id = OLD.id;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION workitem.item_search_delete() IS
    'Trigger on workitem.item: drops the search rows of a deleted item.';
CREATE TRIGGER item_search_delete AFTER DELETE ON workitem.item
    FOR EACH ROW EXECUTE FUNCTION workitem.item_search_delete();

--------------------------------------------------------------------------------------------------
-- Declaring fields
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_index_field', 'admin');
CREATE FUNCTION @extschema@.workitem_index_field(task_name text, field text, type text)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant CONSTANT text := workitem.current_tenant();
    actor CONSTANT text := workitem.viewer();
    other_type text;
    filled bigint;
BEGIN
    PERFORM workitem.authorize('workitem_index_field');
    IF field IS NULL OR NOT workitem.field_path_valid(field) THEN
        PERFORM workitem.raise_invalid(format('field %s is not a key path (up to 8 identifiers '
                                              'joined by dots, 128 characters)', coalesce(field, 'NULL')));
    END IF;
    IF type IS NULL OR type NOT IN ('numeric', 'text', 'timestamptz') THEN
        PERFORM workitem.raise_invalid('type must be numeric, text or timestamptz');
    END IF;
    IF length(task_name) > 200 THEN
        PERFORM workitem.raise_invalid('task_name is longer than 200 characters');
    END IF;
    SELECT f.type INTO other_type FROM workitem.search_field f
     WHERE f.tenant_id = tenant AND f.field = workitem_index_field.field LIMIT 1;
    IF other_type IS DISTINCT FROM type AND other_type IS NOT NULL THEN
        PERFORM workitem.raise_invalid(format('field %s is already declared as %s in this tenant',
                                              field, other_type));
    END IF;
    -- Two declarations of one field for the same tenant and task race: the second waits here.
    PERFORM pg_advisory_xact_lock(workitem.lock_key('search_field:' || tenant));
    INSERT INTO workitem.search_field (tenant_id, task_name, field, type, declared_by)
    VALUES (tenant, workitem_index_field.task_name, field, type, actor)
    ON CONFLICT DO NOTHING;
    -- The backfill: the items that exist now (the trigger keeps the later ones).
    INSERT INTO workitem.item_field_value (item_id, tenant_id, field, num, txt, ts)
    SELECT i.id, i.tenant_id, workitem_index_field.field, v.num, v.txt, v.ts
      FROM workitem.item i
     CROSS JOIN LATERAL workitem.field_values(i.input, workitem_index_field.field,
                                              workitem_index_field.type) AS v
     WHERE i.tenant_id = tenant
       AND (workitem_index_field.task_name IS NULL OR i.task_name = workitem_index_field.task_name)
       AND i.input IS NOT NULL
       AND (v.num IS NOT NULL OR v.txt IS NOT NULL OR v.ts IS NOT NULL)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS filled = ROW_COUNT;
    RETURN filled;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_index_field(text, text, text) IS
$$Declares a field of the input worth indexing for the items of a task name (NULL: every task)
of the current tenant, so that the fields filter and sort of workitem_list, workitem_count and
workitem_worklist on it use an index. field: a key path ('amount', 'customer.tier'); type:
numeric, text or timestamptz (a value of another JSON type is not indexed, and not found). One
type per field name in a tenant. Fills the values of the existing items in the same transaction
(no DDL, no lock on the items) and returns how many it filled; declaring again is harmless.
Errors: WI422 bad field, type, or a field already declared with another type.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_drop_index_field', 'admin');
CREATE FUNCTION @extschema@.workitem_drop_index_field(task_name text, field text)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant CONSTANT text := workitem.current_tenant();
BEGIN
    PERFORM workitem.authorize('workitem_drop_index_field');
    PERFORM pg_advisory_xact_lock(workitem.lock_key('search_field:' || tenant));
    DELETE FROM workitem.search_field f
     WHERE f.tenant_id = tenant AND f.task_name IS NOT DISTINCT FROM workitem_drop_index_field.task_name
       AND f.field = workitem_drop_index_field.field;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    -- The values no remaining declaration covers.
    DELETE FROM workitem.item_field_value v USING workitem.item i
     WHERE v.tenant_id = tenant AND v.field = workitem_drop_index_field.field AND i.id = v.item_id
       AND NOT EXISTS (SELECT FROM workitem.search_field f
                        WHERE f.tenant_id = tenant AND f.field = v.field
                          AND (f.task_name IS NULL OR f.task_name = i.task_name));
    RETURN true;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_drop_index_field(text, text) IS
$$Drops a declaration of workitem_index_field (same task_name, NULL for every task) and the values
no other declaration covers. Returns whether there was one. A filter or sort on a field no
longer declared is WI422.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_index_fields', 'reader');
CREATE FUNCTION @extschema@.workitem_index_fields()
    RETURNS TABLE (task_name text, field text, type text, declared_by text, declared_at timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM workitem.authorize('workitem_index_fields');
    RETURN QUERY
        SELECT f.task_name, f.field, f.type, f.declared_by, f.declared_at
          FROM workitem.search_field f WHERE f.tenant_id = workitem.current_tenant()
         ORDER BY f.field, f.task_name NULLS FIRST;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_index_fields() IS
$$The declared fields of the current tenant (workitem_index_field).$$;

--------------------------------------------------------------------------------------------------
-- The filter: what workitem_list, workitem_count and workitem_worklist share. The filters become
-- one condition on an item id (the ids the search indexes match) in a statement run with
-- EXECUTE ... USING, so each call is planned with its own values and no parameter is ever spliced
-- into the text: the conditions refer to the fixed parameters $1..$7 below, and an operator is
-- chosen from a fixed list.
--   $1 tenant, $2 input_contains, $3 input_path (jsonpath), $4 field names, $5 numeric values,
--   $6 text values, $7 timestamptz values (one element per comparison)
--------------------------------------------------------------------------------------------------
CREATE TYPE workitem.search_filter AS (
    conditions text,          -- ' AND ...' on the item id expression, or ''
    input_contains jsonb,
    input_path jsonpath,
    field_names text[],
    nums numeric[],
    txts text[],
    tss timestamptz[]
);
COMMENT ON TYPE workitem.search_filter IS
    'A checked search filter: the conditions text and the values it refers to as $2..$7.';

CREATE FUNCTION workitem.search_filter(id_expression text, tenant text, input_contains jsonb,
                                       input_path text, fields jsonb)
    RETURNS workitem.search_filter
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f workitem.search_filter;
    document_conditions text[] := '{}';
    id_sets text[] := '{}';     -- one SELECT of matching item ids per filter
    field_conditions text[];
    entry record;
    comparison record;
    field_type text;
    n integer := 0;
    column_name text;
    sql_operator text;
BEGIN
    f.conditions := '';
    f.field_names := '{}';
    f.nums := '{}';
    f.txts := '{}';
    f.tss := '{}';
    IF input_contains IS NOT NULL THEN
        IF pg_column_size(input_contains) > 8192 THEN
            PERFORM workitem.raise_invalid('input_contains is larger than 8 KiB');
        END IF;
        f.input_contains := input_contains;
        document_conditions := document_conditions || 's.input @> $2'::text;
    END IF;
    IF input_path IS NOT NULL THEN
        f.input_path := workitem.json_path('input_path', input_path);
        document_conditions := document_conditions || 's.input @@ $3'::text;
    END IF;
    IF cardinality(document_conditions) > 0 THEN
        id_sets := id_sets || format('SELECT s.item_id FROM workitem.item_search s WHERE s.tenant_id = $1 AND %s',
                                     array_to_string(document_conditions, ' AND '));
    END IF;
    IF fields IS NOT NULL THEN
        IF jsonb_typeof(fields) <> 'object' OR pg_column_size(fields) > 8192 THEN
            PERFORM workitem.raise_invalid('fields must be a JSON object of at most 8 KiB: '
                                           '{"field": value or {"<op>": value, ...}}');
        END IF;
        FOR entry IN SELECT key, value FROM jsonb_each(fields) LOOP
            field_type := workitem.field_type(tenant, entry.key);
            field_conditions := '{}';
            FOR comparison IN
                SELECT * FROM jsonb_each(CASE WHEN jsonb_typeof(entry.value) = 'object' THEN entry.value
                                              ELSE jsonb_build_object('=', entry.value) END)
            LOOP
                sql_operator := CASE comparison.key WHEN '=' THEN '=' WHEN '<' THEN '<'
                                    WHEN '<=' THEN '<=' WHEN '>' THEN '>' WHEN '>=' THEN '>=' END;
                IF sql_operator IS NULL THEN
                    PERFORM workitem.raise_invalid(format('fields: %s: unknown comparison %s (=, <, <=, >, >=)',
                                                          entry.key, comparison.key));
                END IF;
                n := n + 1;
                IF n > 16 THEN
                    PERFORM workitem.raise_invalid('fields: at most 16 comparisons');
                END IF;
                f.field_names := f.field_names || entry.key;
                f.nums := f.nums || workitem.field_operand(entry.key, field_type, 'numeric', comparison.value)::numeric;
                f.txts := f.txts || workitem.field_operand(entry.key, field_type, 'text', comparison.value);
                f.tss := f.tss || workitem.field_operand(entry.key, field_type, 'timestamptz', comparison.value)::timestamptz;
                column_name := CASE field_type WHEN 'numeric' THEN 'num' WHEN 'text' THEN 'txt' ELSE 'ts' END;
                field_conditions := field_conditions || format(
                    ' AND v.field = ($4)[%1$s] AND v.%2$s %3$s ($%4$s)[%1$s]', n, column_name,
                    sql_operator, CASE field_type WHEN 'numeric' THEN 5 WHEN 'text' THEN 6 ELSE 7 END);
            END LOOP;
            -- A field's comparisons together: one range of its index.
            id_sets := id_sets || ('SELECT v.item_id FROM workitem.item_field_value v WHERE v.tenant_id = $1'
                                   || array_to_string(field_conditions, ''));
        END LOOP;
    END IF;
    -- The matching ids are collected first, from the search indexes alone, and the items then
    -- read by id: a first page sorted by id would otherwise walk the items in id order, testing
    -- each, and a rare match costs a walk past everything before it.
    IF cardinality(id_sets) > 0 THEN
        f.conditions := format(' AND %s = ANY (ARRAY(%s))', id_expression,
                               array_to_string(id_sets, ' INTERSECT '));
    END IF;
    RETURN f;
END;
$$;
COMMENT ON FUNCTION workitem.search_filter(text, text, jsonb, text, jsonb) IS
    'Checks the search filters of a read and returns them as conditions on id_expression with '
    'their values (docs/search.md). WI422 for a filter too large, a malformed path, an undeclared '
    'field or a value not of its type.';

CREATE FUNCTION workitem.json_path(parameter text, path text) RETURNS jsonpath
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF length(path) > 1024 THEN
        PERFORM workitem.raise_invalid(format('%s is longer than 1024 characters', parameter));
    END IF;
    RETURN path::jsonpath;
EXCEPTION WHEN syntax_error OR invalid_text_representation OR invalid_parameter_value THEN
    RAISE EXCEPTION '% is not a SQL/JSON path: %', parameter, SQLERRM USING ERRCODE = 'WI422',
        HINT = 'A predicate, e.g. ''$.amount > 10000'' or ''$.customer.tier == "gold"''.';
END;
$$;
COMMENT ON FUNCTION workitem.json_path(text, text) IS
    'A search parameter''s text as a jsonpath: WI422 naming the parameter when it is longer than '
    '1024 characters or not a SQL/JSON path (NULL for NULL).';

CREATE FUNCTION workitem.field_type(tenant text, field text) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    declared text := (SELECT f.type FROM workitem.search_field f
                       WHERE f.tenant_id = tenant AND f.field = field_type.field LIMIT 1);
BEGIN
    IF declared IS NULL THEN
        RAISE EXCEPTION 'field % is not declared', field USING ERRCODE = 'WI422',
            HINT = 'Declare it with workitem_index_field, or filter with input_contains or input_path.';
    END IF;
    RETURN declared;
END;
$$;
COMMENT ON FUNCTION workitem.field_type(text, text) IS
    'The declared type of a field in a tenant; WI422 when it is not declared.';

-- A comparison's value as text for the column of its type (NULL for the other columns).
CREATE FUNCTION workitem.field_operand(field text, field_type text, wanted text, value jsonb)
    RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF field_type <> wanted THEN
        RETURN NULL;
    END IF;
    IF field_type = 'numeric' AND jsonb_typeof(value) = 'number'
       OR field_type <> 'numeric' AND jsonb_typeof(value) = 'string'
          AND (field_type = 'text' OR workitem.to_timestamptz(value #>> '{}') IS NOT NULL) THEN
        RETURN value #>> '{}';
    END IF;
    RAISE EXCEPTION 'fields: % is % and % is not one', field, field_type, value USING ERRCODE = 'WI422';
END;
$$;
COMMENT ON FUNCTION workitem.field_operand(text, text, text, jsonb) IS
    'A field comparison''s value as text when the field''s type is the one wanted (NULL otherwise); '
    'WI422 when the value is not of the field''s type.';

-- The filters of workitem_list and workitem_count on the item row i, as conditions on the
-- parameters that follow the search filter's: $8 actor, $9 state, $10 queue, $11 task_name,
-- $12 workflow_id, $13 owner, $14 the potential owner's principals, $15 due_before,
-- $16 due_after, $17 min_priority, $18 output_contains, $19 output_path. Each call is planned
-- with its values, so a filter not given costs nothing (NULL IS NULL folds away).
CREATE FUNCTION workitem.item_conditions() RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
    RETURN 'workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from, '
           'i.candidates, i.administrators, $8) AND i.tenant_id = $1'
           ' AND ($9 IS NULL OR i.state = $9) AND ($10 IS NULL OR i.queue = $10)'
           ' AND ($11 IS NULL OR i.task_name = $11) AND ($12 IS NULL OR i.workflow_id = $12)'
           ' AND ($13 IS NULL OR i.owner = $13)'
           ' AND ($14 IS NULL OR (i.candidates && $14 AND NOT i.excluded && $14))'
           ' AND ($15 IS NULL OR i.due_at < $15) AND ($16 IS NULL OR i.due_at >= $16)'
           ' AND ($17 IS NULL OR i.priority >= $17)'
           ' AND ($18 IS NULL OR i.output @> $18) AND ($19 IS NULL OR i.output @@ $19)';
COMMENT ON FUNCTION workitem.item_conditions() IS
    'The conditions of workitem_list and workitem_count on the item row i (parameters $8..$19, '
    'after the search filter''s $1..$7): visibility, tenant and the plain filters.';

DROP FUNCTION @extschema@.workitem_list(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, bigint, integer, text);
DROP FUNCTION @extschema@.workitem_count(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, text);
DROP FUNCTION @extschema@.workitem_worklist(text, text, integer);
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
    actor           text DEFAULT NULL,
    input_contains  jsonb DEFAULT NULL,
    input_path      text DEFAULT NULL,
    fields          jsonb DEFAULT NULL,
    output_contains jsonb DEFAULT NULL,
    output_path     text DEFAULT NULL,
    sort            text DEFAULT 'id',
    descending      boolean DEFAULT false,
    after_key       text DEFAULT NULL)
    RETURNS SETOF workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    owner_principals text[];
    filter workitem.search_filter;
    sort_key text;          -- the sort expression (NULL: by id alone)
    sort_field text;
    sort_type text;         -- numeric, text or timestamptz: which after_key parameter it reads
    after_num numeric;
    after_ts timestamptz;
    after_condition text := '';
    direction text := CASE WHEN descending THEN 'DESC' ELSE 'ASC' END;
    beyond text := CASE WHEN descending THEN '<' ELSE '>' END;
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
    filter := workitem.search_filter('i.id', tenant, input_contains, input_path, fields);
    CASE
        WHEN sort IS NULL OR sort = 'id' THEN NULL;
        WHEN sort = 'created' THEN sort_key := 'i.created_at'; sort_type := 'timestamptz';
        WHEN sort = 'priority' THEN sort_key := 'i.priority'; sort_type := 'numeric';
        WHEN sort = 'due' THEN sort_key := 'i.due_at'; sort_type := 'timestamptz';
        WHEN sort LIKE 'field:%' THEN
            sort_field := substr(sort, 7);
            sort_type := workitem.field_type(tenant, sort_field);
            sort_key := CASE sort_type WHEN 'numeric' THEN 'sv.num' WHEN 'text' THEN 'sv.txt' ELSE 'sv.ts' END;
        ELSE
            PERFORM workitem.raise_invalid('sort must be id, created, priority, due or field:<declared field>');
    END CASE;
    -- Keyset paging: after the last row's (sort key, id); a NULL key sorts last.
    IF after_id IS NOT NULL AND sort_key IS NULL THEN
        after_condition := format(' AND i.id %s $20', beyond);
    ELSIF after_id IS NOT NULL AND after_key IS NULL THEN
        after_condition := format(' AND %s IS NULL AND i.id %s $20', sort_key, beyond);
    ELSIF after_id IS NOT NULL THEN
        BEGIN
            after_num := CASE WHEN sort_type = 'numeric' THEN after_key::numeric END;
            after_ts := CASE WHEN sort_type = 'timestamptz' THEN after_key::timestamptz END;
        EXCEPTION WHEN data_exception THEN
            PERFORM workitem.raise_invalid(format('after_key %s is not a %s', after_key, sort_type));
        END;
        after_condition := format(' AND (%1$s %2$s $%3$s OR (%1$s = $%3$s AND i.id %2$s $20) OR %1$s IS NULL)',
                                  sort_key, beyond,
                                  CASE sort_type WHEN 'numeric' THEN 22 WHEN 'text' THEN 23 ELSE 24 END);
    ELSIF after_key IS NOT NULL THEN
        PERFORM workitem.raise_invalid('after_key needs after_id (the last row''s id)');
    END IF;
    RETURN QUERY EXECUTE
        'SELECT i.* FROM workitem.item i'
        || CASE WHEN sort_field IS NOT NULL
                THEN ' LEFT JOIN workitem.item_field_value sv ON sv.item_id = i.id AND sv.field = $25'
                ELSE '' END
        || ' WHERE ' || workitem.item_conditions() || filter.conditions || after_condition
        || ' ORDER BY ' || CASE WHEN sort_key IS NOT NULL
                                THEN format('%s %s NULLS LAST, ', sort_key, direction) ELSE '' END
        || 'i.id ' || direction || ' LIMIT $21'
        USING tenant, filter.input_contains, filter.input_path, filter.field_names, filter.nums,
              filter.txts, filter.tss, actor, state, queue, task_name, workflow_id, owner,
              owner_principals, due_before, due_after, min_priority, output_contains,
              workitem.json_path('output_path', output_path), after_id, page_size, after_num,
              after_key, after_ts, sort_field;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_list(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, bigint, integer, text, jsonb, text, jsonb, jsonb, text, text, boolean, text) IS
$$Lists items of the current tenant matching every filter given, at most page_size (1..10000,
default 100) rows. potential_owner: items naming that user or one of their groups as potential
owner (and not excluding them). due_before is exclusive, due_after inclusive.
Business data (docs/search.md): input_contains / output_contains: JSON containment (@>);
input_path / output_path: a SQL/JSON path predicate ('$.amount > 10000'; at most 1024
characters); fields: comparisons on declared fields (workitem_index_field),
{"amount": {">=": 100, "<": 500}, "tier": "gold"} (=, <, <=, >, >=; at most 16). Input filters
use the search indexes; output filters are checked on the rows the others select.
sort: id (default), created, priority, due or field:<declared field>; descending flips it; ties
by id, an absent value last. Keyset paging: pass the last row's id as after_id and, when sorted
by something else than id, its sort value as text as after_key (NULL when it had none).
Errors: WI422 bad page_size, sort or after_key, a filter over 8 KiB, a malformed path, an
undeclared field or a value not of its type.$$;

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
    actor           text DEFAULT NULL,
    input_contains  jsonb DEFAULT NULL,
    input_path      text DEFAULT NULL,
    fields          jsonb DEFAULT NULL,
    output_contains jsonb DEFAULT NULL,
    output_path     text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    owner_principals text[];
    filter workitem.search_filter;
    total bigint;
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF potential_owner IS NOT NULL THEN
        owner_principals := workitem.principals_of(tenant, potential_owner);
    END IF;
    filter := workitem.search_filter('i.id', tenant, input_contains, input_path, fields);
    EXECUTE 'SELECT count(*) FROM workitem.item i WHERE ' || workitem.item_conditions() || filter.conditions
        INTO total
        USING tenant, filter.input_contains, filter.input_path, filter.field_names, filter.nums,
              filter.txts, filter.tss, actor, state, queue, task_name, workflow_id, owner,
              owner_principals, due_before, due_after, min_priority, output_contains,
              workitem.json_path('output_path', output_path);
    RETURN total;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_count(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, text, jsonb, text, jsonb, jsonb, text) IS
$$How many items of the current tenant match every filter given (the filters of workitem_list,
business data included); only the items the reader may see are counted.$$;

CREATE FUNCTION @extschema@.workitem_worklist(
    actor          text,
    queue          text DEFAULT NULL,
    page_size      integer DEFAULT 100,
    input_contains jsonb DEFAULT NULL,
    input_path     text DEFAULT NULL,
    fields         jsonb DEFAULT NULL)
    RETURNS SETOF workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    principals text[];
    offered workitem.search_filter;
    held workitem.search_filter;
BEGIN
    IF actor IS NULL OR actor = '' THEN
        PERFORM workitem.raise_invalid('actor is required');
    END IF;
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    principals := workitem.principals_of(tenant, actor);
    PERFORM workitem.viewer(actor);  -- a non-service may only ask for its own worklist
    offered := workitem.search_filter('e.item_id', tenant, input_contains, input_path, fields);
    held := workitem.search_filter('i.id', tenant, input_contains, input_path, fields);
    -- An actor the directory does not know (in a tenant that keeps one) has no groups: say so
    -- rather than answer with an empty page that looks like "nothing to do".
    IF NOT EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = tenant AND d.user_id = actor)
       AND EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = tenant) THEN
        RAISE WARNING 'user % is not in the directory of tenant %: only items offered to them by name are listed',
            actor, tenant
            USING HINT = 'Sync them into the directory (workitem_put_user) to give them their groups.';
    END IF;
    -- Like claim_next: the best page of the offer entries of each principal of the actor (those
    -- the filter keeps), and what the actor holds, merged; never a walk past the items offered
    -- to others. $8 principals, $9 queue, $10 page_size, $11 actor.
    RETURN QUERY EXECUTE
        'SELECT w.* FROM (
            SELECT i.* FROM workitem.item i
             WHERE i.id IN (
                SELECT o.item_id FROM unnest($8) AS p(principal)
                CROSS JOIN LATERAL (
                    SELECT e.item_id FROM workitem.offer e
                     WHERE e.tenant_id = $1 AND e.principal = p.principal
                       AND ($9 IS NULL OR e.queue = $9)
                       AND NOT e.excluded && $8
                       AND (e.expires_at IS NULL OR e.expires_at > now())' || offered.conditions || '
                     ORDER BY e.priority DESC, e.due_at ASC NULLS LAST, e.item_id
                     LIMIT $10) AS o)
               AND i.tenant_id = $1 AND i.state = ''offered''
            UNION ALL
            SELECT i.* FROM workitem.item i
             WHERE i.tenant_id = $1 AND i.owner = $11
               AND i.state IN (''allocated'', ''started'', ''suspended'')
               AND ($9 IS NULL OR i.queue = $9)' || held.conditions || ') AS w
         ORDER BY w.priority DESC, w.due_at ASC NULLS LAST, w.id
         LIMIT $10'
        USING tenant, offered.input_contains, offered.input_path, offered.field_names, offered.nums,
              offered.txts, offered.tss, principals, queue, page_size, actor;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_worklist(text, text, integer, jsonb, text, jsonb) IS
$$The actor's worklist: items offered to them (directly or through a group, not excluded, not
expired) and items they hold (allocated, started, suspended), best first: priority, then due
date, then age. At most page_size rows. input_contains, input_path and fields filter by business
data as in workitem_list (docs/search.md). Warns when the tenant keeps a directory that does not
know the actor. Errors: WI422 no actor or bad page_size, and the filter errors of workitem_list.$$;

-- The searchable copy of the items that exist (no field is declared yet).
INSERT INTO workitem.item_search (item_id, tenant_id, input)
SELECT i.id, i.tenant_id, i.input FROM workitem.item i WHERE i.input IS NOT NULL;
SELECT workitem.apply_grants();
