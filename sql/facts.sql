-- Facts the C++ core and the SQL both need, compared (docs/architecture.md, one place for each
-- fact): the core (state.hpp) is the source; the SQL must agree with it. The listing function is
-- internal to this test: declared here, never part of the install script.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
CREATE FUNCTION pg_temp.core_states(OUT label text, OUT active boolean)
  RETURNS SETOF record AS 'workitem', 'workitem_core_states' LANGUAGE C STRICT;

-- The SQL type has the core's states, in the core's order.
SELECT (SELECT array_agg(label) FROM pg_temp.core_states()) = enum_range(NULL::workitem.state)::text[]
       AS same_states_same_order;

-- Every list of states in the install script that names both created and suspended is a list of
-- the active states, and must be exactly the core's: index predicates, views, function bodies.
CREATE TEMP VIEW state_lists AS
WITH texts(place, body) AS (
    SELECT 'index ' || i.indexrelid::regclass, pg_get_expr(i.indpred, i.indrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
     WHERE c.relnamespace = 'workitem'::regnamespace AND i.indpred IS NOT NULL
    UNION ALL
    SELECT 'view ' || c.oid::regclass, pg_get_viewdef(c.oid)
      FROM pg_class c WHERE c.relnamespace = 'workitem'::regnamespace AND c.relkind = 'v'
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure, p.prosrc
      FROM pg_proc p
     WHERE p.oid IN (SELECT objid FROM pg_depend WHERE classid = 'pg_proc'::regclass
                       AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'workitem'))
       AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')
)
SELECT place, m[1] AS list,
       ARRAY(SELECT x[1] FROM regexp_matches(m[1], '''([a-z_]+)''', 'g') AS x ORDER BY 1) AS states
  FROM texts, regexp_matches(body, '((?:''[a-z_]+''(?:::workitem\.state)?(?:::text)?,\s*){2,}''[a-z_]+''(?:::workitem\.state)?)', 'g') AS m
 WHERE m[1] LIKE '%''created''%' AND m[1] LIKE '%''suspended''%';
-- Where they are (one lost from the scan, or a new one, shows here).
SELECT place FROM state_lists ORDER BY 1;
-- Lists that are not the core's active states (expected: none).
SELECT place, list FROM state_lists
 WHERE states <> ARRAY(SELECT label FROM pg_temp.core_states() WHERE active ORDER BY 1)
 ORDER BY 1;
