-- The argument positions the C entry points decode (entry/call_arguments.hpp) against the
-- installed SQL signatures: every (C symbol, position, name) the decoders assume must be the
-- argument of that name at that position in pg_proc. The listing function is internal to this
-- test: declared here, dropped at the end, never part of the install script.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
CREATE FUNCTION pg_temp.argument_layouts(OUT symbol text, OUT argnum int, OUT name text)
  RETURNS SETOF record AS 'workitem', 'workitem_argument_layouts' LANGUAGE C STRICT;
CREATE TEMP VIEW declared AS
  SELECT p.prosrc AS symbol, a.n::int - 1 AS argnum, a.name
    FROM pg_proc p
    CROSS JOIN LATERAL unnest(p.proargnames) WITH ORDINALITY AS a(name, n)
   WHERE p.probin = '$libdir/workitem'
     AND coalesce(p.proargmodes[a.n], 'i') IN ('i', 'b', 'v')  -- arguments, not result columns
     AND p.oid IN (SELECT objid FROM pg_depend WHERE classid = 'pg_proc'::regclass
                     AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'workitem'));
-- How many functions and positions the C side describes (a layout lost shows here).
SELECT count(DISTINCT symbol) AS functions, count(*) AS arguments FROM pg_temp.argument_layouts();
-- Positions the C side assumes that the SQL signature does not have (expected: none).
SELECT c.symbol, c.argnum, c.name AS c_name, d.name AS sql_name
  FROM pg_temp.argument_layouts() c
  LEFT JOIN declared d ON d.symbol = c.symbol AND d.argnum = c.argnum
 WHERE d.name IS DISTINCT FROM c.name
 ORDER BY 1, 2;
-- Arguments of those functions that the C side does not know of (expected: none).
SELECT d.symbol, d.argnum, d.name
  FROM declared d
 WHERE d.symbol IN (SELECT symbol FROM pg_temp.argument_layouts())
   AND NOT EXISTS (SELECT FROM pg_temp.argument_layouts() c
                    WHERE c.symbol = d.symbol AND c.argnum = d.argnum)
 ORDER BY 1, 2;
DROP FUNCTION pg_temp.argument_layouts();
