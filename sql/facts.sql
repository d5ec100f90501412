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

-- Who may take an offered item, and in which order (docs/architecture.md, one place for each
-- fact): claim_next's statement (C++, transition/claim_next_query.cpp, with the caller's
-- principals from policy/caller.cpp) is the source; the worklist (SQL, workitem_worklist with
-- workitem.principals_of) must list exactly the items claim_next would take, in the order it
-- takes them. A varied backlog in two tenants; for each actor and queue, the worklist's offered
-- items are compared with what repeated claim_next calls take (rolled back afterwards).
SELECT setseed(0.17);
-- Offers to principals nobody answers to are part of the mix: their warnings are not shown.
SET client_min_messages = error;
CREATE TEMP TABLE people (tenant text, user_id text, groups text[]);
INSERT INTO people VALUES
    ('default', 'ann', '{red,blue}'), ('default', 'bob', '{red}'), ('default', 'cat', '{}'),
    ('default', 'dan', '{blue,green,gold}'), ('acme', 'ann', '{green}'), ('acme', 'eve', '{red}');
DO $$
DECLARE
    p record;
    principals text[] := '{u:ann,u:bob,u:cat,u:dan,u:eve,g:red,g:blue,g:green,g:gold}';
    offered text[];
    excluded text[];
BEGIN
    FOR p IN SELECT * FROM people LOOP
        PERFORM set_config('workitem.tenant', p.tenant, true);
        PERFORM workitem_put_user(p.user_id, p.groups);
    END LOOP;
    FOR n IN 1 .. 400 LOOP
        PERFORM set_config('workitem.tenant', CASE WHEN n % 4 = 0 THEN 'acme' ELSE 'default' END, true);
        -- One to three principals; now and then one of them, or another, excluded.
        offered := ARRAY(SELECT principals[1 + floor(random() * 9)::int]
                           FROM generate_series(1, 1 + floor(random() * 3)::int));
        excluded := CASE WHEN random() < 0.15 THEN ARRAY[principals[1 + floor(random() * 9)::int]]
                         ELSE '{}' END;
        PERFORM workitem_create(
            'wf-' || n, 'T',
            jsonb_build_object(
                'potential_owners', jsonb_build_object(
                    'users', ARRAY(SELECT substr(x, 3) FROM unnest(offered) x WHERE x LIKE 'u:%'),
                    'groups', ARRAY(SELECT substr(x, 3) FROM unnest(offered) x WHERE x LIKE 'g:%')),
                'excluded_owners', jsonb_build_object(
                    'users', ARRAY(SELECT substr(x, 3) FROM unnest(excluded) x WHERE x LIKE 'u:%'),
                    'groups', ARRAY(SELECT substr(x, 3) FROM unnest(excluded) x WHERE x LIKE 'g:%'))),
            priority => floor(random() * 3)::int,
            queue => (ARRAY[NULL, 'q1', 'q2'])[1 + floor(random() * 3)::int],
            due_at => CASE WHEN random() < 0.5 THEN '2030-01-01'::timestamptz + floor(random() * 3)::int * interval '1 day' END);
    END LOOP;
    -- Some offers have expired (the timer has not run yet): neither lists nor takes them.
    UPDATE workitem.item SET expires_at = now() - interval '1 minute' WHERE id % 13 = 0;
END;
$$;
RESET client_min_messages;
CREATE TEMP TABLE agreement (tenant text, actor text, queue text, worklist bigint[], claimed bigint[]);
DO $$
DECLARE
    p record;
    q text;
    listed bigint[];
    taken bigint[];
    next_id bigint;
BEGIN
    FOR p IN SELECT * FROM people LOOP
        FOREACH q IN ARRAY ARRAY['(any)', 'q1', 'q2'] LOOP
            PERFORM set_config('workitem.tenant', p.tenant, true);
            BEGIN
                listed := ARRAY(SELECT w.id FROM workitem_worklist(p.user_id, nullif(q, '(any)'), 10000) AS w
                                 WHERE w.state = 'offered');
                taken := '{}';
                LOOP
                    SELECT c.id INTO next_id FROM workitem_claim_next(p.user_id, nullif(q, '(any)')) AS c;
                    EXIT WHEN NOT FOUND;
                    taken := taken || next_id;
                END LOOP;
                RAISE EXCEPTION USING ERRCODE = 'WI000', MESSAGE = 'roll the claims back';
            EXCEPTION WHEN SQLSTATE 'WI000' THEN
                INSERT INTO agreement VALUES (p.tenant, p.user_id, q, listed, taken);
            END;
        END LOOP;
    END LOOP;
END;
$$;
-- Every actor has something to take, in each queue (the comparison is not empty).
SELECT tenant, actor, queue, cardinality(claimed) > 0 AS takes_some FROM agreement ORDER BY 1, 2, 3;
-- Where the worklist and claim_next disagree (expected: none).
SELECT tenant, actor, queue, worklist, claimed FROM agreement WHERE worklist <> claimed;
