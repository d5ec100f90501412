-- The publication logical-replication consumers subscribe to: the event table, inserts only,
-- published as the partitioned table. (Delivery itself is tested against real subscribers by
-- tests/events/replication.) This suite's server runs with wal_level = replica, hence the warning.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
DROP PUBLICATION IF EXISTS workitem_events, workitem_events_acme;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never

SELECT workitem.create_publication() AS publication;
SELECT pubname, puballtables, pubinsert, pubupdate, pubdelete, pubtruncate, pubviaroot
  FROM pg_publication ORDER BY 1;
SELECT pubname, schemaname, tablename, rowfilter FROM pg_publication_tables ORDER BY 1;

-- One tenant's events only: a row filter.
SELECT workitem.create_publication('workitem_events_acme', tenant => 'acme') AS publication;
SELECT pubname, schemaname, tablename, rowfilter FROM pg_publication_tables ORDER BY 1;

-- Partitions made later are published through the root too.
SELECT count(*) AS partitions_made FROM workitem.create_event_partitions(6);
SELECT count(*) AS published_tables FROM pg_publication_tables WHERE pubname = 'workitem_events';

-- Bad input.
SELECT workitem.create_publication();
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.create_publication(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.create_publication('');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.create_publication(repeat('p', 64));
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.create_publication('p', tenant => '');
\echo :LAST_ERROR_SQLSTATE
-- A name needing quotes is quoted, a tenant with a quote is a literal.
SELECT workitem.create_publication('Odd "name"', tenant => 'o''brien') AS publication;
SELECT pubname, rowfilter FROM pg_publication_tables WHERE pubname = 'Odd "name"';
DROP PUBLICATION "Odd ""name""";

-- The publication is not part of the extension: DROP EXTENSION leaves it, empty.
SET client_min_messages = warning;
DROP EXTENSION workitem;
RESET client_min_messages;
SELECT p.pubname, count(t.tablename) AS tables
  FROM pg_publication p LEFT JOIN pg_publication_tables t USING (pubname)
 GROUP BY 1 ORDER BY 1;
DROP PUBLICATION workitem_events, workitem_events_acme;
