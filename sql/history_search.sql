-- History search (docs/search.md, "History search"): the events a person made and the events that
-- put items into a state, in a window, newest first, keyset paged by seq; their bounds (WI422); and
-- the visibility of workitem_history: a reader never learns of an event of an item it may not see,
-- nor of another tenant's.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS hs_user, hs_reader, hs_admin, hs_other, hs_service;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE hs_user IN ROLE workitem_user;
CREATE ROLE hs_reader IN ROLE workitem_reader;
CREATE ROLE hs_admin IN ROLE workitem_admin;
CREATE ROLE hs_other IN ROLE workitem_admin;
CREATE ROLE hs_service IN ROLE workitem_service;
INSERT INTO workitem.role_tenant VALUES ('hs_user', 'acme'), ('hs_reader', 'acme'),
                                        ('hs_admin', 'acme'), ('hs_other', 'other');

CREATE FUNCTION try(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    answer text;
BEGIN
    EXECUTE statement INTO answer;
    RETURN answer;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END;
$$;
GRANT EXECUTE ON FUNCTION try(text) TO PUBLIC;

-- The items by name, so that the output does not depend on ids or seqs.
CREATE TABLE hs_item (name text PRIMARY KEY, id bigint);
GRANT SELECT ON hs_item TO PUBLIC;
CREATE FUNCTION named(ids bigint[]) RETURNS text LANGUAGE sql STABLE
    RETURN (SELECT string_agg(coalesce(h.name, 'unknown'), ',' ORDER BY n)
              FROM unnest(ids) WITH ORDINALITY AS u(id, n) LEFT JOIN hs_item h ON h.id = u.id);
GRANT EXECUTE ON FUNCTION named(bigint[]) TO PUBLIC;

-- In acme: "mine", offered to hs_user, claimed and started by hs_user; "theirs", offered to
-- somebody else, who claims, starts and completes it. In other: "far", hs_user's too, claimed.
BEGIN;
SET LOCAL workitem.tenant = 'acme';
INSERT INTO hs_item SELECT 'mine', id FROM workitem_create('wf-1', 'Review',
    '{"potential_owners": {"users": ["hs_user"]}}', actor => 'engine');
INSERT INTO hs_item SELECT 'theirs', id FROM workitem_create('wf-2', 'Review',
    '{"potential_owners": {"users": ["someone"]}}', actor => 'engine');
SELECT state FROM workitem_claim((SELECT id FROM hs_item WHERE name = 'mine'), 'hs_user');
SELECT state FROM workitem_start((SELECT id FROM hs_item WHERE name = 'mine'), 'hs_user');
SELECT state FROM workitem_claim((SELECT id FROM hs_item WHERE name = 'theirs'), 'someone');
SELECT state FROM workitem_start((SELECT id FROM hs_item WHERE name = 'theirs'), 'someone');
SELECT state FROM workitem_complete((SELECT id FROM hs_item WHERE name = 'theirs'), 'someone', '{}');
COMMIT;
BEGIN;
SET LOCAL workitem.tenant = 'other';
INSERT INTO hs_item SELECT 'far', id FROM workitem_create('wf-3', 'Review',
    '{"potential_owners": {"users": ["hs_user"]}}', actor => 'engine');
SELECT state FROM workitem_claim((SELECT id FROM hs_item WHERE name = 'far'), 'hs_user');
COMMIT;

-- Each search, newest first: item:operation of each event.
CREATE TABLE calls (name text, call text);
GRANT SELECT ON calls TO PUBLIC;
INSERT INTO calls VALUES
  ('by hs_user', $$SELECT string_agg(h.name || ':' || e.operation, ' ' ORDER BY e.seq DESC)
                     FROM workitem_history_by_actor('hs_user', now() - interval '1 hour', now() + interval '1 hour') e
                     LEFT JOIN hs_item h ON h.id = e.aggregateid$$),
  ('by someone', $$SELECT string_agg(h.name || ':' || e.operation, ' ' ORDER BY e.seq DESC)
                     FROM workitem_history_by_actor('someone', now() - interval '1 hour', now() + interval '1 hour') e
                     LEFT JOIN hs_item h ON h.id = e.aggregateid$$),
  ('by engine, create', $$SELECT string_agg(h.name || ':' || e.operation, ' ' ORDER BY e.seq DESC)
                     FROM workitem_history_by_actor('engine', now() - interval '1 hour', now() + interval '1 hour',
                                                    operations => '{create}') e
                     LEFT JOIN hs_item h ON h.id = e.aggregateid$$),
  ('into offered', $$SELECT string_agg(h.name || ':' || e.operation, ' ' ORDER BY e.seq DESC)
                     FROM workitem_history_by_state('offered', now() - interval '1 hour', now() + interval '1 hour') e
                     LEFT JOIN hs_item h ON h.id = e.aggregateid$$),
  ('into started', $$SELECT string_agg(h.name || ':' || e.operation, ' ' ORDER BY e.seq DESC)
                     FROM workitem_history_by_state('started', now() - interval '1 hour', now() + interval '1 hour') e
                     LEFT JOIN hs_item h ON h.id = e.aggregateid$$),
  ('into completed', $$SELECT string_agg(h.name || ':' || e.operation, ' ' ORDER BY e.seq DESC)
                     FROM workitem_history_by_state('completed', now() - interval '1 hour', now() + interval '1 hour') e
                     LEFT JOIN hs_item h ON h.id = e.aggregateid$$),
  ('an earlier window', $$SELECT count(*)::text
                     FROM workitem_history_by_actor('hs_user', now() - interval '2 days', now() - interval '1 day')$$);

-- The superuser, acting as a service in acme, sees every event of acme (none of other's).
SET workitem.tenant = 'acme';
SELECT name, try(call) AS service FROM calls;
RESET workitem.tenant;

-- Paging: one event a page, each page after the last seq of the one before, until none is left.
SET workitem.tenant = 'acme';
WITH RECURSIVE page(n, seq, item, operation) AS (
    SELECT 1, e.seq, e.aggregateid, e.operation
      FROM workitem_history_by_state('started', now() - interval '1 hour', now() + interval '1 hour',
                                     page_size => 1) e
    UNION ALL
    SELECT p.n + 1, e.seq, e.aggregateid, e.operation
      FROM page p,
           LATERAL workitem_history_by_state('started', now() - interval '1 hour', now() + interval '1 hour',
                                             after_seq => p.seq, page_size => 1) e
)
SELECT n, named(ARRAY[item]) AS item, operation FROM page ORDER BY n;
SELECT named(array_agg(e.aggregateid ORDER BY e.seq DESC)) AS two_newest
  FROM workitem_history_by_actor('hs_user', now() - interval '1 hour', now() + interval '1 hour', page_size => 2) e;
-- A window is [from_at, to_at): acme's events all occurred at one instant (one transaction), and
-- a window that ends there holds none of them.
SELECT count(*) AS events_until_the_first
  FROM workitem_history_by_actor('engine', now() - interval '1 hour',
                                 (SELECT min(occurred_at) FROM workitem.event WHERE tenant_id = 'acme'));
RESET workitem.tenant;

-- A user sees the events of the items it may see (its own), whoever made them: not the other
-- item's, though "someone" made events in the window; a reader and an admin see all of acme; an
-- admin of another tenant sees its own tenant's only.
SET ROLE hs_user;
SELECT name, try(call) AS hs_user FROM calls;
SET ROLE hs_reader;
SELECT name, try(call) AS hs_reader FROM calls;
SET ROLE hs_admin;
SELECT name, try(call) AS hs_admin FROM calls;
SET ROLE hs_other;
SELECT name, try(call) AS hs_other FROM calls;
RESET ROLE;

-- A service reading as a user sees what that user sees; on behalf of a user, the same (and it may
-- not read as anybody else).
SET ROLE hs_service;
SET workitem.tenant = 'acme';
SELECT try($$SELECT named(array_agg(aggregateid ORDER BY seq DESC))
               FROM workitem_history_by_state('started', now() - interval '1 hour', now() + interval '1 hour',
                                              actor => 'hs_user')$$) AS as_hs_user;
SELECT try($$SELECT named(array_agg(aggregateid ORDER BY seq DESC))
               FROM workitem_history_by_actor('someone', now() - interval '1 hour', now() + interval '1 hour',
                                              actor => 'hs_user')$$) AS someone_as_hs_user;
BEGIN;
SET LOCAL workitem.on_behalf = 'user';
SELECT try($$SELECT named(array_agg(aggregateid ORDER BY seq DESC))
               FROM workitem_history_by_state('started', now() - interval '1 hour', now() + interval '1 hour',
                                              actor => 'hs_user')$$) AS on_behalf_of_hs_user;
COMMIT;
-- The capability roles themselves, reached by SET ROLE, are nobody.
SET ROLE workitem_reader;
SELECT try($$SELECT count(*)::text FROM workitem_history_by_actor('hs_user', now() - interval '1 hour', now())$$)
    AS as_workitem_reader;
RESET ROLE;
RESET workitem.tenant;
-- A user may not read as somebody else.
SET ROLE hs_user;
SELECT try($$SELECT count(*)::text FROM workitem_history_by_actor('someone', now() - interval '1 hour', now(),
                                                                  actor => 'someone')$$) AS as_someone;
RESET ROLE;

-- The window prunes the monthly partitions: a window inside next month reads that month's
-- partition and no other (the page statement, prepared with the values a call passes).
\set ECHO none
SELECT format('PREPARE hs_page(text, timestamptz, timestamptz, bigint, integer, text, text, text[], text) AS %s',
              workitem.history_page_statement()) \gexec
\set ECHO all
CREATE FUNCTION plan_of(statement text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON, COSTS OFF) ' || statement INTO plan;
    RETURN plan;
END;
$$;
SELECT string_agg(DISTINCT CASE WHEN r #>> '{}' = 'event_' || to_char(m, 'YYYYMM') THEN 'next month''s partition'
                                ELSE r #>> '{}' END, ', ') AS event_partitions_read
  FROM (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month' AS m) AS n,
       jsonb_path_query(plan_of(format('EXECUTE hs_page(%L, %L, %L, NULL, 50, NULL, %L, NULL, NULL)', 'acme',
                                       (n.m + interval '1 day') AT TIME ZONE 'UTC',
                                       (n.m + interval '8 days') AT TIME ZONE 'UTC', 'hs_user')),
                        'strict $.**."Relation Name"') AS r
 WHERE r #>> '{}' LIKE 'event%';
DEALLOCATE hs_page;

-- Bounds: every one a WI422 naming what is wrong.
SELECT call, try(call) FROM (VALUES
  ($$SELECT count(*) FROM workitem_history_by_actor(NULL, now() - interval '1 hour', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('', now() - interval '1 hour', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor(repeat('x', 1001), now() - interval '1 hour', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', NULL, now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now(), NULL)$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', '-infinity', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now(), now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now(), now() - interval '1 hour')$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '31 days 1 second', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), operations => '{}')$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), operations => '{claim,NULL}')$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), operations => array_fill('claim'::text, '{33}'))$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), operations => ARRAY[repeat('x', 65)])$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), after_seq => 0)$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), page_size => 0)$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), page_size => 1001)$$),
  ($$SELECT count(*) FROM workitem_history_by_actor('a', now() - interval '1 hour', now(), page_size => NULL)$$),
  ($$SELECT count(*) FROM workitem_history_by_state('bogus', now() - interval '1 hour', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_state(NULL, now() - interval '1 hour', now())$$),
  ($$SELECT count(*) FROM workitem_history_by_state('offered', now() - interval '32 days', now())$$),
  ($$SELECT (SELECT count(*) FROM workitem_history_by_state('offered', now() - interval '31 days', now()))::text || ' (31 days: allowed)'$$)
) AS c(call);

RESET ROLE;
DROP FUNCTION try(text), named(bigint[]), plan_of(text);
DROP TABLE calls, hs_item;
DROP ROLE hs_user, hs_reader, hs_admin, hs_other, hs_service;
