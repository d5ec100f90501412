-- Search by business data (docs/search.md): the searchable copy of each item's input, the declared
-- fields and their typed values, and the filter that workitem_list, workitem_count and
-- workitem_worklist share.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

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
