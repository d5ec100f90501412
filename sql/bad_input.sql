-- A generated bad-input suite: every public function called with NULL in each argument and
-- with bad values of each argument's type (empty, negative, zero and huge ids, wrong jsonb
-- shapes, unknown strategies, oversized documents, 10k-element arrays, invalid UTF-8, \u0000).
-- Each call must answer with a documented SQLSTATE (ours, or PostgreSQL's input errors), never
-- crash the backend, and leave the tables exactly as they were when it fails.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;

SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['ann', 'bob']) AS u) AS users;
SELECT id FROM workitem_create('wf-1', 'T', '{"potential_owners": {"groups": ["team"]}}', actor => 'ann', skippable => true);
SELECT id FROM workitem_create('wf-1', 'T', '{"strategy": "direct", "potential_owners": {"users": ["ann"]}}', actor => 'ann');

-- A fingerprint of every table's contents.
CREATE FUNCTION pg_temp.tables_fingerprint() RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(t, '|'))
      FROM (SELECT (SELECT coalesce(string_agg(i::text, ',' ORDER BY i.id), '') FROM workitem.item i)
            UNION ALL SELECT (SELECT coalesce(string_agg(e::text, ',' ORDER BY e.seq), '') FROM workitem.event e)
            UNION ALL SELECT (SELECT coalesce(string_agg(u::text, ',' ORDER BY u.user_id), '') FROM workitem.directory_user u)
            UNION ALL SELECT (SELECT coalesce(string_agg(g::text, ',' ORDER BY g.user_id, g.group_id), '') FROM workitem.group_member g)
            UNION ALL SELECT (SELECT coalesce(string_agg(k::text, ',' ORDER BY k.key), '') FROM workitem.idempotency_key k)) AS s(t)
$$;

