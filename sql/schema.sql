-- The shapes users and operators rely on.
-- Each file starts from a fresh install, so ids and counts are its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull
  FROM pg_attribute WHERE attrelid = 'workitem.item'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;
SELECT attname FROM pg_attribute WHERE attrelid = 'workitem.event'::regclass AND attnum > 0 ORDER BY attnum;
SELECT enum_range(NULL::workitem.state);

-- The event table is partitioned by time, with this month and the next two created ahead.
SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'workitem.event'::regclass;
SELECT count(*) - 1 >= 3 AS three_months_ahead,
       bool_or(pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT') AS has_default
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'workitem.event'::regclass;
SELECT workitem.create_event_partitions(2) AS created_again;

-- Every data table's contents are kept by pg_dump.
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) AS t(oid) JOIN pg_class c ON c.oid = t.oid
 WHERE e.extname = 'workitem' AND c.relname NOT LIKE 'event\_2%' ORDER BY 1;

-- Every public function: documented, SECURITY DEFINER with a pinned search_path, not PUBLIC.
SELECT p.proname, obj_description(p.oid, 'pg_proc') IS NOT NULL AS documented,
       p.prosecdef AS security_definer,
       p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'] AS search_path_pinned,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
  FROM pg_proc p WHERE p.proname LIKE 'workitem\_%' AND p.pronamespace = 'public'::regnamespace
 ORDER BY 1;
SELECT count(*) AS internal_functions_public
  FROM pg_proc p WHERE p.pronamespace = 'workitem'::regnamespace
   AND has_function_privilege('public', p.oid, 'EXECUTE');

-- The settings (the library defines them when it loads).
SELECT workitem.current_tenant();
SELECT name, setting, unit FROM pg_settings WHERE name LIKE 'workitem.%' ORDER BY 1;