-- A good value for each parameter, so that one bad argument at a time is what is tested.
CREATE FUNCTION pg_temp.good_value(name text, type text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE
        WHEN name = 'id' THEN '1'
        WHEN name = 'ids' THEN '''{1,2}''::bigint[]'
        WHEN name IN ('actor', 'user_id') THEN '''ann'''
        WHEN name = 'to_user' THEN '''bob'''
        WHEN name = 'workflow_id' THEN '''wf-1'''
        WHEN name = 'assignment' THEN '''{"potential_owners": {"users": ["ann"]}}''::jsonb'
        WHEN name = 'deadlines' THEN '''[]''::jsonb'
        WHEN name = 'items' THEN '''[{"workflow_id": "w", "task_name": "t"}]''::jsonb'
        WHEN name = 'outcomes' THEN '''[]''::jsonb'
        WHEN name = 'groups' THEN '''{team}''::text[]'
        WHEN name = 'expected_versions' THEN 'NULL'
        WHEN name = 'name' THEN '''idempotency'''
        WHEN name = 'activate_at' THEN 'now() + interval ''1 hour'''
        WHEN name = 'expires_at' THEN 'now() + interval ''2 days'''
        WHEN name IN ('input_path', 'output_path') THEN '''$.a == 1'''
        WHEN name = 'sort' THEN '''id'''
        WHEN name = 'after_key' THEN 'NULL'
        WHEN name = 'field' THEN '''amount'''
        WHEN name = 'type' THEN '''numeric'''
        WHEN type = 'text' THEN '''x'''
        WHEN type IN ('bigint', 'integer') THEN '1'
        WHEN type = 'boolean' THEN 'false'
        WHEN type = 'jsonb' THEN '''{}''::jsonb'
        WHEN type = 'timestamp with time zone' THEN 'now() + interval ''1 day'''
        WHEN type = 'bigint[]' THEN '''{1}''::bigint[]'
        WHEN type = 'text[]' THEN '''{}''::text[]'
        ELSE 'NULL'
    END
$$;

-- The bad values tried for each type, besides NULL.
CREATE FUNCTION pg_temp.bad_values(type text) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT v FROM unnest(CASE type
        WHEN 'text' THEN ARRAY['''''', 'repeat(''x'', 2000)', 'convert_from(''\xc328''::bytea, ''UTF8'')',
                               '''system''', '''nope''']
        WHEN 'bigint' THEN ARRAY['-1', '0', '9223372036854775807']
        WHEN 'integer' THEN ARRAY['-1', '0', '2147483647']
        WHEN 'jsonb' THEN ARRAY['''[]''::jsonb', '''"x"''::jsonb', '''1''::jsonb', '''null''::jsonb',
                                '''{"potential_owners": 5}''::jsonb', '''{"strategy": "nope"}''::jsonb',
                                'jsonb_build_object(''blob'', repeat(''x'', 1100000))',
                                '''{"a": "\u0000"}''::jsonb', '''[{"workflow_id": 5}]''::jsonb']
        WHEN 'timestamp with time zone' THEN ARRAY['''-infinity''::timestamptz', '''infinity''::timestamptz',
                                                   '''2001-01-01 00:00+00''::timestamptz']
        WHEN 'bigint[]' THEN ARRAY['''{}''::bigint[]', 'ARRAY[NULL]::bigint[]', '''{{1},{2}}''::bigint[]',
                                   'ARRAY(SELECT generate_series(1, 10000))::bigint[]',
                                   'ARRAY(SELECT generate_series(1, 10001))::bigint[]']
        WHEN 'text[]' THEN ARRAY['''{NULL}''::text[]', '''{""}''::text[]',
                                 'ARRAY(SELECT ''g'' || n FROM generate_series(1, 10000) AS n)']
        ELSE ARRAY[]::text[] END) AS v
$$;

CREATE TEMP TABLE outcome (n serial, function text, argument text, value text, sqlstate text, changed boolean);

DO $$
DECLARE
    f record;
    position int;
    names text[];
    types text[];
    bad text;
    call text;
    args text[];
    baseline text := pg_temp.tables_fingerprint();
    state text;
BEGIN
    FOR f IN
        SELECT p.oid, p.proname, p.proargnames,
               ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) AS t) AS argtypes
          FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'workitem\_%'
         ORDER BY p.proname
    LOOP
        names := f.proargnames[1:array_length(f.argtypes, 1)];
        types := f.argtypes;
        FOR position IN 1 .. coalesce(array_length(types, 1), 0) LOOP
            FOR bad IN SELECT 'NULL' UNION ALL SELECT pg_temp.bad_values(types[position]) LOOP
                args := ARRAY(SELECT CASE WHEN i = position THEN '(' || bad || ')::' || types[i]
                                          ELSE '(' || pg_temp.good_value(names[i], types[i]) || ')::' || types[i] END
                                FROM generate_series(1, array_length(types, 1)) AS i);
                call := format('SELECT %I(%s)', f.proname, array_to_string(args, ', '));
                BEGIN
                    EXECUTE call;
                    -- A call that succeeds is undone, so every call starts from the same tables.
                    RAISE EXCEPTION USING ERRCODE = 'ZZ000';
                EXCEPTION WHEN OTHERS THEN
                    state := CASE SQLSTATE WHEN 'ZZ000' THEN 'ok' ELSE SQLSTATE END;
                END;
                INSERT INTO outcome (function, argument, value, sqlstate, changed) VALUES (f.proname, names[position],
                    CASE WHEN length(bad) > 40 THEN left(bad, 37) || '...' ELSE bad END, state,
                    pg_temp.tables_fingerprint() <> baseline);
            END LOOP;
        END LOOP;
    END LOOP;
END;
$$;

-- Every function was called, with every argument bad in turn.
SELECT count(DISTINCT function) AS functions, count(*) AS calls FROM outcome;
-- No crash (we got here), no internal error, and only documented SQLSTATEs.
SELECT sqlstate, count(*) AS calls FROM outcome GROUP BY sqlstate ORDER BY sqlstate;
SELECT function, argument, value, sqlstate FROM outcome
 WHERE sqlstate NOT IN ('ok', 'WI404', 'WI422', 'WI409', 'WI412', 'WI423', 'WI403', 'WI460',
                        'WI425', 'WI410', 'WI419', 'WI428', 'WI461', 'WI501',
                        '22P02', '22021', '22003', '22P05', '22008', '2202E');
-- Nothing a call did survived it (failed calls roll back; successful ones were undone).
SELECT count(*) AS calls_that_left_changes FROM outcome WHERE changed;
-- What each function answers to bad input, argument by argument.
SELECT function, argument, string_agg(DISTINCT sqlstate, ' ' ORDER BY sqlstate) AS outcomes
  FROM outcome GROUP BY function, argument ORDER BY function, min(n);
